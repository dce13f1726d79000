// What the credential-varying auth rules share (header bypass, unset-key defaults, brute force, weak key handling, JWT,
// ignored credentials): per-scan wrong keys, the header a credential travels in, the user's own credential, and a guarded
// route on which the user's credential is accepted. Route-level proof (refusal, model reached, refused baselines) comes from
// differential.ts; this file only adds what is about the credential itself.

import { randomBytes } from 'node:crypto';
import { profileById } from '../profiles/index.js';
import type { CheckContext } from '../rules/define.js';
import { isRefused } from '../surface/answer.js';

import { probeInference } from '../surface/inference.js';

import { parseJson } from '../surface/json.js';

import { learnFromRejection } from '../surface/rejection.js';

import { probeOf, type RouteRequest } from '../surface/route-request.js';
import type { CredentialHeader, Exchange, Finding, Probe, Route, RuleId, Surface, Target } from '../types.js';
import { quoteList } from '../untrusted.js';
import { type GuardedBaseline, handlerAnswered, line, modelReached, type Proof, refusedBaselines } from './differential.js';

type Ctx = Pick<CheckContext, 'send' | 'surface' | 'options' | 'target'>;

// ---------- wrong keys ----------

/**
 * One random value per scan, shared by every check through the surface object (the same for all checks of a scan): a wrong
 * key is then the same string in every check that needs "a random wrong key", so the client sends that probe once.
 */
const scanSeeds = new WeakMap<Surface, string>();

/**
 * The `index`-th random wrong key of this scan. With `like` (the user's key) it keeps that key's short conventional prefix
 * (`sk-`, `hf_`), so that a server that first checks the prefix still judges the value; never its length, which would be
 * a fact about the secret written into the report.
 */
export function wrongKey(surface: Surface, index: number, like?: string): string {
  let seed = scanSeeds.get(surface);
  if (!seed) {
    seed = randomBytes(24).toString('hex');
    scanSeeds.set(surface, seed);
  }
  const body = `${seed.slice(index % 8, (index % 8) + 24)}${index.toString(16).padStart(4, '0')}${seed}`;
  if (!like) return `gc-wrong-${body.slice(0, 28)}`;
  const prefix = /^[A-Za-z]{1,6}[-_]/.exec(like)?.[0] ?? '';
  return `${prefix}${body.slice(0, 32)}`;
}

// ---------- credential headers ----------

/** A header that can carry a credential, with the scheme its values use. */
export interface CredentialSlot {
  name: string;
  scheme: 'Bearer' | null;
}

/** `Bearer <token>` for a Bearer header, the bare token otherwise. */
export function credentialValue(slot: Pick<CredentialSlot, 'scheme'>, token: string): string {
  return slot.scheme ? `${slot.scheme} ${token}` : token;
}

/** Learned from the user, OpenAPI, FastAPI's 422 or WWW-Authenticate: the server told us; a profile or default is a guess. */
export function headerIsKnown(h: CredentialHeader): boolean {
  return ['user', 'openapi', 'fastapi-422', 'www-authenticate'].includes(h.source);
}

const COMMON_HEADERS: CredentialSlot[] = [
  { name: 'Authorization', scheme: 'Bearer' },
  { name: 'X-API-Key', scheme: null },
  { name: 'api-key', scheme: null },
];

function slotFor(name: string): CredentialSlot {
  return { name, scheme: name.toLowerCase() === 'authorization' ? 'Bearer' : null };
}

/**
 * Where the credential probes go. `primary`: the learned header, plus, when it is only a guess (a web framework's profile
 * or the default), the usual two (Authorization, X-API-Key) so that a wrapper whose guess is wrong is still tested. `alternates`: other
 * credential headers the server might read (the profile's and the common ones), probed with a wrong key only.
 */
export function credentialSlots(surface: Surface): { primary: CredentialSlot[]; alternates: CredentialSlot[] } {
  const learned = surface.credentialHeader;
  const primary: CredentialSlot[] = [{ name: learned.name, scheme: learned.scheme ?? (learned.name.toLowerCase() === 'authorization' ? 'Bearer' : null) }];
  const has = (list: CredentialSlot[], name: string) => list.some((s) => s.name.toLowerCase() === name.toLowerCase());
  const product = surface.fingerprint.product;
  const profile = product === 'unknown' ? null : profileById(product);
  // An identified server's own header is its documented one, not a guess (a web framework's profile only guesses).
  const documented = learned.source === 'profile' && profile?.kind === 'server';
  if (!headerIsKnown(learned) && !documented) for (const s of COMMON_HEADERS.slice(0, 2)) if (!has(primary, s.name)) primary.push(s);
  const profileHeaders = profile?.auth.headers ?? [];
  const alternates: CredentialSlot[] = [];
  for (const s of [...profileHeaders.map(slotFor), ...COMMON_HEADERS]) {
    if (!has(primary, s.name) && !has(alternates, s.name)) alternates.push(s);
  }
  return { primary, alternates: alternates.slice(0, 4) };
}

