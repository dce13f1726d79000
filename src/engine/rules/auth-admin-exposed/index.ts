import { defineFamily } from '../define.js';

export default defineFamily([
  {
    id: 'auth.admin-exposed',
    check: 'Authorization',
    title: 'Management route reachable without credentials',
    severity: 'critical',
    cwe: ['CWE-306', 'CWE-862'],
    owasp: ['API5:2023'],
    owaspLlm: [],
    pci: ['7.2'],
    depth: 'standard',
    summary: 'A route that pulls, deletes, reloads or reconfigures models answers callers without credentials.',
    remediation: 'Put management routes behind an admin credential or remove them from the public listener (bind them to loopback or block them at the proxy).',
    explanation: {
      what:
        'Examples: Ollama /api/pull, /api/push, /api/create, /api/delete; vLLM /pause, /update_weights, /sleep, ' +
        '/collective_rpc; SGLang /update_weights_*, /flush_cache; llama.cpp slot save/restore and POST /props; LocalAI ' +
        '/models/apply; LiteLLM /key/* and /team/*.',
      why:
        "Whoever reaches it can replace or delete models, fill the disk, pause serving, or — through Ollama's pull path traversal " +
        '(CVE-2024-37032) — write files and run code. This is function-level authorization (OWASP API5): management needs a stronger ' +
        'credential than inference, or no public route at all.',
      howProved: [
        'Never invokes a management route with a body that could act. It sends a harmless method (GET or ' +
          'OPTIONS) or an empty body to the management route and to a route known to be guarded.',
        'Reports only when the guarded route answers 401/403 and the management route answers with a routing ' +
          "or validation status (405, 404 shaped like the route's own answer, 422, 400): the request got past " +
          'authentication. Confidence: firm.',
        'If the guarded route also answers 405/422 (authentication after routing, as with per-route FastAPI ' +
          'dependencies) the probe is inconclusive and nothing is reported.',
        'For servers without any authentication (Ollama), the fingerprint plus a read-only sibling (/api/ps, ' +
          '/api/tags) answering without credentials proves it.',
      ],
      falsePositives: [
        'A server that validates bodies before checking credentials could look reachable: the calibration ' +
          'against a guarded route rules this out, and says inconclusive when it cannot.',
        "A generic not-found page is not counted as a routing answer; only a 404 shaped like the route's own answer is.",
      ],
      manualChecks: (ctx, { curl, check }) => [
        check(
          'The management route, harmless method, no credentials',
          curl(ctx, { method: 'GET', body: null }),
          '401, 403 or 404 — never 405 or 422 (those mean the handler was reached)',
        ),
        check('The same, with the key', curl(ctx, { method: 'GET', body: null, keyed: true }), '403 or 404 unless you hold the admin credential'),
      ],
      links: ['owaspApiTop10'],
      fix: ({ ALL_APPS, ollamaBehindProxy }) => ({
        detail:
          'Refuse them at a proxy that denies by default, and where the server or app supports it give admin routes their own key ' +
          '(SGLang --admin-api-key; an admin router with a separate key in your app). Never run development modes ' +
          '(VLLM_SERVER_DEV_MODE) on a reachable port.',
        app: {
          frameworks: ALL_APPS,
          features: ['auth', 'admin'],
          focus:
            'Management routes live on their own router under /admin, behind a second key (ADMIN_API_KEY in ' +
            'X-Admin-Key) on top of the API key; both keys fail closed.',
        },
        proxy: {
          frameworks: ['nginx', 'caddy'],
          features: ['auth'],
          deny: ['management'],
          denyFindingPath: true,
          focus: 'Management routes are refused outright, even with a key; the inference routes need the key; everything else is refused.',
        },
        servers: {
          vllm: {
            aspects: ['key', 'loopback', 'noManagement'],
            needsProxy: true,
            focus:
              'Unsets dev mode (which adds /sleep, /collective_rpc, /reset_prefix_cache) and binds vLLM to loopback: /pause, /resume, ' +
              "/update_weights and /scale_elastic_ep are outside vLLM's key check, so only the proxy can refuse them.",
          },
          ollama: ollamaBehindProxy(
            'Binds Ollama to loopback; the proxy refuses /api/pull, /api/push, /api/create, /api/copy, /api/delete and /api/blobs outright.',
          ),
          llamacpp: {
            aspects: ['key', 'noManagement', 'noSlots'],
            focus:
              'Starts llama-server with its key and without --props or --slot-save-path: nothing can change the server or save and restore slots over HTTP.',
          },
          sglang: {
            aspects: ['key', 'adminKey'],
            focus: 'Gives SGLang an admin key (--admin-api-key) separate from the inference key: weight updates, cache flushes and profiling need it.',
          },
          litellm: {
            aspects: ['key', 'noManagement'],
            focus:
              'With a master key set, /key/*, /team/* and /user/* need it; without one they are open to everyone. ' +
              'Clients get virtual keys, never the master key.',
          },
          localai: {
            aspects: ['key', 'noManagement'],
            focus: 'Starts LocalAI with its key and without the gallery endpoint (/models/apply installs models from any URL).',
          },
        },
      }),
    },
  },
]);
