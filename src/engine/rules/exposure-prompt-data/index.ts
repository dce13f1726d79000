import { defineFamily } from '../define.js';

export default defineFamily([
  {
    id: 'exposure.prompt-data',
    check: 'Data Exposure',
    title: "Other users' prompts or outputs readable",
    severity: 'high',
    cwe: ['CWE-359', 'CWE-200'],
    owasp: ['API3:2023'],
    owaspLlm: [],
    pci: ['3.x', '7.2'],
    depth: 'standard',
    summary: 'Slot state, server info or request logs with prompt text are readable without credentials.',
    remediation: 'Disable the introspection route or put it behind the admin credential.',
    explanation: {
      what:
        "Other users' prompts or outputs leak: llama.cpp /slots shows the prompts in flight (older builds), SGLang /get_server_info dumps the " +
        "server's arguments and state, LiteLLM /spend/logs and request logs list what was asked.",
      why:
        'Prompts carry personal data, secrets users paste, proprietary documents. Reading them is a data breach (CWE-359), and with card ' +
        'data in prompts a PCI DSS requirement 3 matter.',
      howProved: [
        'GETs the introspection routes of the fingerprinted server without credentials.',
        'Reports when the body carries prompt text or request logs, or a /slots whose slots have a prompt field that is empty while ' +
          'they are idle (firm: the next request shows). A /slots listing counters and sampling settings only (current llama-server ' +
          'builds, unless LLAMA_SERVER_SLOTS_DEBUG is set) is not reported.',
      ],
      falsePositives: ['An introspection route that returns only counters and no text is not this finding (see exposure.metrics).'],
      manualChecks: (ctx, { openRouteCheck }) => openRouteCheck(ctx, '401, 403 or 404'),
      fix: ({ ALL_APPS, keyedStart, withAspects }) => ({
        detail: 'Turn it off where the server allows it (llama-server --no-slots), and keep it off the public listener (refused at the ' + 'proxy).',
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
      }),
    },
  },
]);
