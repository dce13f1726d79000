import { defineFamily } from '../define.js';

/** Metric-name prefixes of the servers Gatecrash knows (each server's page under docs/servers/). */
export const METRIC_FAMILIES: [RegExp, string][] = [
  [/^vllm:/m, 'vLLM (vllm:*)'],
  [/^tgi_/m, 'TGI (tgi_*)'],
  [/^llamacpp:/m, 'llama.cpp (llamacpp:*)'],
  [/^sglang:/m, 'SGLang (sglang:*)'],
  [/^nv_inference_/m, 'Triton (nv_inference_*)'],
  [/^litellm_/m, 'LiteLLM (litellm_*)'],
];

export default defineFamily([
  {
    id: 'exposure.metrics',
    check: 'Data Exposure',
    title: 'Prometheus metrics readable without credentials',
    severity: 'low',
    cwe: ['CWE-200'],
    owasp: ['API8:2023'],
    owaspLlm: [],
    pci: ['2.2'],
    depth: 'quick',
    summary: 'The metrics endpoint discloses load, usage and configuration to anyone.',
    remediation: 'Serve metrics on an internal listener or require credentials for them.',
    explanation: {
      what: 'Prometheus text on /metrics: request counts, token throughput, queue depth, cache use, sometimes model names and ' + 'configuration.',
      why: 'They reveal load and usage patterns (when to attack, whether a cost attack works), model and hardware details, and internal names.',
      howProved: [
        "One GET /metrics without credentials (the cheap phase's own request when it already sent it).",
        'Reports when the answer is a 2xx in Prometheus text exposition or OpenMetrics format: at least one ' +
          '`# TYPE` line and one sample line, and no HTML. Confidence: confirmed.',
        `Names the metric families it recognises (${METRIC_FAMILIES.map(([, name]) => name).join(', ')}); ` +
          `generic Prometheus metrics are reported all the same.`,
      ],
      falsePositives: ['Metrics on an internal-only listener are fine: the finding means Gatecrash reached them from where it ran.'],
      manualChecks: (ctx, { curl, check }) => [
        check(
          'Metrics from outside, without credentials',
          curl(ctx, { method: 'GET', body: null, path: ctx.path.endsWith('metrics') ? ctx.path : '/metrics' }),
          '401, 403 or 404',
        ),
      ],
      fix: ({ ALL_APPS, keyedStart, withAspects }) => ({
        detail:
          "Prometheus can send a bearer token or header; otherwise refuse /metrics at the proxy except from the scraper's " +
          'address, and turn metrics off where the server allows it.',
        app: {
          frameworks: ALL_APPS,
          features: ['auth', 'metrics'],
          focus:
            '/metrics is an ordinary route behind the app-wide key (Prometheus sends the key from its scrape ' +
            'config), never a mounted app that skips the check.',
        },
        proxy: {
          frameworks: ['nginx', 'caddy'],
          features: ['auth', 'metricsInternal'],
          deny: ['metrics'],
          denyFindingPath: true,
          focus: '/metrics is forwarded to local scrapers only; from anywhere else it is refused.',
        },
        servers: {
          vllm: {
            aspects: ['key', 'loopback'],
            needsProxy: true,
            focus: 'vLLM always serves /metrics outside its key check: vLLM listens on loopback and the proxy limits /metrics to the scraper.',
          },
          tgi: {
            aspects: ['key', 'loopback'],
            needsProxy: true,
            focus: 'TGI always serves /metrics without the key: TGI listens on loopback and the proxy limits /metrics to the scraper.',
          },
          llamacpp: withAspects(keyedStart('llamacpp', 'llama-server serves /metrics only with --metrics, which the script does not pass.'), 'noMetrics'),
          sglang: withAspects(
            keyedStart('sglang', 'SGLang serves /metrics only with --enable-metrics (then always without the key), which the script does not pass.'),
            'noMetrics',
          ),
          litellm: {
            aspects: ['key', 'loopback'],
            needsProxy: true,
            focus:
              "LiteLLM's Prometheus route may be public depending on version and settings: LiteLLM listens on " +
              'loopback and the proxy limits /metrics to the scraper.',
          },
        },
      }),
    },
  },
]);
