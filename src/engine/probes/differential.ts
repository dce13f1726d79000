// Differential proof for authentication bypasses: the same request without the trick is refused, and with the trick it
// reaches the model (confirmed) or the protected handler (firm). Shared by the auth.* checks that claim a bypass, so that
// every one of them judges "refused" and "reached" the same way (surface/answer.ts) and so that their baselines are the very
// same probes (the client sends identical probes once per scan, whichever check asks first).
//
// API, small on purpose:
//   modelReached(ex, prompt) 2xx with generated text → confirmed
//   handlerAnswered(ex)      2xx with a JSON answer that is not an error object → firm (for routes that do not generate)
//   handlerValidated(ex, b)  400/422 from the handler's own validation of the body we sent → firm (behind the auth layer)
//   refusedBaselines(ctx)    guarded inference routes with their refused one-token request, the given URL first
//   sendVariant(ctx, b, t)   the baseline request with exactly one trick applied (path, method, headers, host)
//   proveVariant(ctx, b, t)  sends the trick and judges it (output, what a rejection teaches, firm validation)
//   line(ex)                 "POST /v1/chat/completions → 401", for descriptions and notes
//   IGNORED_PREFIX, routesBySuffix(surface)   the prefixed spelling and who owns it (path-confusion vs alternate-path)
//   noBaseline(ctx)          the status and reason to mark when there is no refused baseline, from what happened

import { profileById } from '../profiles/index.js';
import type { CheckContext } from '../rules/define.js';
import { describeAnswer, isRefused, modelOutputOf, readAnswer } from '../surface/answer.js';
import { probeInference } from '../surface/inference.js';
import { isObject, parseJson } from '../surface/json.js';
import { learnFromRejection } from '../surface/rejection.js';
import { probeOf, type RouteRequest, requestFor } from '../surface/route-request.js';
import type { Confidence, Exchange, Probe, Route, Surface } from '../types.js';
import { quote, quoteList } from '../untrusted.js';

export type SendContext = Pick<CheckContext, 'send' | 'surface' | 'options'>;

export interface Proof {
  /** A proof is never tentative: version or configuration evidence alone is not a bypass. */
  confidence: Extract<Confidence, 'confirmed' | 'firm'>;
  /** One clause for the description: 'returned model output (⟦Hello⟧)'. */
  summary: string;
}

/** 2xx with generated text (not an echo of our own prompt): the model ran for a caller without credentials. */
export function modelReached(ex: Exchange | undefined, prompt: string): Proof | null {
  const out = modelOutputOf(ex, prompt);
  return out ? { confidence: 'confirmed', summary: `returned model output (${quote(out.text, 60)})` } : null;
}

/**
 * 2xx with a JSON object or array that is not an error report: a handler that does not generate text (tokenizer, pooling,
 * image generation) answered. A login page, an empty 200 or `{"error": …}` / `{"detail": …}` with a 200 prove nothing.
 */
export function handlerAnswered(ex: Exchange | undefined): Proof | null {
  const res = ex?.response;
  if (!res || res.status < 200 || res.status >= 300) return null;
  const json = parseJson(res.body);
  if (json === null || typeof json !== 'object') return null;
  if (Array.isArray(json) ? json.length === 0 : Object.keys(json).length === 0) return null;
  if (!Array.isArray(json)) {
    const obj = json as Record<string, unknown>;
    if ('error' in obj || 'errors' in obj || obj['object'] === 'error') return null;
    if ('detail' in obj && Object.keys(obj).length === 1) return null;
  }
  return { confidence: 'firm', summary: `answered ${res.status} with the handler's JSON (${summarizeKeys(json)})` };
}

/** Body keys too generic to show that a handler read our body (a query-string validator also says "model"). */
const GENERIC_KEYS = ['model', 'stream'];

/**
 * 400/422 from the handler's own validation of the body we sent: pydantic's `loc: ["body", …]`, or an error that names (quoted) a
 * distinctive key of our body (`messages`, `inputs`, `max_tokens`…). Auth layers and routers never read the body, so when
 * the baseline with this very body was refused, the trick got the request past the auth layer into the handler.
 */