// ---------- proof ----------

/**
 * A 422 that only complains about the body: validation behind the auth layer ran, so the request got past it (firm). Only
 * meaningful against a baseline that carried the same body and was refused.
 */
export function validationReached(ex: Exchange | undefined): Proof | null {
  if (ex?.response?.status !== 422) return null;
  const fields = learnFromRejection(ex).fields;
  const body = fields.filter((f) => f.where === 'body').map((f) => f.name);
  if (fields.some((f) => f.where === 'header') || body.length === 0) return null;
  return { confidence: 'firm', summary: `got past authentication to body validation (422 naming ${quoteList(body, 3, 40)})` };
}

/**
 * The request got past authentication: model output (confirmed), or the handler's own answer (firm). Body validation counts
 * (firm) only against a `refused` baseline that carried the same body and got 401/403/407: auth then ran before validation,
 * so reaching validation means passing auth. Against FastAPI's 422 for a missing header it would prove nothing (a present
 * header passes parameter validation whether or not the endpoint's own check would accept it).
 */
export function reached(ex: Exchange | undefined, prompt: string, refused?: Exchange): Proof | null {
  const model = modelReached(ex, prompt);
  if (model) return model;
  const handler = handlerAnswered(ex);
  if (handler && !isRefused(ex)) return handler;
  const s = refused?.response?.status;
  if (refused && (s === 401 || s === 403 || s === 407) && refused.request.body === ex?.request.body) return validationReached(ex);
  return null;
}

// ---------- guarded routes ----------

/**
 * A guarded inference route with its refused one-token request. differential.ts picks routes discovery saw refused; when
 * there is none, an inference route whose empty body got past (auth after body validation, as in a decorator inside the
 * endpoint) is tried with the one-token request auth.missing sends too (the same probe, so it is sent once).
 */
export async function guardedBaseline(ctx: Ctx): Promise<GuardedBaseline | null> {
  const [first] = await refusedBaselines(ctx, 1);
  if (first) return first;
  const others = ctx.surface.routes.filter((r) => r.kind === 'inference' && r.access === 'open');
  const ordered = [...others.filter((r) => r.source === 'given-url'), ...others.filter((r) => r.source !== 'given-url')].slice(0, 2);
  for (const route of ordered) {
    const attempt = await probeInference(ctx.send, route, ctx.surface, { prompt: ctx.options.prompt });
    if (attempt.answer.kind === 'refused') return { route: attempt.route, baseline: attempt.exchange, request: attempt.request };
  }
  return null;
}

/** The baseline's one-token request with credential headers set (no user credentials unless `credentials` says so). */
export function sendWithCredential(
  ctx: Pick<CheckContext, 'send'>,
  b: { request: RouteRequest },
  o: {
    purpose: string;
    headers?: Record<string, string>;
    repeatedHeaders?: Record<string, string[]>;
    path?: string;
    secrets?: string[];
    credentials?: Probe['credentials'];
  },
): Promise<Exchange> {
  return ctx.send(
    probeOf(
      { ...b.request, ...(o.path ? { path: o.path } : {}) },
      {
        inference: true,
        purpose: o.purpose,
        ...(o.headers ? { headers: o.headers } : {}),
        ...(o.repeatedHeaders ? { repeatedHeaders: o.repeatedHeaders } : {}),
        ...(o.secrets?.length ? { secrets: o.secrets } : {}),
        ...(o.credentials ? { credentials: o.credentials } : {}),
      },
    ),
  );
}

// ---------- the user's credential ----------

export interface UserCredential {
  /** The header as the user spelled it. */
  header: string;
  scheme: 'Bearer' | null;
  /** The secret itself (the value without its scheme). Never put into text: findings show only `[REDACTED]`. */
  token: string;
  /** The user's other headers (cookies, a second key), sent unchanged with every variant. */
  others: Record<string, string>;
}

/** Header names that carry a credential, so that a user's extra headers (`X-Org: acme`) are not taken for the key. */
const CREDENTIAL_NAME = /^(proxy-)?authorization$|key|token|secret|auth|session|cookie|password/i;

/**
 * The user's credential in `name` (default: the first header the user gave whose name looks like a credential's, else the
 * first one), split into scheme and token.
 */
