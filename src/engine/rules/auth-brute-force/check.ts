// auth.brute-force — wrong keys are never throttled. The scan's wrong-credential burst (credential-burst.ts: per
// credential header a random wrong key, the crafted values of auth.header-bypass, the header sent twice, then random wrong
// keys until 12, 20 at deep, were refused) went one after another to a guarded route that refused discovery's request
// before any model could run. The finding needs, in every header judged, at least that many wrong keys refused with
// 401/403, none answered 429, none carrying Retry-After or a rate-limit header, and no growing delay (a tarpit is a
// throttle too). The attempts repeat discovery's prompt-less request, so even a key the server wrongly accepted could not
// generate text: this rule never sends an inference request.

import { type BurstAttempt, type CredentialBurst, credentialBurst } from '../../probes/credential-burst.js';
import { type CredentialSlot, headerIsKnown } from '../../probes/credentials.js';
import { line } from '../../probes/differential.js';
import { profileById } from '../../profiles/index.js';
import { isRefused } from '../../surface/answer.js';
import { describeServer } from '../../surface/inference.js';
import type { Exchange } from '../../types.js';
import { type CheckContext, defineCheck } from '../define.js';
import family from './index.js';

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

/**
 * The headers whose attempts count. A header in which a random wrong key got through is not checked for a key at all
 * (header-bypass territory): when the learned header's random keys were all refused, it alone is judged, as a single-header
 * burst would; otherwise there is no header to judge. When every header refused its random keys, all are judged.
 */
function judgedSlots(burst: CredentialBurst): CredentialSlot[] {
  const refusesRandom = (slot: CredentialSlot) => burst.attempts.filter((a) => a.slot === slot && a.kind === 'random').every((a) => isRefused(a.exchange));
  const refusing = burst.slots.filter(refusesRandom);
  if (refusing.length === burst.slots.length) return refusing;
  return refusing.includes(burst.slots[0]!) ? [burst.slots[0]!] : [];
}

/**
 * An answer with what changes from one request to the next blanked (request ids and trace ids, hex or UUIDs, tokens,
 * timestamps, counters), to tell "the same refusal" from another one by its words alone.
 */
const refusalShape = (ex: Exchange): string =>
  `${ex.response?.status} ${(ex.response?.body ?? '')
    .replace(/[A-Za-z0-9_-]*\d[A-Za-z0-9_-]*/g, '#')
    .replace(/\b[A-Za-z0-9_-]{24,}\b/g, '#')
    .trim()}`;

/**
 * Why the server is known to read this header, or null. A wrong key in a header the server never reads is, to it, a request
 * without a key, which a careful lock-out rightly does not count: such a run proves nothing about throttling. Evidence: the
 * user named the header, the server named it (OpenAPI, FastAPI's 422, WWW-Authenticate), the identified server's profile
 * reads it (a server's, not a web framework's guess), or its wrong keys were refused differently from no key at all.
 */
function readByServer(slot: CredentialSlot, burst: CredentialBurst, ctx: CheckContext): string | null {
  const same = (name: string) => name.toLowerCase() === slot.name.toLowerCase();
  const learned = ctx.surface.credentialHeader;
  if (same(learned.name) && headerIsKnown(learned)) return `${slot.name} (${learned.source})`;
  const product = ctx.surface.fingerprint.product;
  if (product !== 'unknown') {
    const profile = profileById(product);
    if (profile.kind !== 'framework' && profile.auth.headers.some(same)) return `${slot.name} (${profile.name} reads it)`;
  }
  const noKey = refusalShape(burst.seen);
  const differs = burst.attempts.find((a) => a.slot === slot && a.kind === 'random' && isRefused(a.exchange) && refusalShape(a.exchange) !== noKey);
  return differs ? `${slot.name} (a wrong key is refused differently from none: ${line(differs.exchange)})` : null;
}