export function handlerValidated(ex: Exchange | undefined, sentBody: string | undefined): Proof | null {
  const res = ex?.response;
  if (!res || (res.status !== 400 && res.status !== 422) || isRefused(ex)) return null;
  const json = parseJson(res.body);
  if (isObject(json) && Array.isArray(json['detail'])) {
    const bodyLoc = learnFromRejection(ex).fields.some((f) => f.where === 'body');
    return bodyLoc ? { confidence: 'firm', summary: `answered ${res.status} with the handler's validation of our body (pydantic loc "body")` } : null;
  }
  const sent = parseJson(sentBody);
  if (!sent || typeof sent !== 'object' || Array.isArray(sent)) return null;
  // Quoted as validators quote field names ('messages', "inputs", `max_new_tokens`), so the word "text" in prose does not count.
  const quoted = (k: string) => new RegExp(`['"\`]${k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}['"\`]`);
  const named = Object.keys(sent).find((k) => !GENERIC_KEYS.includes(k) && quoted(k).test(res.body));
  return named ? { confidence: 'firm', summary: `answered ${res.status} with the handler's own validation error about '${named}'` } : null;
}

function summarizeKeys(json: object): string {
  if (Array.isArray(json)) return `a list of ${json.length}`;
  const keys = Object.keys(json);
  return `keys ${quoteList(keys, 5, 40)}`;
}

export interface GuardedBaseline {
  route: Route;
  /** The refused request: the one-token request, no credentials. */
  baseline: Exchange;
  /** The request the baseline carried; variants reuse it byte for byte so that only the trick differs. */
  request: RouteRequest;
}

/** The path family a guarded route belongs to (its first segment), so that one route per family is tried. */
function family(path: string): string {
  const seg = path.split('?')[0]!.split('/').filter(Boolean)[0];
  return seg ?? '/';
}

/** The given URL first, then named routes, the bare `/` (TGI's compat route) last. */
function byPreference(routes: Route[]): Route[] {
  const rank = (r: Route) => (r.source === 'given-url' ? 0 : r.path === '/' ? 2 : 1);
  return [...routes].sort((a, b) => rank(a) - rank(b));
}

/** Routes that are not known to be guarded, tried only when no guarded one refused: they cost nothing extra (below). */
const MAX_UNCLASSIFIED = 6;

async function sendBaseline(
  ctx: SendContext,
  route: Route,
  request = requestFor(route, ctx.surface, { prompt: ctx.options.prompt }),
): Promise<GuardedBaseline | null> {
  const baseline = await ctx.send(
    probeOf(request, {
      inference: true,
      purpose: `bypass baseline: one-token request to ${request.method} ${request.path} without credentials (must be refused)`,
    }),
  );
  return isRefused(baseline) ? { route, baseline, request } : null;
}

/**
 * Inference routes with a refused one-token request each (the differential's baseline), the given URL first, one route per
 * path family, at most `max`. Routes discovery saw refused come first. When none of them refuses, the routes discovery took
 * for open or could not classify are tried too: their one-token request is byte for byte the one auth.missing sends (the
 * client sends it once), and a refusal there means something in front of the server guards what the server calls open (a
 * gateway before KoboldCpp, whose /api/extra/version says `protected: false`). Identical across checks, so sent once.
 */
export async function refusedBaselines(ctx: SendContext, max = 1): Promise<GuardedBaseline[]> {
  const inference = ctx.surface.routes.filter((r) => r.kind === 'inference');
  const out: GuardedBaseline[] = [];
  const families = new Set<string>();
  const pick = async (candidates: Route[]) => {
    const fresh = candidates.filter((r) => !families.has(family(r.path)));
    const sent = await Promise.all(fresh.map((r) => sendBaseline(ctx, r)));
    for (const b of sent) {
      if (!b || out.length >= max || families.has(family(b.route.path))) continue;
      families.add(family(b.route.path));
      out.push(b);
    }
  };
  // Guarded routes: one per family is enough, so only the first of each family is sent.
  const guarded = byPreference(inference.filter((r) => r.access === 'guarded'));
  const firstPerFamily = guarded.filter((r, i) => guarded.findIndex((x) => family(x.path) === family(r.path)) === i);
  await pick(firstPerFamily.slice(0, max));
  if (out.length < max) await pick(firstPerFamily.slice(max));
  if (out.length < max) await pick(byPreference(inference.filter((r) => r.access !== 'guarded')).slice(0, MAX_UNCLASSIFIED));
  return out;
}

