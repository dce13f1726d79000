// Authentication and authorization rules: auth.*
import { COMMON_LINKS } from '../references.js';
import { check, curl } from '../curl.js';
import type { RuleKnowledge } from '../model.js';
import { sq } from '../context.js';
import {
  ALL_APPS, b64url, emptyHeader, keyedStart, ollamaBehindProxy, placeholderHeader, refusedWithoutKey, withAspects,
} from './common.js';

const NOT_LOOPBACK_NOTE = 'Where the server keeps routes open even with a key, bind it to 127.0.0.1 and put the proxy in front.';

export const AUTH_RULES: RuleKnowledge[] = [
  {
    rule: 'auth.missing',
    what:
      'An inference route returns model output to a request that carries no credentials. Anyone who can reach the port can run the ' +
      'model: the seed\'s FastAPI `/generate` with no `Depends`, or a server such as vLLM or TGI started without `--api-key`.',
    why:
      'Free use of a GPU you pay for, at whatever rate the caller chooses (cost and denial of service); access to anything the model ' +
      'or its system prompt knows; and a way into downstream tools through prompt injection. Usage limits and paid tiers mean nothing ' +
      'when the route is open. PCI DSS 8.2 asks that every access to a system component be identified and authenticated.',
    howProved: [
      'Finds inference routes: the URL exactly as given first, then each server profile\'s routes under the URL\'s base path and the origin root, then every POST route in /openapi.json with a prompt-like field.',
      'Builds the body for the route\'s shape (OpenAI chat/completions, TGI `inputs`, Ollama `prompt`, llama.cpp `prompt`, or a wrapper\'s fields learned from the 422 that answers `{}`), with a benign prompt and a one-token limit; never more than three shape attempts per route.',
      'Reports only when a request carrying no credentials gets a 2xx with model output: a non-empty generated string in a known field (`choices[].message.content`, `choices[].text`, `generated_text`, `generated`, `response`, `content`, `output`, `text`, `completion`, `answer`) or a stream of them. Confidence: confirmed.',
    ],
    falsePositives: [
      'A 2xx without model output (a health page, an echo of the request, a login page or an error object) is never reported.',
      'A route that is public on purpose (a free demo tier) is still reported: accept that risk explicitly, with a rate limit (cost.no-rate-limit) and a small generation cap (cost.unbounded-generation).',
      'On a private network fewer people can reach the route, but everyone who can may use the model: the finding stands.',
    ],
    manualChecks: (ctx) => [
      ...refusedWithoutKey(ctx),
      check('An empty key', curl(ctx, { headers: [emptyHeader(ctx)] }), '401'),
    ],
    links: [COMMON_LINKS.authCheatSheet, COMMON_LINKS.restCheatSheet],
    fix: {
      summary:
        'Require a credential on every route before the model runs: an app-level dependency or middleware (never a per-route check), ' +
        'with the key read from the environment, the app refusing to start when it is unset or empty, and a constant-time comparison. ' +
        'Start inference servers with their key flag from a script that refuses to start without the key. ' + NOT_LOOPBACK_NOTE +
        ' That is the only fix for vLLM\'s routes outside /v1, TGI\'s KServe routes and Ollama, which has no authentication at all.',
      // A key check invites guessing: the fix ships the throttling auth.brute-force would otherwise flag next.
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
            'Starts vLLM with its API key (VLLM_API_KEY, never empty). vLLM\'s key guards only /v1, /v2, /inference and /cohere: ' +
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
        koboldcpp: withAspects(keyedStart('koboldcpp', 'Image generation and transcription are never password-protected, so their models are not loaded.'), 'noSideModels'),
      },
    },
  },
  {
    rule: 'auth.admin-exposed',
    what:
      'A route that pulls, deletes, reloads or reconfigures models answers callers without credentials: Ollama /api/pull, /api/push, ' +
      '/api/create, /api/delete; vLLM /pause, /update_weights, /sleep, /collective_rpc; SGLang /update_weights_*, /flush_cache; ' +
      'llama.cpp slot save/restore and POST /props; LocalAI /models/apply; LiteLLM /key/* and /team/*.',
    why:
      'Whoever reaches it can replace or delete models, fill the disk, pause serving, or — through Ollama\'s pull path traversal ' +
      '(CVE-2024-37032) — write files and run code. This is function-level authorization (OWASP API5): management needs a stronger ' +
      'credential than inference, or no public route at all.',
    howProved: [
      'Never invokes a management route with a body that could act. It sends a harmless method (GET or OPTIONS) or an empty body to the management route and to a route known to be guarded.',
      'Reports only when the guarded route answers 401/403 and the management route answers with a routing or validation status (405, 404 shaped like the route\'s own answer, 422, 400): the request got past authentication. Confidence: firm.',
      'If the guarded route also answers 405/422 (authentication after routing, as with per-route FastAPI dependencies) the probe is inconclusive and nothing is reported.',
      'For servers without any authentication (Ollama), the fingerprint plus a read-only sibling (/api/ps, /api/tags) answering without credentials proves it.',
    ],
    falsePositives: [
      'A server that validates bodies before checking credentials could look reachable: the calibration against a guarded route rules this out, and says inconclusive when it cannot.',
      'A generic not-found page is not counted as a routing answer; only a 404 shaped like the route\'s own answer is.',
    ],
    manualChecks: (ctx) => [
      check('The management route, harmless method, no credentials', curl(ctx, { method: 'GET', body: null }), '401, 403 or 404 — never 405 or 422 (those mean the handler was reached)'),
      check('The same, with the key', curl(ctx, { method: 'GET', body: null, keyed: true }), '403 or 404 unless you hold the admin credential'),
    ],
    links: [COMMON_LINKS.owaspApiTop10],
    fix: {
      summary:
        'Take management routes off the public listener: refuse them at a proxy that denies by default, bind the server to loopback, ' +
        'and where the server or app supports it give admin routes their own key (SGLang --admin-api-key; an admin router with a ' +
        'separate key in your app). Never run development modes (VLLM_SERVER_DEV_MODE) on a reachable port.',
      app: {
        frameworks: ALL_APPS,
        features: ['auth', 'admin'],
        focus: 'Management routes live on their own router under /admin, behind a second key (ADMIN_API_KEY in X-Admin-Key) on top of the API key; both keys fail closed.',
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
            '/update_weights and /scale_elastic_ep are outside vLLM\'s key check, so only the proxy can refuse them.',
        },
        ollama: ollamaBehindProxy(
          'Binds Ollama to loopback; the proxy refuses /api/pull, /api/push, /api/create, /api/copy, /api/delete and /api/blobs outright.',
        ),
        llamacpp: {
          aspects: ['key', 'noManagement', 'noSlots'],
          focus: 'Starts llama-server with its key and without --props or --slot-save-path: nothing can change the server or save and restore slots over HTTP.',
        },
        sglang: {
          aspects: ['key', 'adminKey'],
          focus: 'Gives SGLang an admin key (--admin-api-key) separate from the inference key: weight updates, cache flushes and profiling need it.',
        },
        litellm: {
          aspects: ['key', 'noManagement'],
          focus: 'With a master key set, /key/*, /team/* and /user/* need it; without one they are open to everyone. Clients get virtual keys, never the master key.',
        },
        localai: {
          aspects: ['key', 'noManagement'],
          focus: 'Starts LocalAI with its key and without the gallery endpoint (/models/apply installs models from any URL).',
        },
      },
    },
  },
  {
    rule: 'auth.alternate-path',
    what:
      'The obvious inference route refuses callers without a key while another route reaches the same model without one: vLLM ' +
      '/invocations, /pooling, /tokenize; TGI\'s KServe /v2/models/{m}/versions/{v}/infer and /chat_tokenize; SGLang /health_generate; ' +
      'KoboldCpp /sdapi/v1/*; a wrapper\'s second route (/v1/generate guarded, /generate not).',
    why:
      'A key protects nothing when the model is one path away: attackers read /openapi.json or the server\'s documentation and take the ' +
      'open door. Per-route authentication fails this way every time a route is added or a server release grows a new one.',
    howProved: [
      'Establishes a baseline: the guarded route refuses a request without credentials (401/403).',
      'Sends the same kind of request, without credentials, to the other routes that reach the model: from the server\'s profile, its OpenAPI document, and suffix variants such as /x/api/v1/generate.',
      'Reports when an alternate returns model output (confirmed) or reaches the handler (firm); the evidence holds both the refused baseline and the open alternate.',
    ],
    falsePositives: [
      'Health routes that run a one-token generation (SGLang /health_generate) are reported: they spend GPU time for anyone, even if the output is not shown.',
      'Tokenize routes generate nothing but run the model\'s tokenizer: reported as firm, lower impact than a completion route.',
    ],
    manualChecks: (ctx) => [
      check('The alternate route, without credentials', curl(ctx), '401 (or 404 once the proxy forwards only the routes you serve)'),
      check('The main route, for comparison', curl(ctx, { path: ctx.paths[0] ?? ctx.path }), '401'),
    ],
    fix: {
      summary:
        'Authenticate every route, not a list of them: app-level middleware or dependency, or a proxy that denies by default and ' +
        'forwards only the routes you serve. Remove routes you do not use. ' + NOT_LOOPBACK_NOTE,
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
            'vLLM\'s key covers only /v1, /v2, /inference and /cohere: /invocations, /pooling, /classify, /score, /rerank and /tokenize ' +
            'stay open whatever you pass. vLLM listens on loopback and the proxy forwards only the /v1 routes you serve.',
        },
        tgi: {
          aspects: ['key', 'loopback'],
          needsProxy: true,
          focus: 'TGI\'s key does not cover /chat_tokenize or the KServe routes (/v2/models/*/infer): TGI listens on loopback and the proxy forwards only the routes you serve.',
        },
        sglang: {
          aspects: ['key', 'loopback'],
          needsProxy: true,
          focus: 'SGLang leaves every path starting with /health open, including /health_generate, which runs the model: SGLang listens on loopback and the proxy forwards only the routes you serve.',
        },
        koboldcpp: {
          aspects: ['key', 'loopback', 'noSideModels'],
          needsProxy: true,
          focus: 'KoboldCpp never guards image generation or transcription and matches routes by suffix: it listens on loopback without side models, and the proxy forwards exact paths only.',
        },
        ollama: ollamaBehindProxy(
          'Ollama has no authentication, so a proxy that guards only some routes leaves the others open: Ollama listens on loopback behind the deny-by-default proxy.',
        ),
      },
    },
  },
  {
    rule: 'auth.header-bypass',
    what:
      'A guarded route accepts a crafted credential: an empty header, `Bearer ` with no token, a placeholder (`None`, `null`, ' +
      '`undefined`, `false`, `0`, `[object Object]`, `Bearer None`…), the scheme alone, the header sent twice, or another credential ' +
      'header the server reads without validating.',
    why:
      'The check exists but compares against something an attacker can produce: a key read from an unset variable, a truthiness test, ' +
      'a parser that keeps the first of two headers. Anyone who tries a handful of placeholders gets full access, and scanners try them all.',
    howProved: [
      'Runs only against a route that refuses both a request without the header and one with a random wrong key (the baseline).',
      'Sends each crafted value in the learned credential header (from your credentials, the OpenAPI security schemes, a FastAPI 422 naming the header, WWW-Authenticate, the server profile, or the common names).',
      'Reports the variant that reaches the model (confirmed) or the protected handler (firm). When the accepted value is exactly what an unset variable becomes ("", None, null, undefined) the finding is auth.insecure-default-key instead.',
    ],
    falsePositives: [
      'Servers that answer 200 with an error object to everything are not counted: a variant must produce model output or a calibrated handler response.',
    ],
    manualChecks: (ctx) => [
      check('An empty header', curl(ctx, { headers: [emptyHeader(ctx)] }), '401'),
      check('A placeholder', curl(ctx, { headers: [placeholderHeader(ctx, 'None')] }), '401'),
      check('Another placeholder', curl(ctx, { headers: [placeholderHeader(ctx, '[object Object]')] }), '401'),
      check('The header twice, once with the real key', `${curl(ctx, { keyed: true })} -H ${sq(placeholderHeader(ctx, 'x'))}`, '401 (two credential headers are refused)'),
    ],
    links: [COMMON_LINKS.authCheatSheet],
    fix: {
      summary:
        'Load the key once at start-up and refuse to start without it, so no placeholder can ever be the expected value; refuse empty ' +
        'values and repeated headers; compare the whole presented credential with the key in constant time.',
      app: {
        frameworks: ALL_APPS,
        features: ['auth'],
        focus: 'Exactly one header is accepted, empty and placeholder values never match, and the comparison is between SHA-256 digests in constant time (hmac.compare_digest, crypto.timingSafeEqual in Node).',
      },
      wrapper: {
        features: ['auth'],
        focus: 'The decorator accepts exactly one header whose value matches the key in constant time; an unset key stops the module from loading.',
      },
      proxy: {
        frameworks: ['nginx', 'caddy'],
        features: ['auth'],
        deny: [],
        denyFindingPath: false,
        focus: 'The proxy accepts only the exact configured key; empty and placeholder values cannot match, and an unset key refuses everything.',
      },
      servers: {
        vllm: withAspects(keyedStart('vllm', 'The script also refuses vLLM releases older than the advisories\' fixed versions.'), 'upgrade'),
        tgi: keyedStart('tgi'),
        llamacpp: keyedStart('llamacpp'),
        sglang: keyedStart('sglang'),
        litellm: withAspects(keyedStart('litellm', 'The script also refuses LiteLLM releases with known authentication advisories.'), 'upgrade'),
        localai: keyedStart('localai'),
        koboldcpp: keyedStart('koboldcpp'),
      },
    },
  },
  {
    rule: 'auth.insecure-default-key',
    what:
      'The accepted credential is what an unset variable becomes. An empty header matches `os.getenv("MISTRAL_API_KEY", "")`, and ' +
      '`Bearer None` matches `f"Bearer {os.getenv(\'MISTRAL_API_KEY\')}"` — the seed article\'s own remediations. The key check fails open ' +
      'whenever the variable is missing.',
    why:
      'The deployment looks protected — requests without the header get 401 — while the valid key is a value anyone can send. It ' +
      'happens exactly when configuration is lost: a new container, a renamed secret, a missing .env file.',
    howProved: [
      'Same probes as auth.header-bypass, against a route that refuses requests without the header and with a random key.',
      'Reported under this rule when the accepted value is exactly "", "None", "null" or "undefined" (with or without the Bearer scheme): the server compares against a variable that is not set.',
      'Confirmed when the route returned model output.',
    ],
    falsePositives: [
      'A server whose real key happens to be "None" cannot be told apart — and is just as weak.',
    ],
    manualChecks: (ctx) => [
      check('An empty header', curl(ctx, { headers: [emptyHeader(ctx)] }), '401'),
      check('The rendering of an unset variable', curl(ctx, { headers: [placeholderHeader(ctx, 'None')] }), '401'),
      check('Another rendering', curl(ctx, { headers: [placeholderHeader(ctx, 'undefined')] }), '401'),
    ],
    fix: {
      summary:
        'Fail closed: read the key without a default and stop at start-up — `raise SystemExit`, `process.exit(1)`, `${VAR:?}` in a start ' +
        'script — when it is unset, empty or a placeholder. Never compare against a value built from a variable that may be missing.',
      app: {
        frameworks: ALL_APPS,
        features: ['auth'],
        focus: 'The key is read with no default; an unset, empty or placeholder ("None", "null", "undefined") value stops the app at start-up instead of becoming the key.',
      },
      wrapper: {
        features: ['auth'],
        focus: 'The seed\'s decorator built "Bearer None" when MISTRAL_API_KEY was unset; this one refuses to load the module instead.',
      },
      proxy: {
        frameworks: ['nginx', 'caddy'],
        features: ['auth'],
        deny: [],
        denyFindingPath: false,
        focus: 'The proxy\'s check cannot fail open: nginx will not start without its keys file and an empty file refuses everything; Caddy\'s expression needs a key of at least 32 characters, so an unset variable refuses everything.',
      },
      servers: {
        vllm: keyedStart('vllm', 'An empty key turns vLLM\'s authentication off.'),
        tgi: keyedStart('tgi'),
        llamacpp: keyedStart('llamacpp', 'An empty key turns llama-server\'s authentication off.'),
        sglang: keyedStart('sglang'),
        litellm: keyedStart('litellm', 'No master key means no authentication in LiteLLM.'),
        localai: keyedStart('localai'),
        koboldcpp: keyedStart('koboldcpp'),
      },
    },
  },
  {
    rule: 'auth.host-header',
    what:
      'A Host header carrying a public path (`Host: api.example.com/health?`) makes the authentication layer treat a guarded request ' +
      'as public, because it rebuilds the URL from the Host header and reads the path from that. vLLM before 0.22 (CVE-2026-48746) and ' +
      'LiteLLM before 1.84 (CVE-2026-49468) had this bug; SGLang builds the path the same way.',
    why: 'A complete authentication bypass with one header, through any proxy that forwards the client\'s Host unchanged.',
    howProved: [
      'Baseline: the guarded request without credentials is refused.',
      'Sends the same request with `Host: <host>/health?` (and /ping?, /metrics?, /docs?), the connection still going to the same address.',
      'Reports when a variant reaches the model (confirmed) or the protected handler (firm).',
    ],
    falsePositives: [
      'A proxy that rejects malformed Host values (nginx answers 400 to a Host with "/") protects an affected server; vuln.known-advisory may still report its version.',
    ],
    manualChecks: (ctx) => [
      check('A Host carrying a public path', curl(ctx, { headers: [`Host: ${ctx.host}/health?`] }), '400, 401 or 421 — never 200'),
      check('Another public path', curl(ctx, { headers: [`Host: ${ctx.host}/metrics?`] }), '400, 401 or 421 — never 200'),
    ],
    fix: {
      summary:
        'Upgrade past the fixed version; in your own code read the path from the ASGI scope (`scope["path"]`) or the router, never from ' +
        'a URL rebuilt from the Host header (Starlette\'s `request.url` is one); refuse unexpected Host values; put a proxy in front that ' +
        'sets the upstream Host itself.',
      app: {
        frameworks: ALL_APPS,
        features: ['auth', 'trustedHosts'],
        focus: 'The key check reads only the credential header, never a path or the Host; Host values other than the expected ones are refused before any handler runs.',
      },
      proxy: {
        frameworks: ['nginx', 'caddy'],
        features: ['auth', 'trustedHosts'],
        deny: [],
        denyFindingPath: false,
        focus: 'The proxy answers only the expected Host (nginx refuses Host values containing "/" itself) and the upstream always sees a fixed Host.',
      },
      servers: {
        vllm: withAspects(keyedStart('vllm', 'It refuses vLLM releases before 0.22.0, which read the path from a Host-built URL (CVE-2026-48746).'), 'upgrade'),
        litellm: withAspects(keyedStart('litellm', 'It refuses LiteLLM releases before 1.84.0 (CVE-2026-49468, Host-header bypass).'), 'upgrade'),
        sglang: {
          aspects: ['key', 'loopback'],
          needsProxy: true,
          focus: 'SGLang reads the path the way vLLM\'s vulnerable middleware did; until that changes, only a proxy that fixes the upstream Host closes it.',
        },
      },
    },
  },
  {
    rule: 'auth.path-confusion',
    what:
      'A spelling of a guarded path that the authentication layer does not recognize, but the router still dispatches, reaches the ' +
      'handler without credentials: upper case (/V1/chat/completions), a doubled slash (//v1/…), a trailing slash, /./, an encoded slash ' +
      'or dot (%2f, %2e), a ;param suffix, or a prefix a suffix-matching router ignores (KoboldCpp).',
    why: 'Prefix and allow-list checks on raw paths are fragile: the router normalizes, the check does not. One spelling is full access.',
    howProved: [
      'Baseline: the canonical path refuses a request without credentials.',
      'Sends the same request, without credentials, to the path variants above (on the wire exactly as written).',
      'Reports the variant that reaches the model (confirmed) or the handler (firm), with the refused baseline.',
    ],
    falsePositives: [
      'A variant answered with a redirect to the canonical path is not a bypass: the redirected request is checked again.',
    ],
    manualChecks: (ctx) => {
      const p = ctx.paths[0] ?? ctx.path;
      const encoded = p.replace(/^(\/[^/]+)\//, '$1%2F');
      return [
        check('Doubled slash', curl(ctx, { path: `/${p}`, pathAsIs: true }), '401 or 404'),
        check('Upper case', curl(ctx, { path: p.toUpperCase(), pathAsIs: true }), '401 or 404'),
        check('Encoded slash', curl(ctx, { path: encoded, pathAsIs: true }), '401, 400 or 404'),
        check('Parameter suffix', curl(ctx, { path: `${p};x=1`, pathAsIs: true }), '401 or 404'),
      ];
    },
    fix: {
      summary:
        'Authenticate before routing and independently of the path (deny by default). Where some paths must be public, compare the ' +
        'exact routed path with an allow-list — never a prefix of the raw path.',
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
    },
  },
  {
    rule: 'auth.method-override',
    what:
      'HEAD or GET on a route whose authentication guards only POST, or a method-override header (X-HTTP-Method-Override, X-HTTP-Method, ' +
      'X-Method-Override) or `_method=` parameter, reaches the handler without credentials.',
    why: 'Authentication bound to a method is bypassed by choosing another method; override middleware turns a harmless-looking request into the guarded one.',
    howProved: [
      'Baseline: the guarded method without credentials is refused.',
      'Sends the other methods and each override form without credentials; reports the one that reaches the handler or the model, with the baseline.',
    ],
    falsePositives: ['A 405 for the other method is the right answer and is not reported.'],
    manualChecks: (ctx) => [
      check('GET instead of POST', curl(ctx, { method: 'GET', body: null }), '401 or 405'),
      check('HEAD', curl(ctx, { method: 'HEAD', body: null }), '401 or 405'),
      check('Override header', curl(ctx, { method: 'GET', body: null, headers: ['X-HTTP-Method-Override: POST'] }), '401 or 405'),
      check('Override parameter', curl(ctx, { path: `${ctx.path}?_method=POST`, method: 'GET', body: null }), '400, 401 or 405'),
    ],
    fix: {
      summary: 'Authenticate every method in one place, before routing; do not install method-override middleware on an API (or only behind authentication).',
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
        focus: 'The proxy forwards only each route\'s own method, checks the key for it, and strips override headers (nginx also refuses `_method=`).',
      },
    },
  },
  {
    rule: 'auth.brute-force',
    what: 'Wrong keys are answered at full speed forever: no 429, no Retry-After or rate-limit header, no growing delay.',
    why:
      'Short or human-chosen keys fall to guessing, and a leaked prefix or a key from an old log can be tried freely. PCI DSS 8.3.4 asks ' +
      'for lock-out after at most 10 invalid attempts, for at least 30 minutes.',
    howProved: [
      'Sends 12 wrong keys (20 at depth deep) to a guarded route that refuses before the model runs — never to a route that runs inference.',
      'Reports when none is answered 429, none carries Retry-After or a rate-limit header, and the latency does not grow.',
    ],
    falsePositives: [
      'A limiter keyed on something shared (one gateway address for everyone) may act later than 12 attempts: the finding shows the first 12 were not throttled.',
      'A proxy in front may throttle instead of the app: scan through the proxy to see it.',
    ],
    manualChecks: (ctx) => [
      check(
        'Twelve wrong keys in a row',
        `for i in $(seq 1 12); do ${curl(ctx, { headers: [placeholderHeader(ctx, 'wrong-key')] })}; done`,
        '401 at first, then 429 (with Retry-After) from the 11th attempt',
      ),
    ],
    links: [COMMON_LINKS.authCheatSheet],
    fix: {
      summary:
        'Count failed authentications per client and answer 429 with Retry-After after 10 within 15 minutes, locking the client out ' +
        'for 30 minutes (PCI DSS 8.3.4). Do it where the client address is known: the proxy, or the app when it faces clients directly; ' +
        'use a shared store when there are several processes.',
      app: {
        frameworks: ALL_APPS,
        features: ['auth', 'authLockout'],
        focus: 'A client that sends 10 wrong keys in 15 minutes is locked out for 30 minutes (429 with Retry-After), checked before the key.',
        notes: ['The limiter is in memory and per process: with several workers, enforce it at the proxy or in a shared store (Redis).', 'Behind a proxy every client has the proxy\'s address: key the limiter on the forwarded address your proxy sets, or lock out at the proxy.'],
      },
      wrapper: {
        features: ['auth', 'authLockout'],
        focus: 'The decorator locks a client out for 30 minutes after 10 wrong keys in 15 minutes (429 with Retry-After).',
      },
      proxy: {
        frameworks: ['nginx'],
        features: ['auth', 'authRateLimit'],
        deny: [],
        denyFindingPath: false,
        focus: 'nginx throttles wrong keys per client address (429 with Retry-After after a burst of 10); requests with the right key are not counted.',
        notes: ['nginx throttles but does not lock out for 30 minutes: add fail2ban on 401 responses in the access log for a PCI DSS 8.3.4 lock-out.'],
      },
    },
  },
  {
    rule: 'auth.weak-key-handling',
    what:
      'With your key, Gatecrash found it handled loosely: accepted with its case changed (TGI lower-cases both sides), from the query ' +
      'string (?api_key=, ?key=), as a prefix, or without its documented Bearer scheme (LocalAI).',
    why:
      'Case-folding shrinks the key space; keys in URLs end up in access logs, proxies, browser history and Referer headers; prefix ' +
      'matching lets an attacker find the key one character at a time.',
    howProved: [
      'Needs your key (--header). Sends it with its case changed, in ?api_key= and ?key=, a prefix of it, and without the scheme where Bearer is documented; the key is redacted everywhere in the report.',
      'One finding per accepted variant.',
    ],
    falsePositives: [
      'Servers that accept the raw key without Bearer by design (LocalAI) are reported: the scheme-less form is the one that leaks into logs and tools, though the risk is lower than a case-insensitive compare.',
    ],
    manualChecks: (ctx) => {
      const v = ctx.envVar;
      const scheme = ctx.scheme === 'Bearer' ? 'Bearer ' : '';
      return [
        check('The key in upper case', `${curl(ctx)} -H "${ctx.headerName}: ${scheme}$(printf %s "$${v}" | tr a-z A-Z)"`, '401'),
        check('The key in the query string', curl(ctx, { urlArg: `"${ctx.origin}${ctx.path}?api_key=$${v}"` }), '401'),
        check('A prefix of the key', `${curl(ctx)} -H "${ctx.headerName}: ${scheme}\${${v}%?}"`, '401'),
        ...(ctx.scheme === 'Bearer' ? [check('The key without its scheme', `${curl(ctx)} -H "${ctx.headerName}: $${v}"`, '401')] : []),
      ];
    },
    fix: {
      summary: 'Compare the exact bytes of the key, from the documented header only, in constant time; never read keys from the URL; never case-fold.',
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
        focus: 'The proxy compares the exact key from one header (nginx\'s map ignores case, so a shape check admits only the lower-case hex key) and never reads the query string.',
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
    },
  },
  {
    rule: 'auth.jwt',
    what:
      'With your JWT (or when errors show the server uses JWTs), Gatecrash found tokens accepted that must be refused: `alg: none`, a ' +
      'changed payload with the old signature, an expired token, or one signed with an empty HMAC secret.',
    why: 'Whoever can forge or replay a token can be anyone: every user, every tenant, every role the token can name.',
    howProved: [
      'Needs a JWT (--header "Authorization: Bearer …"). Builds the variants with a real JOSE library (jose): alg none, payload changed under the old signature, exp well in the past, HS256 with an empty secret.',
      'Reports each variant the server accepts where the original token\'s absence is refused.',
    ],
    falsePositives: ['A few minutes of clock-skew leeway is normal: the expired variant is far beyond any reasonable leeway.'],
    manualChecks: (ctx) => {
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
    links: [COMMON_LINKS.jwtCheatSheet],
    fix: {
      summary:
        'Verify every token with a maintained library: pin the accepted algorithms, require exp (and check aud/iss where you use them), ' +
        'use a secret of at least 32 random bytes or an asymmetric key pair, and refuse to start without it.',
      app: {
        frameworks: ALL_APPS,
        features: ['jwt'],
        focus: 'Tokens are verified with PyJWT (jose in Node): algorithms pinned to HS256, exp required, aud checked when set; the secret must be at least 32 bytes or the app does not start.',
        notes: ['For tokens issued by an identity provider, verify with its public keys (RS256/ES256 from its JWKS) instead of a shared secret, still with pinned algorithms.'],
      },
    },
  },
  {
    rule: 'auth.credentials-ignored',
    what:
      'The route answers the same with and without your key: the key is either not needed (auth.missing fires too) or not read — a ' +
      'different header name, authentication turned off, LiteLLM without a master key, or Ollama, which has no authentication.',
    why: 'You believe the endpoint is protected because your clients send a key; it is not.',
    howProved: ['Needs your key. Sends the same request with and without it and compares status and body shape.'],
    falsePositives: ['Routes that are public by design (health, a deliberately free endpoint) answer the same either way.'],
    manualChecks: (ctx) => refusedWithoutKey(ctx),
    fix: {
      summary: 'Make the server check the credential you send: the header name it actually reads, authentication turned on (the key flag or master key set), and a start-up that fails when the key is missing.',
      app: {
        frameworks: ALL_APPS,
        features: ['auth'],
        focus: 'The app reads exactly the header your clients send (API_KEY_HEADER) and refuses to start without the key.',
      },
      wrapper: { features: ['auth'], focus: 'The decorator reads exactly the header your clients send and refuses to load without the key.' },
      proxy: {
        frameworks: ['nginx', 'caddy'],
        features: ['auth'],
        deny: [],
        denyFindingPath: false,
        focus: 'The proxy checks the header your clients send before anything reaches the server.',
      },
      servers: {
        vllm: keyedStart('vllm'),
        tgi: keyedStart('tgi'),
        llamacpp: keyedStart('llamacpp'),
        sglang: keyedStart('sglang'),
        litellm: keyedStart('litellm', 'Without a master key LiteLLM ignores whatever key a client sends.'),
        localai: keyedStart('localai'),
        koboldcpp: keyedStart('koboldcpp'),
        ollama: ollamaBehindProxy('Ollama ignores every credential because it has none: bind it to loopback and let the proxy check the key.'),
      },
    },
  },
];
