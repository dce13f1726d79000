import { defineFamily } from '../define.js';

export default defineFamily([
  {
    id: 'auth.credentials-ignored',
    onServedRoute: true,
    check: 'Authentication',
    title: 'Supplied credentials change nothing',
    severity: 'info',
    cwe: ['CWE-287'],
    owasp: ['API2:2023'],
    owaspLlm: [],
    pci: [],
    depth: 'standard',
    needs: 'key',
    summary: "The route answers the same with and without the user's key: the key is not needed or not read.",
    remediation: 'Make sure the server actually validates the credential you send (check the header name and that auth is enabled).',
    explanation: {
      what:
        'Not needed means auth.missing fires too; not read means a different header name, authentication turned off, LiteLLM ' +
        'without a master key, or Ollama, which has no authentication.',
      why: 'You believe the endpoint is protected because your clients send a key; it is not.',
      howProved: ['Needs your key. Sends the same request with and without it and compares status and body shape.'],
      falsePositives: ['Routes that are public by design (health, a deliberately free endpoint) answer the same either way.'],
      manualChecks: (ctx, { refusedWithoutKey }) => refusedWithoutKey(ctx),
      fix: ({ ALL_APPS, keyedStart, ollamaBehindProxy }) => ({
        detail:
          'Turn authentication on (the key flag or master key set), send the header name the server actually reads, and make ' +
          'start-up fail when the key is missing.',
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
      }),
    },
  },
]);
