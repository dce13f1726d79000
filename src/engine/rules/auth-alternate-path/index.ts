import { defineFamily } from '../define.js';

export default defineFamily([
  {
    id: 'auth.alternate-path',
    check: 'Authentication',
    title: 'Model reachable through an unguarded alternate route',
    severity: 'high',
    cwe: ['CWE-288'],
    owasp: ['API2:2023'],
    owaspLlm: [],
    pci: ['8.2'],
    depth: 'standard',
    summary: 'The obvious inference route refuses callers without a key while another route reaches the same model without one.',
    remediation: 'Enforce authentication for every route (app-level middleware or dependency, or a deny-by-default proxy), not per route.',
    explanation: {
      what:
        "Examples: vLLM /invocations, /pooling, /tokenize; TGI's KServe /v2/models/{m}/versions/{v}/infer and /chat_tokenize; " +
        "SGLang /health_generate; KoboldCpp /sdapi/v1/*; a wrapper's second route (/v1/generate guarded, /generate not).",
      why:
        "A key protects nothing when the model is one path away: attackers read /openapi.json or the server's documentation and take the " +
        'open door. Per-route authentication fails this way every time a route is added or a server release grows a new one.',
      howProved: [
        'Establishes a baseline: the guarded route refuses a request without credentials (401/403).',
        'Sends the same kind of request, without credentials, to the other routes that reach the model: from ' +
          "the server's profile, its OpenAPI document, and suffix variants such as /x/api/v1/generate.",
        'Reports when an alternate returns model output (confirmed) or reaches the handler (firm); the ' +
          'evidence holds both the refused baseline and the open alternate.',
      ],
      falsePositives: [
        'Health routes that run a one-token generation (SGLang /health_generate) are reported: they spend GPU ' +
          'time for anyone, even if the output is not shown.',
        "Tokenize routes generate nothing but run the model's tokenizer: reported as firm, lower impact than a completion route.",
      ],
      manualChecks: (ctx, { curl, check }) => [
        check('The alternate route, without credentials', curl(ctx), '401 (or 404 once the proxy forwards only the routes you serve)'),
        check('The main route, for comparison', curl(ctx, { path: ctx.paths[0] ?? ctx.path }), '401'),
      ],
      fix: ({ ALL_APPS, ollamaBehindProxy, NOT_LOOPBACK_NOTE }) => ({
        detail: `Forward only the routes you serve and remove routes you do not use. ${NOT_LOOPBACK_NOTE}`,
        app: {
          frameworks: ALL_APPS,
          features: ['auth'],
          focus: 'The check is app-wide and runs before routing, so a forgotten route, or one added later, is covered the moment it exists.',
        },
        wrapper: {
          features: ['auth'],
          focus: 'The decorator sits on the model call, not on a route: whichever route calls mistral_chat, the key is checked.',
        },
        proxy: {
          frameworks: ['nginx', 'caddy'],
          features: ['auth'],
          deny: ['alternate'],
          denyFindingPath: true,
          focus: 'Only the routes you list are forwarded, each with the key; the alternate routes are refused outright.',
        },
        servers: {
          vllm: {
            aspects: ['key', 'loopback', 'noDocs'],
            needsProxy: true,
            focus:
              "vLLM's key covers only /v1, /v2, /inference and /cohere: /invocations, /pooling, /classify, /score, /rerank and /tokenize " +
              'stay open whatever you pass. vLLM listens on loopback and the proxy forwards only the /v1 routes you serve.',
          },
          tgi: {
            aspects: ['key', 'loopback'],
            needsProxy: true,
            focus:
              "TGI's key does not cover /chat_tokenize or the KServe routes (/v2/models/*/infer): TGI listens on " +
              'loopback and the proxy forwards only the routes you serve.',
          },
          sglang: {
            aspects: ['key', 'loopback'],
            needsProxy: true,
            focus:
              'SGLang leaves every path starting with /health open, including /health_generate, which runs the ' +
              'model: SGLang listens on loopback and the proxy forwards only the routes you serve.',
          },
          koboldcpp: {
            aspects: ['key', 'loopback', 'noSideModels'],
            needsProxy: true,
            focus:
              'KoboldCpp never guards image generation or transcription and matches routes by suffix: it listens on ' +
              'loopback without side models, and the proxy forwards exact paths only.',
          },
          ollama: ollamaBehindProxy(
            'Ollama has no authentication, so a proxy that guards only some routes leaves the others open: Ollama ' +
              'listens on loopback behind the deny-by-default proxy.',
          ),
        },
      }),
    },
  },
]);