export interface Trick {
  /** Why: shown in the report ("path confusion: upper-case segment"). */
  purpose: string;
  path?: string;
  method?: string;
  headers?: Record<string, string>;
  host?: string;
  /** Send the baseline's body (default true; false for HEAD). */
  withBody?: boolean;
}

/** The baseline's request with one trick applied, still without credentials. */
export function sendVariant(ctx: Pick<CheckContext, 'send'>, b: GuardedBaseline, t: Trick): Promise<Exchange> {
  const withBody = t.withBody ?? true;
  const { body, contentType, ...request } = b.request;
  const built = probeOf(
    { ...request, ...(withBody && body !== undefined ? { body, ...(contentType ? { contentType } : {}) } : {}) },
    {
      purpose: t.purpose,
      ...(withBody ? { inference: true } : {}),
      ...(t.headers ? { headers: t.headers } : {}),
      ...(t.host !== undefined ? { host: t.host } : {}),
    },
  );
  const probe: Probe = { ...built, method: t.method ?? request.method, path: t.path ?? pathWithQuery(request.path, t.path) };
  return ctx.send(probe);
}

/** A trick's path keeps the baseline's query string (a GET route's prompt travels there). */
function pathWithQuery(path: string, trickPath: string | undefined): string {
  if (trickPath === undefined) return path;
  const q = path.indexOf('?');
  return q === -1 || trickPath.includes('?') ? trickPath : trickPath + path.slice(q);
}

export interface VariantProof {
  /** The variant that proves it. */
  ex: Exchange;
  proof: Proof;
  /** The refused request with the very body the variant carried (the original baseline, or one re-sent with a new body). */
  baseline: Exchange;
  /** Exchanges on the way to the proof (a first attempt the handler refused for its body, a model list read). */
  steps: Exchange[];
}

/**
 * Sends a trick and judges it: model output is confirmed. A route whose request shape discovery could not learn (the
 * refusal hid the validator) may answer the variant 400/422 for our body: what that rejection teaches is applied and the
 * variant sent again, and the baseline is sent again with the request that worked, which must be refused too, so the two
 * sides still differ by the trick alone. `upgrade` may turn a validation answer into model output (the Host-header check
 * reads the model list through the same trick). Last, the handler's own validation of our body is a firm proof when the
 * baseline was a 401/403.
 */
export async function proveVariant(
  ctx: SendContext,
  b: GuardedBaseline,
  t: Trick,
  upgrade?: (first: Exchange) => Promise<VariantProof | null>,
): Promise<VariantProof | null> {
  const prompt = ctx.options.prompt;
  const first = await sendVariant(ctx, b, t);
  const direct = modelReached(first, prompt);
  if (direct) return { ex: first, proof: direct, baseline: b.baseline, steps: [] };
  const kind = readAnswer(first, prompt).kind;
  if (kind !== 'rejected-input') return null;
  // Past the auth layer, the handler's own validator speaks: call the route the way it wants, with the trick held fixed.
  if (t.withBody !== false && (b.route.shape ?? 'wrapper') === 'wrapper') {
    const attempt = await probeInference(ctx.send, b.route, ctx.surface, {
      prompt,
      ...(t.path ? { path: t.path } : {}),
      ...(t.method ? { method: t.method } : {}),
      ...(t.headers ? { headers: t.headers } : {}),
      ...(t.host !== undefined ? { host: t.host } : {}),
      purpose: `${t.purpose} (the request the route asks for)`,
    });
    const proof = modelReached(attempt.exchange, prompt);
    if (proof) {
      const learned = requestFor({ ...attempt.route, method: b.route.method, path: b.route.path }, ctx.surface, { prompt });
      const again = await sendBaseline(ctx, b.route, learned);
      if (again) return { ex: attempt.exchange, proof, baseline: again.baseline, steps: [first, ...attempt.steps.slice(0, -1)] };
      return null;
    }
  }
  const upgraded = upgrade ? await upgrade(first) : null;
  if (upgraded) return upgraded;
  // Only behind a 401/403: FastAPI's missing-header 422 already shows the body's validation state, so a body error on the
  // variant would say nothing new (or come from another handler).
  const status = b.baseline.response?.status;
  const firm = status === 401 || status === 403 || status === 407 ? handlerValidated(first, b.request.body) : null;
  return firm ? { ex: first, proof: firm, baseline: b.baseline, steps: [] } : null;
}

