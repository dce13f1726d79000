import { defineFamily } from '../define.js';

export default defineFamily([
  {
    id: 'auth.path-confusion',
    check: 'Authentication',
    title: 'Path normalization reaches a guarded handler',
    severity: 'high',
    cwe: ['CWE-288', 'CWE-178'],
    owasp: ['API2:2023'],
    owaspLlm: [],
    pci: ['8.2'],
    depth: 'standard',
    summary: 'A case change, doubled slash, encoded character or suffix reaches a guarded handler without credentials.',
    remediation: 'Authenticate every request before routing (deny by default) instead of matching path prefixes.',
    explanation: {
      what:
        'The authentication layer does not recognize the spelling but the router still dispatches it: upper case ' +
        '(/V1/chat/completions), a doubled slash (//v1/…), a trailing slash, /./, an encoded slash or dot (%2f, %2e), a ;param ' +
        'suffix, or a prefix a suffix-matching router ignores (KoboldCpp).',
      why: 'Prefix and allow-list checks on raw paths are fragile: the router normalizes, the check does not. One spelling is full access.',
      howProved: [
        'Baseline: the canonical path refuses a request without credentials.',
        'Sends the same request, without credentials, to the path variants above (on the wire exactly as written).',
        'Reports the variant that reaches the model (confirmed) or the handler (firm), with the refused baseline.',
      ],
      falsePositives: ['A variant answered with a redirect to the canonical path is not a bypass: the redirected request is checked again.'],
      manualChecks: (ctx, { curl, check }) => {
        const p = ctx.paths[0] ?? ctx.path;
        const encoded = p.replace(/^(\/[^/]+)\//, '$1%2F');
        return [
          check('Doubled slash', curl(ctx, { path: `/${p}`, pathAsIs: true }), '401 or 404'),
          check('Upper case', curl(ctx, { path: p.toUpperCase(), pathAsIs: true }), '401 or 404'),
          check('Encoded slash', curl(ctx, { path: encoded, pathAsIs: true }), '401, 400 or 404'),
          check('Parameter suffix', curl(ctx, { path: `${p};x=1`, pathAsIs: true }), '401 or 404'),
        ];
      },
      fix: ({ ALL_APPS }) => ({
        detail: 'Where some paths must be public, compare the exact routed path with an allow-list — never a prefix of the raw path.',
        app: {
          frameworks: ALL_APPS,
          features: ['auth'],
          focus: 'The check runs for every request and looks at no path at all: there is no spelling left to confuse it.',
        },
        proxy: {
          frameworks: ['nginx', 'caddy'],
          features: ['auth'],
          deny: [],
          denyFindingPath: false,
          focus: 'The proxy checks the key for every request and forwards only exact, normalized paths, each to a fixed upstream path.',
        },
        servers: {
          vllm: {
            aspects: ['key', 'loopback', 'upgrade'],
            needsProxy: true,
            focus: 'vLLM decides what to guard by path prefix; on loopback behind the proxy, only exact paths with the key reach it.',
          },
          sglang: {
            aspects: ['key', 'loopback'],
            needsProxy: true,
            focus: 'SGLang exempts paths by prefix (/health…); on loopback behind the proxy, only exact paths with the key reach it.',
          },
          koboldcpp: {
            aspects: ['key', 'loopback'],
            needsProxy: true,
            focus: 'KoboldCpp matches routes by suffix, so any prefix reaches a handler; on loopback behind the proxy, only exact paths reach it.',
          },
        },
      }),
    },
  },
]);