const check = defineCheck(family, {
  id: 'auth-brute-force',
  depth: 'standard',
  async run(ctx) {
    const burst = await credentialBurst(ctx);
    if (!burst) {
      ctx.mark('auth.brute-force', 'inconclusive', 'No guarded route refused a prompt-less request before the model runs, so wrong keys were not tried.');
      return [];
    }
    if (burst.stop?.kind === 'throttled') return []; // throttled: the rule passes
    if (burst.stop) {
      const n = burst.attempts.length;
      ctx.mark('auth.brute-force', 'inconclusive', `Wrong key ${n} got no answer (${burst.stop.sign}); a server that drops connections may be throttling.`);
      return [];
    }
    const slots = judgedSlots(burst);
    if (slots.length === 0) {
      const through = burst.attempts.find((a) => a.kind === 'random' && !isRefused(a.exchange))!;
      ctx.mark(
        'auth.brute-force',
        'inconclusive',
        `A random wrong key in ${through.slot.name} was not refused (${line(through.exchange)}), so there is no key check to guess against.`,
      );
      return [];
    }
    const read = slots.flatMap((slot) => {
      const why = readByServer(slot, burst, ctx);
      return why ? [{ slot, why }] : [];
    });
    if (read.length === 0) {
      const names = slots.map((s) => s.name).join(' and ');
      ctx.mark(
        'auth.brute-force',
        'inconclusive',
        `The wrong keys in ${names} were refused exactly as a request without a key (${line(burst.seen)}): nothing shows the server reads ` +
          `${slots.length > 1 ? 'either header' : 'that header'}, so this does not tell whether wrong keys are ` +
          `throttled. Pass the header your clients send (--header 'Name: key') to judge it.`,
      );
      return [];
    }
    const runs = read.map(({ slot }) => ({ slot, refused: burst.attempts.filter((a) => a.slot === slot && isRefused(a.exchange)) }));
    const short = runs.find((r) => r.refused.length < burst.size);
    if (short) {
      ctx.mark(
        'auth.brute-force',
        'inconclusive',
        `Only ${short.refused.length} of the wrong keys in ${short.slot.name} were refused; the others got through (see auth.header-bypass).`,
      );
      return [];
    }
    const counted: BurstAttempt[] = runs.flatMap((r) => r.refused).sort((a, b) => a.exchange.id - b.exchange.id);
    const latencies = counted.map((a) => a.exchange.response!.latencyMs);
    if (latencyGrows(latencies)) return [];
    const { seen } = burst;
    const { server } = describeServer(ctx.surface);
    const statuses = [...new Set(counted.map((a) => a.exchange.response!.status))].join('/');
    const perHeader = runs.map((r) => `${r.refused.length} in ${r.slot.name}`).join(', ');
    const first: Exchange = counted[0]!.exchange;
    const last: Exchange = counted[counted.length - 1]!.exchange;
    return [
      ctx.finding({
        rule: 'auth.brute-force',
        confidence: 'firm',
        description:
          `${seen.probe.method} ${seen.probe.path}${server} answered ${counted.length} wrong keys ` +
          `(${perHeader}), sent one after another, with ${statuses} every time: no 429, ` +
          `no Retry-After or rate-limit header, and no growing delay (latency ${latencies[0]} ms first, ${latencies[latencies.length - 1]} ms last). ` +
          'Keys can be guessed at full speed; PCI DSS 8.3.4 asks for lock-out after at most 10 failed attempts.',
        exchange: last,
        baseline: first,
        notes: [
          `route ${burst.route.method} ${burst.route.path} refused discovery's prompt-less request: ${line(seen)}`,
          ...runs.map((r) => `${r.refused.length} wrong keys in ${r.slot.name}: statuses ${r.refused.map((a) => a.exchange.response!.status).join(', ')}`),
          `the server reads ${read.map((r) => r.why).join('; ')}`,
          `latencies (ms): ${latencies.join(', ')}`,
        ],
      }),
    ];
  },
});

export default check;