/** "POST /v1/chat/completions → 401": the path exactly as sent (URL parsing would undo the tricks), status or error. */
export function line(ex: Exchange): string {
  const host = ex.probe.host !== undefined ? ` with Host: ${ex.probe.host}` : '';
  // The recorded request, not the probe: it is redacted (a key in a query string shows as [REDACTED]), and its URL is the
  // origin and the path concatenated as sent, so cutting the origin off gives the path unparsed, tricks intact.
  const path = ex.request.url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '');
  return `${ex.request.method} ${path}${host} → ${ex.response ? ex.response.status : (ex.error ?? 'no answer')}`;
}

/** A prefix no router knows: a suffix-matching router ignores it (`/x/api/v1/generate`), a normal one answers 404. */
export const IGNORED_PREFIX = '/x';

/**
 * The server is known to dispatch on the end of the path (KoboldCpp tests `self.path.endswith(...)`), so a
 * prefixed path is one of its documented routes: auth.alternate-path reports it there, auth.path-confusion elsewhere.
 * Both send the same probe, which the client sends once.
 */
export function routesBySuffix(surface: Surface): boolean {
  return surface.fingerprint.product !== 'unknown' && profileById(surface.fingerprint.product).auth.routesBySuffix === true;
}

/** Why a bypass rule has nothing to prove, for `ctx.mark(rule, status, reason, defersTo)`. */
export interface NoBaseline {
  status: 'skipped' | 'inconclusive';
  reason: string;
  defersTo?: 'auth.missing';
}

/**
 * Why there is no refused baseline, in terms of what happened: 'skipped' when no inference route is guarded at all (there is
 * no authentication to bypass; auth.missing speaks for open routes); 'inconclusive' when discovery saw a route refuse
 * callers but its one-token request got something else (a 429, a 5xx, no answer because the budget or the deadline ran
 * out), said with that answer. The one-token request is the one refusedBaselines sent, so asking again costs nothing.
 */
export async function noBaseline(ctx: SendContext): Promise<NoBaseline> {
  const [route] = byPreference(ctx.surface.routes.filter((r) => r.kind === 'inference' && r.access === 'guarded'));
  if (!route)
    return {
      status: 'skipped',
      reason: 'No inference route refuses requests without credentials: there is no authentication to bypass.',
      defersTo: 'auth.missing',
    };
  const request = requestFor(route, ctx.surface, { prompt: ctx.options.prompt });
  const ex = await ctx.send(
    probeOf(request, {
      inference: true,
      purpose: `bypass baseline: one-token request to ${request.method} ${request.path} without credentials (must be refused)`,
    }),
  );
  const answer = readAnswer(ex, ctx.options.prompt);
  const got = answer.kind === 'no-answer' ? `was not answered (${ex.error ?? 'no response'})` : `answered ${describeAnswer(answer)}`;
  return {
    status: 'inconclusive',
    reason:
      `Discovery saw ${route.method} ${route.path.split('?')[0]} refuse callers without credentials, but ` +
      `its one-token request ${got}, so there is no refused request to compare a bypass with.`,
  };
}
