import { defineFamily } from '../define.js';

export default defineFamily([
  {
    id: 'auth.weak-key-handling',
    onServedRoute: true,
    check: 'Authentication',
    title: 'API key handled loosely',
    severity: 'medium',
    cwe: ['CWE-1390', 'CWE-598'],
    owasp: ['API2:2023'],
    owaspLlm: [],
    pci: ['8.3'],
    depth: 'standard',
    needs: 'key',
    summary: 'The key is accepted with changed case, in the query string, as a prefix, or without its documented scheme.',
    remediation: 'Compare the exact key bytes in constant time, only from the documented header, never from the URL.',
    explanation: {
      what:
        'Found with your key: accepted with its case changed (TGI lower-cases both sides), from the query string (?api_key=, ' +
        '?key=), as a prefix, or without its documented Bearer scheme (LocalAI).',
      why:
        'Case-folding shrinks the key space; keys in URLs end up in access logs, proxies, browser history and Referer headers; prefix ' +
        'matching lets an attacker find the key one character at a time.',
      howProved: [
        'Needs your key (--header). Sends it with its case changed, in ?api_key= and ?key=, a prefix of it, ' +
          'and without the scheme where Bearer is documented; the key is redacted everywhere in the report.',
        'One finding per accepted variant.',
      ],
      falsePositives: [
        'Servers that accept the raw key without Bearer by design (LocalAI) are reported: the scheme-less ' +
          'form is the one that leaks into logs and tools, though the risk is lower than a case-insensitive ' +
          'compare.',
      ],
      manualChecks: (ctx, { curl, check }) => {
        const v = ctx.envVar;
        const scheme = ctx.scheme === 'Bearer' ? 'Bearer ' : '';
        return [
          check('The key in upper case', `${curl(ctx)} -H "${ctx.headerName}: ${scheme}$(printf %s "$${v}" | tr a-z A-Z)"`, '401'),
          check('The key in the query string', curl(ctx, { urlArg: `"${ctx.origin}${ctx.path}?api_key=$${v}"` }), '401'),
          check('A prefix of the key', `${curl(ctx)} -H "${ctx.headerName}: ${scheme}\${${v}%?}"`, '401'),
          ...(ctx.scheme === 'Bearer' ? [check('The key without its scheme', `${curl(ctx)} -H "${ctx.headerName}: $${v}"`, '401')] : []),
        ];
      },
      fix: ({ ALL_APPS }) => ({
        detail: 'Never case-fold the key.',
        app: {
          frameworks: ALL_APPS,
          features: ['auth'],
          focus: 'The key is compared as exact bytes (SHA-256 digests, constant time) from one documented header; the query string is never read.',
        },
        wrapper: {
          features: ['auth'],
          focus: 'The decorator compares the exact key bytes from one header in constant time; the query string is never read.',
        },
        proxy: {
          frameworks: ['nginx', 'caddy'],
          features: ['auth'],
          deny: [],
          denyFindingPath: false,
          focus:
            "The proxy compares the exact key from one header (nginx's map ignores case, so a shape check admits " +
            'only the lower-case hex key) and never reads the query string.',
        },
        servers: {
          tgi: {
            aspects: ['key', 'loopback'],
            needsProxy: true,
            focus: 'TGI lower-cases the whole Authorization value before comparing: only a proxy in front can compare the key exactly.',
          },
          localai: {
            aspects: ['key', 'loopback'],
            needsProxy: true,
            focus: 'LocalAI accepts the key without its scheme and from several headers: the proxy in front accepts exactly one form.',
          },
        },
      }),
    },
  },
]);
