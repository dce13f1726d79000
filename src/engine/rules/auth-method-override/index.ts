import { defineFamily } from '../define.js';

export default defineFamily([
  {
    id: 'auth.method-override',
    onServedRoute: true,
    check: 'Authentication',
    title: 'Another method or an override header skips authentication',
    severity: 'high',
    cwe: ['CWE-288', 'CWE-650'],
    owasp: ['API2:2023'],
    owaspLlm: [],
    pci: ['8.2'],
    depth: 'standard',
    summary: 'HEAD, GET or a method-override header reaches a handler whose authentication guards only POST.',
    remediation: 'Apply authentication to every method and ignore method-override headers unless an authenticated layer needs them.',
    explanation: {
      what:
        'The override can be a header (X-HTTP-Method-Override, X-HTTP-Method, X-Method-Override) or a `_method=` parameter; any ' +
        'of them reaching the handler without credentials is the finding.',
      why:
        'Authentication bound to a method is bypassed by choosing another method; override middleware turns a ' +
        'harmless-looking request into the guarded one.',
      howProved: [
        'Baseline: the guarded method without credentials is refused.',
        'Sends the other methods and each override form without credentials; reports the one that reaches the handler or the model, with the baseline.',
      ],
      falsePositives: ['A 405 for the other method is the right answer and is not reported.'],
      manualChecks: (ctx, { curl, check }) => [
        check('GET instead of POST', curl(ctx, { method: 'GET', body: null }), '401 or 405'),
        check('HEAD', curl(ctx, { method: 'HEAD', body: null }), '401 or 405'),
        check('Override header', curl(ctx, { method: 'GET', body: null, headers: ['X-HTTP-Method-Override: POST'] }), '401 or 405'),
        check('Override parameter', curl(ctx, { path: `${ctx.path}?_method=POST`, method: 'GET', body: null }), '400, 401 or 405'),
      ],
      fix: ({ ALL_APPS }) => ({
        detail: 'Authenticate in one place, before routing; install method-override middleware on an API only behind authentication.',
        app: {
          frameworks: ALL_APPS,
          features: ['auth'],
          focus: 'The check ignores the method: GET, HEAD, OPTIONS and overrides all need the key, and the app installs no method-override middleware.',
        },
        proxy: {
          frameworks: ['nginx', 'caddy'],
          features: ['auth', 'stripOverride'],
          deny: [],
          denyFindingPath: false,
          focus: "The proxy forwards only each route's own method, checks the key for it, and strips override headers (nginx also refuses `_method=`).",
        },
      }),
    },
  },
]);
