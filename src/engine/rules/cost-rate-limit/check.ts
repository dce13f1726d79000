// cost.no-rate-limit (deep) — on an open inference route, a burst of 10 one-token requests is never answered 429 and carries
// no rate-limit header. The burst is auth.missing's own one-token request (already sent, answered from the dedup cache) plus
// nine copies whose prompt differs by a suffix, sent concurrently: distinct, so the client really sends them, and each
// still asks for one token. Nine new requests: with the one of cost.unbounded-generation, a deep scan adds ten.

import { rateLimitHeaders } from '../../probes/throttle-signs.js';

import { modelOutputOf } from '../../surface/answer.js';
import { describeServer } from '../../surface/inference.js';
import { authMissingAttempts, authMissingRoutes, variantProbe } from '../../surface/inference-reuse.js';
import { defineCheck } from '../define.js';
import family from './index.js';

export const BURST_SIZE = 10;

export default defineCheck(family, {
  id: 'cost-rate-limit',
  depth: 'deep',
  async run(ctx) {
    const prompt = ctx.options.prompt;
    const attempts = await authMissingAttempts(ctx.send, ctx.surface, authMissingRoutes(ctx.surface.routes, false), prompt);
    // A server that already answered auth.missing's request 429 limits inference: nothing more to send.
    if (attempts.some((a) => a.exchange.response?.status === 429 || rateLimitHeaders(a.exchange).length > 0)) return [];
    const chosen = attempts.find((a) => a.output && variantProbe(a, ctx.surface, `${prompt} (2)`, '') !== null);
    if (!chosen) {
      ctx.mark('cost.no-rate-limit', 'inconclusive', 'No open inference route returned model output without credentials to send a burst to.');
      return [];
    }
    const probes = Array.from(
      { length: BURST_SIZE - 1 },
      (_, i) => variantProbe(chosen, ctx.surface, `${prompt} (${i + 2})`, `cost: burst request ${i + 2}/${BURST_SIZE} (one token) on ${chosen.route.path}`)!,
    );
    const burst = [chosen.exchange, ...(await Promise.all(probes.map((p) => ctx.send(p))))];

    const limited = burst.filter((ex) => ex.response?.status === 429);
    const announced = burst.find((ex) => rateLimitHeaders(ex).length > 0);
    if (limited.length > 0 || announced) return []; // a limit exists: pass
    const answered = burst.filter((ex) => {
      const s = ex.response?.status;
      return s !== undefined && s >= 200 && s < 300;
    });
    if (answered.length < burst.length) {
      const other = burst.find((ex) => !answered.includes(ex))!;
      ctx.mark(
        'cost.no-rate-limit',
        'inconclusive',
        `${burst.length - answered.length} of ${burst.length} burst requests were not answered 2xx (first: ` +
          `${other.response?.status ?? other.error}), none 429.`,
      );
      return [];
    }
    const { family, server } = describeServer(ctx.surface);
    const path = new URL(chosen.exchange.request.url).pathname;
    const last = burst[burst.length - 1]!;
    const ran = burst.filter((ex) => modelOutputOf(ex, prompt) !== null).length;
    return [
      ctx.finding({
        rule: 'cost.no-rate-limit',
        confidence: 'confirmed',
        description:
          `${chosen.route.method} ${path}${server} answered all ${burst.length} one-token requests of a burst without credentials ` +
          `(${ran === burst.length ? `the ${family}model answered every one` : `${ran} with model output`}) ` +
          `with no 429 and no rate-limit or Retry-After header: nothing stops a caller from running it at full ` +
          `speed.`,
        exchange: last,
        extra: burst.slice(0, -1).slice(0, 3),
        notes: [
          `${burst.length} requests, ${BURST_SIZE - 1} of them sent concurrently`,
          `statuses: ${burst.map((ex) => ex.response!.status).join(', ')}`,
          'no x-ratelimit-*, ratelimit-* or retry-after header',
        ],
      }),
    ];
  },
});
