// auth.brute-force — wrong keys are never throttled. Twelve random wrong keys (twenty at deep) go one after another to a
// guarded route that refused discovery's request before any model could run; the finding needs every one refused with
// 401/403, none answered 429, none carrying Retry-After or a rate-limit header, and no growing delay (a tarpit is a throttle
// too). Each attempt repeats discovery's own refused request — a body-less GET where the key is checked before routing, else
// a prompt-less body capped at one token — so that even a key the server wrongly accepted could not generate text; it is
// never an inference request.
import type { Exchange, Route } from '../types.js';
import { DEPTH_ORDER } from '../rules.js';
import { describeServer } from '../surface/inference.js';
import { defineCheck } from './define.js';
import { credentialSlots, credentialValue, isRefusal, line, userCredential, wrongKey } from './credential-probes.js';

const ATTEMPTS = { standard: 12, deep: 20 } as const;

const RATE_LIMIT_HEADER = /^(retry-after|x-?rate-?limit.*|ratelimit.*|x-ratelimit.*)$/i;

/** A guarded route whose prompt-less discovery request was refused by the auth layer (so auth runs before the model). */
function refusingRoute(routes: Route[], all: Exchange[]): { route: Route; seen: Exchange } | null {
  const guarded = routes.filter((r) => r.kind === 'inference' && r.access === 'guarded');
  for (const route of [...guarded.filter((r) => r.source === 'given-url'), ...guarded.filter((r) => r.source !== 'given-url')]) {
    const seen = all.find((ex) => route.evidence?.includes(ex.id));
    if (seen && isRefusal(seen) && !seen.probe.inference && seen.probe.credentials !== 'user') return { route, seen };
  }
  return null;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

/**
 * A delay that grows with the failures (a tarpit): the median of the last third is more than 100 ms and more than a quarter
 * slower than the median of the first third. Medians of thirds keep one slow answer (network jitter) from deciding.
 */
export function latencyGrows(latencies: number[]): boolean {
  const third = Math.max(1, Math.floor(latencies.length / 3));
  const first = median(latencies.slice(0, third));
  const last = median(latencies.slice(-third));
  return last - first > Math.max(100, first / 4);
}

export default defineCheck({
  id: 'auth-brute-force',
  rules: ['auth.brute-force'],
  depth: 'standard',
  async run(ctx) {
    const found = refusingRoute(ctx.surface.routes, ctx.surface.signals.all);
    if (!found) {
      ctx.mark('auth.brute-force', 'inconclusive', 'No guarded route refused a prompt-less request before the model runs, so wrong keys were not tried.');
      return [];
    }
    const { route, seen } = found;
    const user = userCredential(ctx.target);
    // Without the user's credential, the learned header may be a guess (a profile's or the default): a wrong key in a header
    // the server never reads is no attempt at all. Every primary slot then carries a wrong key in the same request, so the
    // server meets a wrong key in whichever of them it reads (a FastAPI app reading X-API-Key mistaken for another product).
    // When that first combined request is not refused (a server that trusts one of those headers: header-bypass territory),
    // the burst starts over in the learned header alone, as a single-header burst always did.
    const learned = user ? [{ name: user.header, scheme: user.scheme }] : credentialSlots(ctx.surface).primary;
    let slots = learned;
    const n = DEPTH_ORDER[ctx.options.depth] >= DEPTH_ORDER.deep ? ATTEMPTS.deep : ATTEMPTS.standard;
    let attempts: Exchange[] = [];
    // One after another: throttles count failures and tarpits show as growing latency, neither visible in parallel.
    for (let i = 0; i < n; i++) {
      const ex = await ctx.send({
        method: seen.probe.method,
        path: seen.probe.path,
        ...(seen.probe.body !== undefined ? { body: seen.probe.body } : {}),
        headers: { ...(user?.others ?? {}), ...Object.fromEntries(slots.map((slot) => [slot.name, credentialValue(slot, wrongKey(ctx.surface, 100 + i, user?.token))])) },
        purpose: `brute force: wrong key ${i + 1} of ${n} to ${seen.probe.method} ${seen.probe.path} (discovery's prompt-less request, refused before the model)`,
      });
      attempts.push(ex);
      const res = ex.response;
      if (!res) {
        ctx.mark('auth.brute-force', 'inconclusive', `Wrong key ${i + 1} got no answer (${ex.error ?? 'no response'}); a server that drops connections may be throttling.`);
        return [];
      }
      const limitHeader = Object.keys(res.headers).find((h) => RATE_LIMIT_HEADER.test(h));
      if (res.status === 429 || limitHeader) return []; // throttled: the rule passes
      if (!isRefusal(ex)) {
        if (i === 0 && slots.length > 1) {
          slots = [learned[0]!];
          attempts = [];
          i = -1;
          continue;
        }
        ctx.mark('auth.brute-force', 'inconclusive', `Wrong key ${i + 1} was answered ${res.status}, not refused; the burst stopped.`);
        return [];
      }
    }
    const slotNames = slots.map((s) => s.name).join(' and ');
    const latencies = attempts.map((ex) => ex.response!.latencyMs);
    if (latencyGrows(latencies)) return [];
    const { server } = describeServer(ctx.surface);
    const statuses = [...new Set(attempts.map((ex) => ex.response!.status))].join('/');
    return [
      ctx.finding({
        rule: 'auth.brute-force',
        confidence: 'firm',
        description:
          `${seen.probe.method} ${seen.probe.path}${server} answered ${n} wrong keys in ${slotNames}, sent one after another, with ${statuses} every time: no 429, ` +
          `no Retry-After or rate-limit header, and no growing delay (latency ${latencies[0]} ms first, ${latencies[latencies.length - 1]} ms last). ` +
          'Keys can be guessed at full speed; PCI DSS 8.3.4 asks for lock-out after at most 10 failed attempts.',
        exchange: attempts[attempts.length - 1]!,
        baseline: attempts[0]!,
        notes: [
          `route ${route.method} ${route.path} refused discovery's prompt-less request: ${line(seen)}`,
          `${n} wrong keys in ${slotNames}: statuses ${attempts.map((ex) => ex.response!.status).join(', ')}`,
          `latencies (ms): ${latencies.join(', ')}`,
        ],
      }),
    ];
  },
});
