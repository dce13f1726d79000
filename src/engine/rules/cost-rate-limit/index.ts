import { defineFamily } from '../define.js';

export default defineFamily([
  {
    id: 'cost.no-rate-limit',
    onServedRoute: true,
    check: 'Rate Limiting',
    title: 'No rate limit on inference',
    severity: 'medium',
    cwe: ['CWE-770', 'CWE-799'],
    owasp: ['API4:2023'],
    owaspLlm: ['LLM10:2025'],
    pci: [],
    depth: 'deep',
    summary: 'A burst of one-token requests is never answered 429 and carries no rate-limit headers.',
    remediation: 'Rate-limit inference per client (429 with Retry-After) at the server or the proxy.',
    explanation: {
      what: 'The burst is 10 requests on an open inference route.',
      why: 'Without a limit one client can use the whole GPU and the whole budget, by accident or on purpose (OWASP LLM10; API4).',
      howProved: [
        'Deep scans only. Sends 10 one-token requests in a burst.',
        'Reports when none is answered 429 and none carries Retry-After, RateLimit-* or X-RateLimit-* headers.',
      ],
      falsePositives: [
        'A limit above 10 requests per burst may exist without being visible: publish it in RateLimit-* headers so clients (and Gatecrash) can see it.',
      ],
      manualChecks: (ctx, { curl, check }) => [
        check(
          'A burst of 10',
          `for i in $(seq 1 10); do ${curl(ctx, { keyed: true, showHeaders: true })} | grep -iE '^HTTP/|^ratelimit|^retry-after'; done`,
          'RateLimit-* headers on every answer, and 429 once the limit is reached',
        ),
      ],
      links: ['owaspLlmTop10'],
      fix: ({ ALL_APPS, keyedStart, withAspects }) => ({
        detail: 'Limit per client or per key, publish the limit in RateLimit-* headers, and authenticate so limits attach to ' + 'identities.',
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
          litellm: keyedStart(
            'litellm',
            'Give each client a virtual key with rpm_limit (POST /key/generate with the master key): LiteLLM answers 429 above it.',
          ),
        },
      }),
    },
  },
]);
