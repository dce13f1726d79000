import { defineFamily } from '../define.js';

export default defineFamily([
  {
    id: 'auth.host-header',
    onServedRoute: true,
    check: 'Authentication',
    title: 'Authentication bypass through the Host header',
    severity: 'critical',
    cwe: ['CWE-444', 'CWE-288'],
    owasp: ['API2:2023'],
    owaspLlm: [],
    pci: ['8.2'],
    depth: 'standard',
    summary: 'A Host header carrying a public path makes the auth layer treat a guarded request as public.',
    remediation:
      'Upgrade the server past the fixed version and never derive the request path from the Host header; reject unexpected Host values at the proxy.',
    explanation: {
      what:
        'The authentication layer rebuilds the URL from the Host header (`Host: api.example.com/health?`) and reads the path ' +
        'from that. vLLM before 0.22 (CVE-2026-48746) and LiteLLM before 1.84 (CVE-2026-49468) had this bug; SGLang builds the ' +
        'path the same way.',
      why: "A complete authentication bypass with one header, through any proxy that forwards the client's Host unchanged.",
      howProved: [
        'Baseline: the guarded request without credentials is refused.',
        'Sends the same request with `Host: <host>/health?` (and /ping?, /metrics?, /docs?), the connection still going to the same address.',
        'Reports when a variant reaches the model (confirmed) or the protected handler (firm).',
      ],
      falsePositives: [
        'A proxy that rejects malformed Host values (nginx answers 400 to a Host with "/") protects an ' +
          'affected server; vuln.known-advisory may still report its version.',
      ],
      manualChecks: (ctx, { curl, check }) => [
        check('A Host carrying a public path', curl(ctx, { headers: [`Host: ${ctx.host}/health?`] }), '400, 401 or 421 — never 200'),
        check('Another public path', curl(ctx, { headers: [`Host: ${ctx.host}/metrics?`] }), '400, 401 or 421 — never 200'),
      ],
      fix: ({ ALL_APPS, keyedStart, withAspects }) => ({
        detail:
          'In your own code read the path from the ASGI scope (`scope["path"]`) or the router, never from a URL rebuilt from the ' +
          "Host header (Starlette's `request.url` is one); put a proxy in front that sets the upstream Host itself.",
        app: {
          frameworks: ALL_APPS,
          features: ['auth', 'trustedHosts'],
          focus:
            'The key check reads only the credential header, never a path or the Host; Host values other than the ' +
            'expected ones are refused before any handler runs.',
        },
        proxy: {
          frameworks: ['nginx', 'caddy'],
          features: ['auth', 'trustedHosts'],
          deny: [],
          denyFindingPath: false,
          focus: 'The proxy answers only the expected Host (nginx refuses Host values containing "/" itself) and the upstream always sees a fixed Host.',
        },
        servers: {
          vllm: withAspects(
            keyedStart('vllm', 'It refuses vLLM releases before 0.22.0, which read the path from a Host-built URL (CVE-2026-48746).'),
            'upgrade',
          ),
          litellm: withAspects(keyedStart('litellm', 'It refuses LiteLLM releases before 1.84.0 (CVE-2026-49468, Host-header bypass).'), 'upgrade'),
          sglang: {
            aspects: ['key', 'loopback'],
            needsProxy: true,
            focus: "SGLang reads the path the way vLLM's vulnerable middleware did; until that changes, only a proxy that fixes the upstream Host closes it.",
          },
        },
      }),
    },
  },
]);
