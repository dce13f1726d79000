// One burst of wrong credentials per scan, shared by the rules that judge wrong credentials (not a check itself).
//
// Every crafted value of auth.header-bypass (an empty value, `None`, `[object Object]`, the header sent twice…) is also a
// wrong key, and auth.brute-force needs a run of wrong keys sent one after another. So both read the same requests: per
// credential header, a random wrong key, the crafted values, the header sent twice, then random wrong keys until 12 (20 at
// deep) were refused in that header. They go one after another to the guarded route whose prompt-less request discovery
// saw refused before any model could run, each repeating that request with the credential added, so even a value the
// server wrongly accepts cannot generate text; auth.header-bypass proves such a value with the one-token request
// afterwards. An attempt the key check refused is refused whatever the body: the check ran before the body was read.
//
// The burst stops at the first sign of throttling (429, Retry-After or a rate-limit header) or at an attempt that got no
// answer; what it did not reach, auth.header-bypass sends itself.

import { type CheckContext, DEPTH_ORDER } from '../rules/define.js';
import { isRefused } from '../surface/answer.js';
import type { Exchange, Route, ScanOptions, Surface } from '../types.js';
import { type CredentialSlot, credentialSlots, credentialValue, userCredential, wrongKey } from './credentials.js';
import { throttleSign } from './throttle-signs.js';

type Ctx = Pick<CheckContext, 'send' | 'surface' | 'options' | 'target'>;

/** Wrong keys per credential header: 12, and 20 at deep (enough to see a per-client limit of 10 trigger). */
const WRONG_KEYS = { standard: 12, deep: 20 } as const;

const PLACEHOLDERS = ['None', 'null', 'undefined', 'false', '0', '[object Object]'];
const RAW_PLACEHOLDERS = ['', ...PLACEHOLDERS];
/** In a Bearer header each placeholder goes both bare and after the scheme (`Bearer ${undefined}` is the usual source). */
const BEARER_PLACEHOLDERS = ['', 'Bearer ', ...PLACEHOLDERS, ...PLACEHOLDERS.map((p) => `Bearer ${p}`)];

/** The crafted values auth.header-bypass tries, in the spelling a header of this scheme takes. */
export function placeholdersFor(slot: Pick<CredentialSlot, 'scheme'>): string[] {
  return slot.scheme ? BEARER_PLACEHOLDERS : RAW_PLACEHOLDERS;
}

/** The duplicate-header probe: a wrong key, then an empty value, as two field lines. */
export function twiceValues(slot: Pick<CredentialSlot, 'scheme'>, key: string): string[] {
  return [credentialValue(slot, key), ''];
}

export interface BurstAttempt {
  slot: CredentialSlot;
  kind: 'random' | 'placeholder' | 'twice';
  /** The value in the header; for `twice`, the values of the two field lines. */
  value: string | string[];
  exchange: Exchange;
}

export interface CredentialBurst {
  route: Route;
  /** Discovery's prompt-less request, refused before the model: every attempt is this request with a credential added. */
  seen: Exchange;
  /** The credential headers, the learned one first. */
  slots: CredentialSlot[];
  /** Wrong keys planned per header. */
  size: number;
  attempts: BurstAttempt[];
  /** Why the burst ended early: a throttle answered, or an attempt got no answer. */
  stop?: { kind: 'throttled' | 'no-answer'; exchange: Exchange; sign: string };
}

/** A guarded inference route whose prompt-less discovery request the auth layer refused (so auth runs before the model). */
function refusingRoute(surface: Surface): { route: Route; seen: Exchange } | null {
  const guarded = surface.routes.filter((r) => r.kind === 'inference' && r.access === 'guarded');
  for (const route of [...guarded.filter((r) => r.source === 'given-url'), ...guarded.filter((r) => r.source !== 'given-url')]) {
    const seen = surface.signals.all.find((ex) => route.evidence?.includes(ex.id));
    if (seen && isRefused(seen) && !seen.probe.inference && seen.probe.credentials !== 'user') return { route, seen };
  }
  return null;
}

/**
 * The headers the burst fills: the user's, or the learned one, plus the usual two when the learned one is only a guess (a
 * wrong key in a header the server never reads is no attempt at all, so each candidate gets its own full run).
 */
function burstSlots(ctx: Ctx): CredentialSlot[] {
  const user = userCredential(ctx.target);
  return user ? [{ name: user.header, scheme: user.scheme }] : credentialSlots(ctx.surface).primary;
}

type Planned = Omit<BurstAttempt, 'exchange'>;

/** Headers a burst fills at most: the learned one, plus the usual two when it is only a guess (credentialSlots). */
const MAX_BURST_SLOTS = 3;

