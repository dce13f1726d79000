// Resource consumption: cost.*
import { COMMON_LINKS } from '../references.js';
import { check, curl } from '../curl.js';
import type { RuleKnowledge } from '../model.js';
import { ALL_APPS, hugeLimitBody, keyedStart, withAspects } from './common.js';

export const COST_RULES: RuleKnowledge[] = [
  {
    rule: 'cost.unbounded-generation',
    what: 'An open inference route accepts a generation limit far above the model\'s context (max_tokens: 1000000) instead of refusing it.',
    why:
      'One request can hold a GPU slot for minutes; a few in parallel deny service to everyone and run up the bill (OWASP LLM10, ' +
      'unbounded consumption; API4).',
    howProved: [
      'Deep scans only. Sends a streaming request with a huge limit and closes the connection after the first event, so nothing long is ever generated.',
      'Reports when the server started generating instead of refusing (400/422).',
    ],
    falsePositives: ['Servers that silently clamp the limit to the context are reported: the request was accepted, and anyone can still fill the context on every call.'],
    manualChecks: (ctx) => [
      check('A huge generation limit', curl(ctx, { body: hugeLimitBody(ctx), keyed: true, maxTime: 5 }), '400 or 422 at once (a timeout means it started generating)'),
    ],
    links: [COMMON_LINKS.owaspLlmTop10],
    fix: {
      summary:
        'Cap generation server-side and refuse requests above the cap: an explicit maximum in your app (422 above it), the server\'s ' +
        'context and generation limits (vLLM --max-model-len, TGI --max-total-tokens, llama.cpp --n-predict, SGLang --context-length), ' +
        'and authentication so only known clients spend tokens.',
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
    },
  },
  {
    rule: 'cost.no-rate-limit',
    what: 'A burst of 10 one-token requests on an open inference route is never answered 429 and carries no rate-limit headers.',
    why: 'Without a limit one client can use the whole GPU and the whole budget, by accident or on purpose (OWASP LLM10; API4).',
    howProved: [
      'Deep scans only. Sends 10 one-token requests in a burst.',
      'Reports when none is answered 429 and none carries Retry-After, RateLimit-* or X-RateLimit-* headers.',
    ],
    falsePositives: ['A limit above 10 requests per burst may exist without being visible: publish it in RateLimit-* headers so clients (and Gatecrash) can see it.'],
    manualChecks: (ctx) => [
      check(
        'A burst of 10',
        `for i in $(seq 1 10); do ${curl(ctx, { keyed: true, showHeaders: true })} | grep -iE '^HTTP/|^ratelimit|^retry-after'; done`,
        'RateLimit-* headers on every answer, and 429 once the limit is reached',
      ),
    ],
    links: [COMMON_LINKS.owaspLlmTop10],
    fix: {
      summary:
        'Rate-limit inference per client or per key, at the proxy or in the app; answer 429 with Retry-After and publish the limit in ' +
        'RateLimit-* headers; authenticate so limits attach to identities.',
      app: {
        frameworks: ALL_APPS,
        features: ['auth', 'rateLimit'],
        focus: 'Each client gets 60 inference requests a minute; beyond that 429 with Retry-After, and every answer carries RateLimit-* headers.',
        notes: ['The limiter is in memory and per process: with several workers, limit at the proxy or in a shared store.'],
      },
      proxy: {
        frameworks: ['nginx'],
        features: ['auth', 'rateLimit'],
        deny: [],
        denyFindingPath: false,
        focus: 'nginx limits inference per client address: 60 a minute with bursts of 5, then 429 with Retry-After.',
      },
      servers: {
        tgi: withAspects(keyedStart('tgi', 'Beyond --max-concurrent-requests TGI answers 429; per-client limits belong to the proxy.'), 'concurrency'),
        litellm: keyedStart('litellm', 'Give each client a virtual key with rpm_limit (POST /key/generate with the master key): LiteLLM answers 429 above it.'),
      },
    },
  },
];
