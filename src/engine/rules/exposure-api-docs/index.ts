import { defineFamily } from '../define.js';

export default defineFamily([
  {
    id: 'exposure.api-docs',
    check: 'Inventory Management',
    title: 'API documentation exposed',
    severity: 'info',
    cwe: ['CWE-1059'],
    owasp: ['API9:2023'],
    owaspLlm: [],
    pci: ['2.2'],
    depth: 'quick',
    summary: '/docs, /redoc or /openapi.json map the whole API for anyone.',
    remediation: 'Turn the docs routes off in production or put them behind authentication.',
    explanation: {
      what:
        "Also TGI's /api-doc/openapi.json and LocalAI's /swagger: the whole API, including routes you did not mean to publish " +
        'and the name of the credential header.',
      why: 'Attackers start there: every route and parameter, and which ones are guarded. Alone it is informational; next to any other finding it is the map.',
      howProved: ['GETs the documentation routes without credentials; reports when Swagger UI, ReDoc or an OpenAPI document comes back.'],
      falsePositives: ['A public API may publish documentation on purpose; then it should list only public routes.'],
      manualChecks: (ctx, { curl, check }) => [
        check('Swagger UI', curl(ctx, { method: 'GET', body: null, path: '/docs' }), '401 or 404'),
        check(
          'The OpenAPI document',
          curl(ctx, { method: 'GET', body: null, path: ctx.product === 'tgi' ? '/api-doc/openapi.json' : '/openapi.json' }),
          '401 or 404',
        ),
      ],
      fix: ({ keyedStart, withAspects }) => ({
        detail: 'FastAPI: docs_url=None, redoc_url=None, openapi_url=None; vLLM: --disable-fastapi-docs; LiteLLM: NO_DOCS=True.',
        app: {
          frameworks: ['fastapi'],
          features: ['auth'],
          focus: 'docs_url, redoc_url and openapi_url are None, so the routes do not exist (FastAPI app dependencies would not have covered them).',
        },
        proxy: {
          frameworks: ['nginx', 'caddy'],
          features: ['auth'],
          deny: ['docs'],
          denyFindingPath: true,
          focus: 'The documentation routes are refused outright, even with a key.',
        },
        servers: {
          vllm: withAspects(keyedStart('vllm', '--disable-fastapi-docs removes /docs, /redoc and /openapi.json.'), 'noDocs'),
          tgi: {
            aspects: ['key', 'loopback'],
            needsProxy: true,
            focus: 'TGI always serves /docs and /api-doc/openapi.json: TGI listens on loopback and the proxy refuses them.',
          },
          sglang: keyedStart('sglang', 'Its documentation routes then need the key.'),
          litellm: withAspects(keyedStart('litellm', 'NO_DOCS and NO_REDOC turn the documentation routes off.'), 'noDocs'),
          localai: {
            aspects: ['key', 'loopback'],
            needsProxy: true,
            focus: 'LocalAI serves /swagger without the key: LocalAI listens on loopback and the proxy refuses it.',
          },
        },
      }),
    },
  },
]);
