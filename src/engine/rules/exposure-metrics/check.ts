// exposure.metrics — Prometheus metrics readable without credentials: load, queue depth, token counts, model names and
// often the launch configuration. One GET /metrics (a 501 from llama.cpp without --metrics, a 404 or a 401 is no finding).

import { ok, readWithoutCredentials } from '../../probes/open-reads.js';
import { defineCheck } from '../define.js';
import family, { METRIC_FAMILIES } from './index.js';

const TYPE_LINE = /^# TYPE [a-zA-Z_:][a-zA-Z0-9_:]* (?:counter|gauge|histogram|summary|untyped|info|stateset|gaugehistogram|unknown)\s*$/m;
const SAMPLE_LINE = /^[a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}\n]*\})? [-+]?(?:[0-9.]+(?:[eE][-+]?[0-9]+)?|NaN|\+?Inf)(?: \d+)?\s*$/gm;

/** Prometheus text exposition (or OpenMetrics): at least one TYPE line and one sample, and no HTML. */
export function looksLikePrometheus(body: string): boolean {
  if (/^\s*</.test(body)) return false;
  return TYPE_LINE.test(body) && (body.match(SAMPLE_LINE)?.length ?? 0) > 0;
}

export default defineCheck(family, {
  id: 'exposure-metrics',
  depth: 'quick',
  async run(ctx) {
    const exchange = await readWithoutCredentials(ctx, '/metrics', 'metrics exposure: GET /metrics without credentials');
    if (!ok(exchange) || !looksLikePrometheus(exchange.response!.body)) return [];
    const body = exchange.response!.body;
    const families = METRIC_FAMILIES.filter(([re]) => re.test(body)).map(([, name]) => name);
    const series = body.match(SAMPLE_LINE)?.length ?? 0;
    return [
      ctx.finding({
        rule: 'exposure.metrics',
        confidence: 'confirmed',
        description:
          `GET /metrics serves Prometheus metrics to a request without credentials (${series} sample ` +
          `line(s)${families.length ? `, ${families.join(', ')}` : ''}${exchange.response!.truncated ? ', more than the read cap' : ''}): ` +
          'load, token counts and model names are visible to anyone who can reach the port.',
        exchange,
        notes: families.length ? [`metric families: ${families.join(', ')}`] : ['generic Prometheus metrics'],
      }),
    ];
  },
});