/**
 * The most wrong credentials the burst can send at this depth, whatever the server answers: per header a random key,
 * the crafted values (a Bearer header's list, the longer one), the header twice, then random keys until `size` attempts
 * were refused; at worst only the random ones are, so `size - 1` more after the first. What a person is told before
 * approving a scan of someone's server.
 */
export function burstCeiling(depth: ScanOptions['depth']): number {
  if (DEPTH_ORDER[depth] < DEPTH_ORDER.standard) return 0;
  const size = DEPTH_ORDER[depth] >= DEPTH_ORDER.deep ? WRONG_KEYS.deep : WRONG_KEYS.standard;
  return MAX_BURST_SLOTS * (1 + BEARER_PLACEHOLDERS.length + 1 + (size - 1));
}

async function sendBurst(ctx: Ctx): Promise<CredentialBurst | null> {
  const found = refusingRoute(ctx.surface);
  if (!found) return null;
  const { route, seen } = found;
  const slots = burstSlots(ctx);
  const size = DEPTH_ORDER[ctx.options.depth] >= DEPTH_ORDER.deep ? WRONG_KEYS.deep : WRONG_KEYS.standard;
  const user = userCredential(ctx.target);
  const burst: CredentialBurst = { route, seen, slots, size, attempts: [] };
  let index = 100;
  const random = (slot: CredentialSlot): Planned => ({ slot, kind: 'random', value: credentialValue(slot, wrongKey(ctx.surface, index++, user?.token)) });
  const attempt = async (p: Planned): Promise<CredentialBurst['stop'] | null> => {
    const n = burst.attempts.length + 1;
    const what =
      p.kind === 'twice'
        ? `${p.slot.name} sent twice`
        : p.kind === 'random'
          ? `a random wrong key in ${p.slot.name}`
          : `${p.slot.name}: ${JSON.stringify(p.value)}`;
    const exchange = await ctx.send({
      method: seen.probe.method,
      path: seen.probe.path,
      ...(seen.probe.body !== undefined ? { body: seen.probe.body } : {}),
      headers: { ...(user?.others ?? {}), ...(typeof p.value === 'string' ? { [p.slot.name]: p.value } : {}) },
      ...(Array.isArray(p.value) ? { repeatedHeaders: { [p.slot.name]: p.value } } : {}),
      purpose: `wrong credential ${n} (${what}) to ${seen.probe.method} ${seen.probe.path}, discovery's prompt-less request`,
    });
    burst.attempts.push({ ...p, exchange });
    if (!exchange.response) return { kind: 'no-answer', exchange, sign: exchange.error ?? 'no response' };
    const sign = throttleSign(exchange);
    return sign ? { kind: 'throttled', exchange, sign } : null;
  };
  // One after another: throttles count failures and tarpits show as growing latency, neither visible in parallel.
  for (const slot of slots) {
    const run: Planned[] = [
      random(slot),
      ...placeholdersFor(slot).map((value): Planned => ({ slot, kind: 'placeholder', value })),
      { slot, kind: 'twice', value: twiceValues(slot, wrongKey(ctx.surface, 0, user?.token)) },
    ];
    for (const p of run) {
      const stop = await attempt(p);
      if (stop) return { ...burst, stop };
    }
    // Random wrong keys until `size` were refused in this header (crafted values that got through do not count), unless a
    // random key got through too: then this header checks no key, and more of them would prove nothing.
    const mine = () => burst.attempts.filter((a) => a.slot === slot);
    const randomThrough = () => mine().some((a) => a.kind === 'random' && !isRefused(a.exchange));
    while (mine().filter((a) => isRefused(a.exchange)).length < size && !randomThrough()) {
      const stop = await attempt(random(slot));
      if (stop) return { ...burst, stop };
    }
  }
  return burst;
}

/** Sent once per scan: the same surface object is shared by every check of a scan, so whichever asks first sends it. */
const bursts = new WeakMap<Surface, Promise<CredentialBurst | null>>();

export function credentialBurst(ctx: Ctx): Promise<CredentialBurst | null> {
  let burst = bursts.get(ctx.surface);
  if (!burst) {
    burst = sendBurst(ctx);
    bursts.set(ctx.surface, burst);
  }
  return burst;
}

/**
 * The burst's verdict on one crafted value in one header: the attempt when the key check refused it (then it is refused
 * with any body), or null when the burst did not send it or the value got through (prove it with the one-token request).
 */
export function refusedInBurst(burst: CredentialBurst | null, route: Route, slot: CredentialSlot, kind: BurstAttempt['kind'], value?: string): Exchange | null {
  if (!burst || burst.route.method !== route.method || burst.route.path !== route.path) return null;
  const a = burst.attempts.find((x) => x.kind === kind && x.slot.name.toLowerCase() === slot.name.toLowerCase() && (value === undefined || x.value === value));
  return a && isRefused(a.exchange) ? a.exchange : null;
}
