import { defineFamily } from '../define.js';

export default defineFamily([
  {
    id: 'auth.header-bypass',
    onServedRoute: true,
    check: 'Authentication',
    title: 'Crafted credential value accepted',
    severity: 'critical',
    cwe: ['CWE-287', 'CWE-1390'],
    owasp: ['API2:2023'],
    owaspLlm: [],
    pci: ['8.2', '8.3'],
    depth: 'standard',
    summary: 'An empty, placeholder or malformed credential header is accepted by a route that refuses requests without one.',
    remediation: 'Reject empty and malformed credentials explicitly and compare the full value against the configured key in constant time.',
    explanation: {
      what:
        'Crafted values: an empty header, `Bearer ` with no token, a placeholder (`None`, `null`, `undefined`, `false`, `0`, ' +
        '`[object Object]`, `Bearer None`…), the scheme alone, the header sent twice, or another credential header the server ' +
        'reads without validating.',
      why:
        'The check exists but compares against something an attacker can produce: a key read from an unset variable, a truthiness test, ' +
        'a parser that keeps the first of two headers. Anyone who tries a handful of placeholders gets full access, and scanners try them all.',
      howProved: [
        'Runs only against a route that refuses both a request without the header and one with a random wrong key (the baseline).',
        'Sends each crafted value in the learned credential header (from your credentials, the OpenAPI ' +
          'security schemes, a FastAPI 422 naming the header, WWW-Authenticate, the server profile, or the ' +
          'common names).',
        'Reports the variant that reaches the model (confirmed) or the protected handler (firm). When the ' +
          'accepted value is exactly what an unset variable becomes ("", None, null, undefined) the finding is ' +
          'auth.insecure-default-key instead.',
      ],
      falsePositives: [
        'Servers that answer 200 with an error object to everything are not counted: a variant must produce model output or a calibrated handler response.',
      ],
      manualChecks: (ctx, { curl, check, sq, emptyHeader, placeholderHeader }) => [
        check('An empty header', curl(ctx, { headers: [emptyHeader(ctx)] }), '401'),
        check('A placeholder', curl(ctx, { headers: [placeholderHeader(ctx, 'None')] }), '401'),
        check('Another placeholder', curl(ctx, { headers: [placeholderHeader(ctx, '[object Object]')] }), '401'),
        check(
          'The header twice, once with the real key',
          `${curl(ctx, { keyed: true })} -H ${sq(placeholderHeader(ctx, 'x'))}`,
          '401 (two credential headers are refused)',
        ),
      ],
      links: ['authCheatSheet'],
      fix: ({ ALL_APPS, keyedStart, withAspects }) => ({
        detail: 'Load the key once at start-up and refuse to start without it, so no placeholder can ever be the expected value; refuse ' + 'repeated headers.',
        app: {
          frameworks: ALL_APPS,
          features: ['auth'],
          focus:
            'Exactly one header is accepted, empty and placeholder values never match, and the comparison is ' +
            'between SHA-256 digests in constant time (hmac.compare_digest, crypto.timingSafeEqual in Node).',
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
          vllm: withAspects(keyedStart('vllm', "The script also refuses vLLM releases older than the advisories' fixed versions."), 'upgrade'),
          tgi: keyedStart('tgi'),
          llamacpp: keyedStart('llamacpp'),
          sglang: keyedStart('sglang'),
          litellm: withAspects(keyedStart('litellm', 'The script also refuses LiteLLM releases with known authentication advisories.'), 'upgrade'),
          localai: keyedStart('localai'),
          koboldcpp: keyedStart('koboldcpp'),
        },
      }),
    },
  },
  {
    id: 'auth.insecure-default-key',
    onServedRoute: true,
    check: 'Authentication',
    title: 'Server accepts the key it falls back to when none is configured',
    severity: 'critical',
    cwe: ['CWE-1188', 'CWE-287'],
    owasp: ['API2:2023'],
    owaspLlm: [],
    pci: ['8.3'],
    depth: 'standard',
    summary: 'The accepted credential is the rendering of an unset variable ("", "None", "null", "undefined"): the key check fails open.',
    remediation: 'Fail closed: refuse to start (or refuse every request) when the API key variable is unset or empty.',
    explanation: {
      what:
        'An empty header matches `os.getenv("MISTRAL_API_KEY", "")`, and `Bearer None` matches `f"Bearer ' +
        "{os.getenv('MISTRAL_API_KEY')}\"` — the remediations the tutorial wrapper's article itself suggests. The key check " +
        'fails open whenever the variable is missing.',
      why:
        'The deployment looks protected — requests without the header get 401 — while the valid key is a value anyone can send. It ' +
        'happens exactly when configuration is lost: a new container, a renamed secret, a missing .env file.',
      howProved: [
        'Same probes as auth.header-bypass, against a route that refuses requests without the header and with a random key.',
        'Reported under this rule when the accepted value is exactly "", "None", "null" or "undefined" (with ' +
          'or without the Bearer scheme): the server compares against a variable that is not set.',
        'Confirmed when the route returned model output.',
      ],
      falsePositives: ['A server whose real key happens to be "None" cannot be told apart — and is just as weak.'],
      manualChecks: (ctx, { curl, check, emptyHeader, placeholderHeader }) => [
        check('An empty header', curl(ctx, { headers: [emptyHeader(ctx)] }), '401'),
        check('The rendering of an unset variable', curl(ctx, { headers: [placeholderHeader(ctx, 'None')] }), '401'),
        check('Another rendering', curl(ctx, { headers: [placeholderHeader(ctx, 'undefined')] }), '401'),
      ],
      fix: ({ ALL_APPS, keyedStart }) => ({
        detail:
          'Read the key without a default and stop at start-up — `raise SystemExit`, `process.exit(1)`, `${VAR:?}` in a start ' +
          'script — when it is unset, empty or a placeholder. Never compare against a value built from a variable that may be ' +
          'missing.',
        app: {
          frameworks: ALL_APPS,
          features: ['auth'],
          focus:
            'The key is read with no default; an unset, empty or placeholder ("None", "null", "undefined") value ' +
            'stops the app at start-up instead of becoming the key.',
        },
        wrapper: {
          features: ['auth'],
          focus: 'The tutorial wrapper\'s decorator built "Bearer None" when MISTRAL_API_KEY was unset; this one refuses to load the module instead.',
        },
        proxy: {
          frameworks: ['nginx', 'caddy'],
          features: ['auth'],
          deny: [],
          denyFindingPath: false,
          focus:
            "The proxy's check cannot fail open: nginx will not start without its keys file and an empty file " +
            "refuses everything; Caddy's expression needs a key of at least 32 characters, so an unset variable " +
            'refuses everything.',
        },
        servers: {
          vllm: keyedStart('vllm', "An empty key turns vLLM's authentication off."),
          tgi: keyedStart('tgi'),
          llamacpp: keyedStart('llamacpp', "An empty key turns llama-server's authentication off."),
          sglang: keyedStart('sglang'),
          litellm: keyedStart('litellm', 'No master key means no authentication in LiteLLM.'),
          localai: keyedStart('localai'),
          koboldcpp: keyedStart('koboldcpp'),
        },
      }),
    },
  },
]);
