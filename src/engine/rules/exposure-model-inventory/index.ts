import { defineFamily } from '../define.js';

export default defineFamily([
  {
    id: 'exposure.model-inventory',
    check: 'Inventory Management',
    title: 'Model inventory readable without credentials',
    severity: 'low',
    cwe: ['CWE-200'],
    owasp: ['API9:2023'],
    owaspLlm: [],
    pci: ['2.2'],
    depth: 'quick',
    summary: 'Model lists and metadata are readable without credentials (medium when they disclose file paths or the chat template).',
    remediation: 'Require the API key on model-listing and metadata routes, or block them at the proxy.',
    explanation: {
      what: 'Routes such as /v1/models, /api/tags, /info, /props and /get_model_info.',
      why:
        'An attacker learns which model and version run (to choose jailbreaks and advisories), the file layout, and that the server is ' +
        'worth attacking; model names can themselves be confidential.',
      howProved: [
        'GETs the listing and metadata routes of the fingerprinted server without credentials; one finding per route family, not per URL.',
        'Severity rises to medium when the body holds a model_path or a chat_template.',
      ],
      falsePositives: [
        'Some servers keep listing routes public by design even with a key set (llama.cpp /v1/models, TGI ' +
          '/info, vLLM /version): the finding is accurate, and the proxy is the fix.',
      ],
      manualChecks: (ctx, { openRouteCheck }) => openRouteCheck(ctx, '401, 403 or 404'),
      fix: ({ ALL_APPS, keyedStart, ollamaBehindProxy }) => ({
        detail: 'Where the server keeps them open by design, the proxy is the only fix.',
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
            focus: "vLLM's key covers /v1/models, but /version and /load stay open: vLLM listens on loopback behind the proxy.",
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
      }),
    },
  },
]);
