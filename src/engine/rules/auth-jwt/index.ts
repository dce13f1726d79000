import { defineFamily } from '../define.js';

export default defineFamily([
  {
    id: 'auth.jwt',
    onServedRoute: true,
    check: 'Authentication',
    title: 'JSON Web Tokens not verified',
    severity: 'high',
    cwe: ['CWE-347', 'CWE-613'],
    owasp: ['API2:2023'],
    owaspLlm: [],
    pci: ['8.3'],
    depth: 'standard',
    needs: 'jwt',
    summary: 'A token with alg "none", a forged payload, an expired exp or an empty HMAC secret is accepted.',
    remediation: 'Verify JWTs with a maintained library, pin the expected algorithms, require and check exp, and use a strong secret or key pair.',
    explanation: {
      what:
        'Found with your JWT (or when errors show the server uses JWTs): `alg: none`, a changed payload with the old signature, ' +
        'an expired token, or one signed with an empty HMAC secret is accepted where it must be refused.',
      why: 'Whoever can forge or replay a token can be anyone: every user, every tenant, every role the token can name.',
      howProved: [
        'Needs a JWT (--header "Authorization: Bearer …"). Builds the variants with a real JOSE library ' +
          '(jose): alg none, payload changed under the old signature, exp well in the past, HS256 with an empty ' +
          'secret.',
        "Reports each variant the server accepts where the original token's absence is refused.",
      ],
      falsePositives: ['A few minutes of clock-skew leeway is normal: the expired variant is far beyond any reasonable leeway.'],
      manualChecks: (ctx, { curl, check, b64url }) => {
        const none = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ sub: 'gatecrash', exp: 4102444800 })}.`;
        const forged = b64url({ sub: 'admin', exp: 4102444800 });
        return [
          check('A token with alg none', curl(ctx, { headers: [`Authorization: Bearer ${none}`] }), '401'),
          check(
            'Your token with a forged payload',
            `${curl(ctx)} -H "Authorization: Bearer $(printf %s "$JWT" | cut -d. -f1).${forged}.$(printf %s "$JWT" | cut -d. -f3)"`,
            '401',
          ),
        ];
      },
      links: ['jwtCheatSheet'],
      fix: ({ ALL_APPS }) => ({
        detail: 'Check aud/iss where you use them, use a secret of at least 32 random bytes, and refuse to start without it.',
        app: {
          frameworks: ALL_APPS,
          features: ['jwt'],
          focus:
            'Tokens are verified with PyJWT (jose in Node): algorithms pinned to HS256, exp required, aud checked ' +
            'when set; the secret must be at least 32 bytes or the app does not start.',
          notes: [
            'For tokens issued by an identity provider, verify with its public keys (RS256/ES256 from its JWKS) ' +
              'instead of a shared secret, still with pinned algorithms.',
          ],
        },
      }),
    },
  },
]);
