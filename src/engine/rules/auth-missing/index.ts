import { defineFamily } from '../define.js';

export default defineFamily([
  {
    id: 'auth.missing',
    onServedRoute: true,
    check: 'Authentication',
    title: 'Missing authentication on inference endpoint',
    severity: 'high',
    cwe: ['CWE-306'],
    owasp: ['API2:2023'],
    owaspLlm: [],
    pci: ['8.2'],
    depth: 'quick',
    summary: 'An inference route returns model output to a request that carries no credentials.',
    remediation:
      'Require an API key (or JWT/OAuth2 token) on every route before the model runs; fail closed when the ' +
      'key is not configured and compare it in constant time.',
    explanation: {
      what:
        "Anyone who can reach the port can run the model: the tutorial wrapper's FastAPI `/generate` with no `Depends`, or a " +
        'server such as vLLM or TGI started without `--api-key`.',
      why:
        'Free use of a GPU you pay for, at whatever rate the caller chooses (cost and denial of service); access to anything the model ' +
        'or its system prompt knows; and a way into downstream tools through prompt injection. Usage limits and paid tiers mean nothing ' +
        'when the route is open. PCI DSS 8.2 asks that every access to a system component be identified and authenticated.',
      howProved: [
        "Finds inference routes: the URL exactly as given first, then each server profile's routes under the " +
          "URL's base path and the origin root, then every POST route in /openapi.json with a prompt-like " +
          'field.',
        "Builds the body for the route's shape (OpenAI chat/completions, TGI `inputs`, Ollama `prompt`, " +
          "llama.cpp `prompt`, or a wrapper's fields learned from what its rejections teach: a 422 listing " +
          'missing fields, a wrong method, a wrong content type), with a benign prompt and a one-token limit; ' +
          // MAX_SHAPE_ATTEMPTS (surface/inference.ts); test/engine/rules.test.ts keeps the two in step.
          'at most 6 requests per route and way of asking.',
        'Reports only when a request carrying no credentials gets a 2xx with model output: generated text ' +
          'anywhere in a JSON answer (known fields such as `choices[].message.content` or `generated_text` ' +
          'first, then any other string field), in a stream of server-sent events or NDJSON lines, or a ' +
          'text/plain body. An error object, an echo of the prompt, an HTML page or an empty answer is not ' +
          'model output. Confidence: confirmed.',
      ],
      falsePositives: [
        'A 2xx without model output (a health page, an echo of the request, a login page or an error object) is never reported.',
        'A route that is public on purpose (a free demo tier) is still reported: accept that risk explicitly, ' +
          'with a rate limit (cost.no-rate-limit) and a small generation cap (cost.unbounded-generation).',
        'On a private network fewer people can reach the route, but everyone who can may use the model: the finding stands.',
      ],
      manualChecks: (ctx, { curl, check, refusedWithoutKey, emptyHeader }) => [
        ...refusedWithoutKey(ctx),
        check('An empty key', curl(ctx, { headers: [emptyHeader(ctx)] }), '401'),
      ],
      links: ['authCheatSheet', 'restCheatSheet'],
      fix: ({ ALL_APPS, keyedStart, withAspects, ollamaBehindProxy, NOT_LOOPBACK_NOTE }) => ({
        detail:
          'Use an app-level dependency or middleware (never a per-route check), read the key from the environment, and compare in ' +
          'constant time. Start inference servers with their key flag from a script that refuses to start without the key. ' +
          NOT_LOOPBACK_NOTE +
          " That is the only fix for vLLM's routes outside /v1, TGI's KServe routes and Ollama, which has no authentication at all.",
        app: {
          frameworks: ALL_APPS,
          features: ['auth', 'authLockout'],
          focus:
            'The key check runs before every route, so the inference route no longer answers without credentials; a client that ' +
            'sends 10 wrong keys in 15 minutes is locked out for 30 minutes, so the new key cannot be guessed (auth.brute-force).',
        },
        wrapper: {
          features: ['auth', 'authLockout'],
          focus:
            'The decorator guards the model call itself, so every route that reaches the model needs the key; 10 wrong keys in 15 ' +
            'minutes lock a client out for 30 minutes (auth.brute-force).',
        },
        proxy: {
          frameworks: ['nginx', 'caddy'],
          features: ['auth'],
          deny: [],
          denyFindingPath: false,
          focus: 'The proxy checks the key on every request before forwarding it, and forwards only the routes listed; everything else is refused.',
        },
        servers: {
          vllm: {
            aspects: ['key', 'loopback', 'noDocs'],
            needsProxy: true,
            focus:
              "Starts vLLM with its API key (VLLM_API_KEY, never empty). vLLM's key guards only /v1, /v2, /inference and /cohere: " +
              '/invocations, /pooling, /tokenize, /pause… stay open whatever the flags, so vLLM listens on loopback behind the proxy.',
          },
          tgi: {
            aspects: ['key', 'loopback'],
            needsProxy: true,
            focus:
              'Starts TGI with --api-key (never empty). The key leaves /info, /metrics, /chat_tokenize and, with the kserve feature, ' +
              '/v2/models/*/infer open, so TGI listens on loopback behind the proxy.',
          },
          ollama: ollamaBehindProxy(
            'Ollama has no authentication of its own: the script refuses to bind anywhere but loopback, and the nginx or Caddy snippet adds the key.',
          ),
          llamacpp: keyedStart('llamacpp', 'Only /health, /models, /v1/models and / stay public.'),
          sglang: keyedStart('sglang', 'Paths starting with /health, /ready and /metrics stay public.'),
          litellm: keyedStart('litellm', 'Without a master key LiteLLM lets every request through, whatever key it carries.'),
          localai: keyedStart('localai'),
          koboldcpp: withAspects(
            keyedStart('koboldcpp', 'Image generation and transcription are never password-protected, so their models are not loaded.'),
            'noSideModels',
          ),
        },
      }),
    },
  },
]);