export function userCredential(target: Target, name?: string): UserCredential | null {
  const entries = Object.entries(target.credentials);
  const found = name ? entries.find(([k]) => k.toLowerCase() === name.toLowerCase()) : (entries.find(([k]) => CREDENTIAL_NAME.test(k)) ?? entries[0]);
  if (!found) return null;
  const [header, value] = found;
  const m = /^bearer\s+(.+)$/i.exec(value.trim());
  const others = Object.fromEntries(entries.filter(([k]) => k !== header));
  return { header, scheme: m ? 'Bearer' : null, token: (m ? m[1]! : value).trim(), others };
}

export interface KeyedRoute {
  route: Route;
  /** The one-token request that the route accepted with the user's credential. */
  request: RouteRequest;
  /** The user's credential accepted. */
  accepted: Exchange;
  proof: Proof;
  /** The same request without credentials, refused. */
  refused: Exchange;
  /** The same request with a random wrong key in the user's header, refused. */
  wrong: Exchange;
}

export type KeyedResult =
  | { ok: true; keyed: KeyedRoute }
  | { ok: false; reason: string /** both with and without the key the route answered */; ignored?: { withKey: Exchange; withoutKey: Exchange; route: Route } };

/**
 * Finds an inference route where the user's credential makes the difference: refused without it, accepted with it, refused
 * with a random wrong key in its place. Routes are tried in discovery's order (the given URL first), guarded ones first;
 * the requests are the same in every check that asks, so they are sent once per scan.
 */
export async function keyedRoute(ctx: Ctx, cred: UserCredential): Promise<KeyedResult> {
  const inference = ctx.surface.routes.filter((r) => r.kind === 'inference');
  const rank = (r: Route) => (r.source === 'given-url' ? 0 : 1) + (r.access === 'guarded' ? 0 : 2);
  const candidates = [...inference].sort((a, b) => rank(a) - rank(b)).slice(0, 3);
  let ignored: NonNullable<Extract<KeyedResult, { ok: false }>['ignored']> | undefined;
  let refusedWithKey: Exchange | undefined;
  for (const route of candidates) {
    const withKey = await probeInference(ctx.send, route, ctx.surface, {
      prompt: ctx.options.prompt,
      credentials: 'user',
      purpose: `authenticated baseline: one-token request to ${route.method} ${route.path} with your credentials`,
    });
    const proof = reached(withKey.exchange, ctx.options.prompt);
    if (!proof) {
      if (withKey.answer.kind === 'refused') refusedWithKey ??= withKey.exchange;
      continue;
    }
    const b = { request: withKey.request };
    const refused = await sendWithCredential(ctx, b, {
      purpose: `authenticated baseline: the same request to ${route.method} ${route.path} without credentials`,
    });
    if (!isRefused(refused)) {
      if (reached(refused, ctx.options.prompt)) ignored ??= { withKey: withKey.exchange, withoutKey: refused, route };
      continue;
    }
    const wrong = await sendWithCredential(ctx, b, {
      purpose: `authenticated baseline: the same request with a random wrong key in ${cred.header}`,
      headers: { ...cred.others, [cred.header]: credentialValue(cred, wrongKey(ctx.surface, 0, cred.token)) },
    });
    // 429 is a refusal here: a limiter of failed keys answered instead of the key check, and it did not let the request in.
    if (!isRefused(wrong) && wrong.response?.status !== 429) {
      return { ok: false, reason: `${line(wrong)}: a random wrong key in ${cred.header} was not refused, so key variants prove nothing.` };
    }
    return { ok: true, keyed: { route: withKey.route, request: withKey.request, accepted: withKey.exchange, proof, refused, wrong } };
  }
  if (ignored) return { ok: false, reason: `${ignored.route.method} ${ignored.route.path} answers the same without your credentials.`, ignored };
  if (refusedWithKey) return { ok: false, reason: `your credentials were refused (${line(refusedWithKey)}); check the header name and value.` };
  return { ok: false, reason: candidates.length ? 'no inference route returned model output with your credentials.' : 'no inference route was found.' };
}

/**
 * Marks `rules` inconclusive when some of their probes were answered 429 and none proved anything: a rate-limited probe was
 * not judged, so "pass" would overclaim.
 */
export function markRateLimited(
  ctx: Pick<CheckContext, 'mark'>,
  rules: readonly RuleId[],
  probes: (Exchange | undefined)[],
  findings: readonly Finding[],
): void {
  const limited = probes.filter((ex) => ex?.response?.status === 429).length;
  if (limited === 0) return;
  const reason = `${limited} of ${probes.length} credential probes were answered 429 (rate limited), so they prove nothing either way.`;
  for (const rule of rules) if (!findings.some((f) => f.rule === rule)) ctx.mark(rule, 'inconclusive', reason);
}

/** Text of a JSON error body, for matching words in it (null when the body is not JSON). */
export function errorText(ex: Exchange | undefined): string {
  const body = ex?.response?.body ?? '';
  const json = parseJson(body);
  return json === null ? body : JSON.stringify(json);
}
