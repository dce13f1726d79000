import { defineFamily } from '../define.js';

export default defineFamily([
  {
    id: 'cost.unbounded-generation',
    onServedRoute: true,
    check: 'Rate Limiting',
    title: 'Unbounded generation length accepted',
    severity: 'medium',
    cwe: ['CWE-770'],
    owasp: ['API4:2023'],
    owaspLlm: ['LLM10:2025'],
    pci: [],
    depth: 'deep',
    summary: "An open inference route accepts a generation limit far above the model's context instead of refusing it.",
    remediation: 'Cap max_tokens server-side (e.g. --max-model-len, max_new_tokens limits) and refuse larger requests.',
    explanation: {
      what: "Gatecrash asks for max_tokens: 1000000 (or the product's own limit field) with a one-token prompt and reads whether " + 'the server refuses it.',
      why:
        'One request can hold a GPU slot for minutes; a few in parallel deny service to everyone and run up the bill (OWASP LLM10, ' +
        'unbounded consumption; API4).',
      howProved: [
        'Deep scans only. Sends a streaming request with a huge limit and closes the connection after the first event, so nothing long is ever generated.',
        'Reports when the server started generating instead of refusing (400/422).',
      ],
      falsePositives: [
        'Servers that silently clamp the limit to the context are reported: the request was accepted, and anyone can still fill the context on every call.',
      ],
      manualChecks: (ctx, { curl, check, hugeLimitBody }) => [
        check(
          'A huge generation limit',
          curl(ctx, { body: hugeLimitBody(ctx), keyed: true, maxTime: 5 }),
          '400 or 422 at once (a timeout means it started generating)',
        ),
      ],
      links: ['owaspLlmTop10'],
      fix: ({ ALL_APPS, keyedStart, withAspects }) => ({
        detail:
          "Set an explicit maximum in your app (422 above it) and the server's context and generation limits (vLLM " +
          '--max-model-len, TGI --max-total-tokens, llama.cpp --n-predict, SGLang --context-length), and authenticate so only ' +
          'known clients spend tokens.',
        app: {
          frameworks: ALL_APPS,
          features: ['auth', 'maxTokens'],
          focus: 'A max_tokens above MAX_NEW_TOKENS is refused with 422 before any generation starts; the default is small.',
        },
        servers: {
          vllm: withAspects(keyedStart('vllm'), 'maxTokens'),
          tgi: withAspects(keyedStart('tgi'), 'maxTokens'),
          llamacpp: withAspects(keyedStart('llamacpp'), 'maxTokens'),
          sglang: withAspects(keyedStart('sglang'), 'maxTokens'),
        },
      }),
    },
  },
]);
