// Information exposure: exposure.*
import { COMMON_LINKS } from '../references.js';
import { check, curl, keyHeaderArg } from '../curl.js';
import type { RuleKnowledge } from '../model.js';
import { ALL_APPS, keyedStart, ollamaBehindProxy, withAspects } from './common.js';
import { sq } from '../context.js';

const getChecks = (ctx: Parameters<RuleKnowledge['manualChecks']>[0], expect: string) => [
  check('The exposed route, without credentials', curl(ctx, { method: 'GET', body: null }), expect),
];

export const EXPOSURE_RULES: RuleKnowledge[] = [
  {
    rule: 'exposure.prompt-data',
    what:
      'Other users\' prompts or outputs are readable without credentials: llama.cpp /slots shows the prompts in flight, SGLang ' +
      '/get_server_info dumps the server\'s arguments and state, LiteLLM /spend/logs and request logs list what was asked.',
    why:
      'Prompts carry personal data, secrets users paste, proprietary documents. Reading them is a data breach (CWE-359), and with card ' +
      'data in prompts a PCI DSS requirement 3 matter.',
    howProved: [
      'GETs the introspection routes of the fingerprinted server without credentials.',
      'Reports when the body carries prompt text or request logs (an idle /slots with no prompt is not reported).',
    ],
    falsePositives: ['An introspection route that returns only counters and no text is not this finding (see exposure.metrics).'],
    manualChecks: (ctx) => getChecks(ctx, '401, 403 or 404'),
    fix: {
      summary: 'Turn the introspection route off (llama-server --no-slots), or keep it behind an admin credential and off the public listener (refused at the proxy).',
      app: {
        frameworks: ALL_APPS,
        features: ['auth', 'admin'],
        focus: 'Anything that returns request logs or server state belongs on the /admin router, behind a second key on top of the API key.',
      },
      proxy: {
        frameworks: ['nginx', 'caddy'],
        features: ['auth'],
        deny: ['promptData'],
        denyFindingPath: true,
        focus: 'The introspection routes are refused outright, even with a key.',
      },
      servers: {
        llamacpp: withAspects(keyedStart('llamacpp', '--no-slots turns /slots off.'), 'noSlots'),
        sglang: keyedStart('sglang', '/get_server_info then needs the key; refuse it at the proxy too if clients do not need it.'),
        litellm: withAspects(keyedStart('litellm', 'Spend logs then need the master key, which clients never hold.'), 'noManagement'),
      },
    },
  },
  {
    rule: 'exposure.model-inventory',
    what:
      'Model lists and metadata (/v1/models, /api/tags, /info, /props, /get_model_info) are readable without credentials. Medium when ' +
      'they disclose filesystem paths (model_path) or the chat template.',
    why:
      'An attacker learns which model and version run (to choose jailbreaks and advisories), the file layout, and that the server is ' +
      'worth attacking; model names can themselves be confidential.',
    howProved: [
      'GETs the listing and metadata routes of the fingerprinted server without credentials; one finding per route family, not per URL.',
      'Severity rises to medium when the body holds a model_path or a chat_template.',
    ],
    falsePositives: [
      'Some servers keep listing routes public by design even with a key set (llama.cpp /v1/models, TGI /info, vLLM /version): the finding is accurate, and the proxy is the fix.',
    ],
    manualChecks: (ctx) => getChecks(ctx, '401, 403 or 404'),
    fix: {
      summary: 'Require the API key on listing and metadata routes, or refuse them at the proxy; where the server keeps them open by design, the proxy is the only fix.',
      app: {
        frameworks: ALL_APPS,
        features: ['auth'],
        focus: 'Listing and metadata routes are ordinary routes behind the app-wide key check.',
      },
      proxy: {
        frameworks: ['nginx', 'caddy'],
        features: ['auth'],
        deny: ['inventory'],
        denyFindingPath: true,
        focus: 'Model listing routes clients use need the key; metadata routes they do not use are refused outright.',
      },
      servers: {
        vllm: {
          aspects: ['key', 'loopback'],
          needsProxy: true,
          focus: 'vLLM\'s key covers /v1/models, but /version and /load stay open: vLLM listens on loopback behind the proxy.',
        },
        tgi: {
          aspects: ['key', 'loopback'],
          needsProxy: true,
          focus: 'TGI keeps /info and /v1/models open even with a key: TGI listens on loopback behind the proxy.',
        },
        ollama: ollamaBehindProxy('Ollama lists models to anyone (/api/tags, /api/ps, /api/show): it listens on loopback behind the proxy.'),
        llamacpp: {
          aspects: ['key', 'loopback'],
          needsProxy: true,
          focus: 'llama-server keeps /models and /v1/models public even with a key: it listens on loopback behind the proxy.',
        },
        sglang: keyedStart('sglang', '/get_model_info and /v1/models then need the key.'),
        litellm: keyedStart('litellm', 'Model listing then needs a key.'),
        localai: keyedStart('localai', 'Model listing then needs the key.'),
        koboldcpp: {
          aspects: ['key', 'loopback'],
          needsProxy: true,
          focus: 'KoboldCpp never protects its GET metadata routes: it listens on loopback behind the proxy.',
        },
      },
    },
  },
  {
    rule: 'exposure.metrics',
    what: 'Prometheus metrics are readable without credentials: request counts, token throughput, queue depth, cache use, sometimes model names and configuration.',
    why: 'They reveal load and usage patterns (when to attack, whether a cost attack works), model and hardware details, and internal names.',
    howProved: [
      'GETs /metrics (and the profile\'s metrics route) without credentials.',
      'Reports when the body is Prometheus text with the server\'s metric names (vllm:*, tgi_*, llamacpp:*, sglang:*).',
    ],
    falsePositives: ['Metrics on an internal-only listener are fine: the finding means Gatecrash reached them from where it ran.'],
    manualChecks: (ctx) => [
      check('Metrics from outside, without credentials', curl(ctx, { method: 'GET', body: null, path: ctx.path.endsWith('metrics') ? ctx.path : '/metrics' }), '401, 403 or 404'),
    ],
    fix: {
      summary:
        'Serve metrics on an internal listener only, or require credentials for them (Prometheus can send a bearer token or header), ' +
        'or refuse /metrics at the proxy except from the scraper\'s address; turn them off where the server allows it.',
      app: {
        frameworks: ALL_APPS,
        features: ['auth', 'metrics'],
        focus: '/metrics is an ordinary route behind the app-wide key (Prometheus sends the key from its scrape config), never a mounted app that skips the check.',
      },
      proxy: {
        frameworks: ['nginx', 'caddy'],
        features: ['auth', 'metricsInternal'],
        deny: ['metrics'],
        denyFindingPath: true,
        focus: '/metrics is forwarded to local scrapers only; from anywhere else it is refused.',
      },
      servers: {
        vllm: { aspects: ['key', 'loopback'], needsProxy: true, focus: 'vLLM always serves /metrics outside its key check: vLLM listens on loopback and the proxy limits /metrics to the scraper.' },
        tgi: { aspects: ['key', 'loopback'], needsProxy: true, focus: 'TGI always serves /metrics without the key: TGI listens on loopback and the proxy limits /metrics to the scraper.' },
        llamacpp: withAspects(keyedStart('llamacpp', 'llama-server serves /metrics only with --metrics, which the script does not pass.'), 'noMetrics'),
        sglang: withAspects(keyedStart('sglang', 'SGLang serves /metrics only with --enable-metrics (then always without the key), which the script does not pass.'), 'noMetrics'),
        litellm: { aspects: ['key', 'loopback'], needsProxy: true, focus: 'LiteLLM\'s Prometheus route may be public depending on version and settings: LiteLLM listens on loopback and the proxy limits /metrics to the scraper.' },
      },
    },
  },
  {
    rule: 'exposure.api-docs',
    what:
      '/docs, /redoc or /openapi.json (TGI: /api-doc/openapi.json; LocalAI: /swagger) are reachable: the whole API, including routes ' +
      'you did not mean to publish and the name of the credential header, is mapped for anyone.',
    why: 'Attackers start there: every route and parameter, and which ones are guarded. Alone it is informational; next to any other finding it is the map.',
    howProved: ['GETs the documentation routes without credentials; reports when Swagger UI, ReDoc or an OpenAPI document comes back.'],
    falsePositives: ['A public API may publish documentation on purpose; then it should list only public routes.'],
    manualChecks: (ctx) => [
      check('Swagger UI', curl(ctx, { method: 'GET', body: null, path: '/docs' }), '401 or 404'),
      check('The OpenAPI document', curl(ctx, { method: 'GET', body: null, path: ctx.product === 'tgi' ? '/api-doc/openapi.json' : '/openapi.json' }), '401 or 404'),
    ],
    fix: {
      summary:
        'Turn the documentation routes off in production (FastAPI docs_url=None, redoc_url=None, openapi_url=None; vLLM ' +
        '--disable-fastapi-docs; LiteLLM NO_DOCS=True) or serve them only behind authentication.',
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
        tgi: { aspects: ['key', 'loopback'], needsProxy: true, focus: 'TGI always serves /docs and /api-doc/openapi.json: TGI listens on loopback and the proxy refuses them.' },
        sglang: keyedStart('sglang', 'Its documentation routes then need the key.'),
        litellm: withAspects(keyedStart('litellm', 'NO_DOCS and NO_REDOC turn the documentation routes off.'), 'noDocs'),
        localai: { aspects: ['key', 'loopback'], needsProxy: true, focus: 'LocalAI serves /swagger without the key: LocalAI listens on loopback and the proxy refuses it.' },
      },
    },
  },
  {
    rule: 'exposure.verbose-errors',
    what: 'Malformed input yields stack traces, parser internals or file paths: a Python traceback, llama.cpp\'s JSON parser message, an exception text with module paths.',
    why: 'Internals tell an attacker the framework and versions, the file layout, and which inputs reach which code.',
    howProved: ['Sends malformed JSON and wrongly typed fields to inference routes; reports when the response carries a traceback, a parser message or a filesystem path.'],
    falsePositives: ['Validation errors that name the field and the problem ("field required") are expected and not reported.'],
    manualChecks: (ctx) => [
      check(
        'Malformed JSON',
        `curl -sS -X POST ${sq(ctx.url)} ${keyHeaderArg(ctx)} -H 'Content-Type: application/json' -d '{"broken' | grep -Ei 'traceback|exception|\\.py\\b|\\.cpp\\b|/home/|/usr/|/opt/|line [0-9]+|parse error'`,
        'no output',
      ),
    ],
    links: [COMMON_LINKS.errorCheatSheet],
    fix: {
      summary:
        'Return terse errors (a status and a short message) and log the details server-side; never run debug mode in production; put a ' +
        'proxy that replaces 5xx bodies in front of servers you cannot change.',
      app: {
        frameworks: ALL_APPS,
        features: ['auth', 'terseErrors'],
        focus: 'Unhandled errors return a short JSON body and go to the server log with their traceback; validation errors name fields, never parser internals.',
      },
      proxy: {
        frameworks: ['nginx', 'caddy'],
        features: ['auth', 'terseErrors'],
        deny: [],
        denyFindingPath: false,
        focus: 'The proxy replaces upstream 5xx bodies (parser messages, tracebacks) with a terse error.',
      },
    },
  },
];

