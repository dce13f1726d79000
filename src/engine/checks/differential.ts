// Differential proof for authentication bypasses (CHECKS.md Principle 1): the same request without the trick is refused
// (401/403), and with the trick it reaches the model (confirmed) or the protected handler (firm). Shared by the auth.*
// checks that claim a bypass, so that every one of them judges "refused" and "reached" the same way and so that their
// baselines are the very same probes (the client sends identical probes once per scan, whichever check asks first).
//
// API, small on purpose:
//   isRefusal(ex)            an auth layer turned the request away
//   isRoutingMiss(ex)        the router turned it away before any handler (404/405/501)
//   modelReached(ex, prompt) 2xx with generated text → confirmed
//   handlerAnswered(ex)      2xx with a JSON answer that is not an error object → firm (for routes that do not generate)
//   handlerValidated(ex, b)  400/422 from the handler's own validation of the body we sent → firm (behind the auth layer)
//   refusedBaselines(ctx)    guarded inference routes with their refused one-token request, the given URL first
//   sendVariant(ctx, b, t)   the baseline request with exactly one trick applied (path, method, headers, host)
//   proveVariant(ctx, b, t)  sends the trick and judges it (output, other prompt fields for wrappers, firm validation)
//   line(ex)                 "POST /v1/chat/completions → 401", for descriptions and notes
//   IGNORED_PREFIX, routesBySuffix(surface)   the prefixed spelling and who owns it (path-confusion vs alternate-path)
//   noBaseline(surface)      the status and reason to mark when there is no refused baseline
import type { Confidence, Exchange, Probe, ProductId, Route, Surface } from '../types.js';
import { bodyFor } from '../surface/inference.js';
import { PROMPT_FIELD_GUESSES } from '../surface/body-shapes.js';
import { extractModelOutput, parseJson } from '../surface/model-output.js';
import { learnFrom422 } from '../surface/validation-errors.js';
import type { CheckContext } from './define.js';

export type SendContext = Pick<CheckContext, 'send' | 'surface' | 'options'>;

/**
 * Refused by an auth layer: 401, 403, 407, or FastAPI's 422 naming a missing header (a required credential header
 * parameter fails validation before the endpoint runs, TARGETS.md "FastAPI").
 */
export function isRefusal(ex: Exchange | undefined): boolean {
  const s = ex?.response?.status;
  if (s === 401 || s === 403 || s === 407) return true;
  return s === 422 && learnFrom422(ex!.response!.body).headers.length > 0;
}

/** The router turned the request away before any handler ran: unknown path, wrong method, method not implemented. */
export function isRoutingMiss(ex: Exchange | undefined): boolean {
  const s = ex?.response?.status;
  return s === 404 || s === 405 || s === 501;
}

export interface Proof {
  /** A proof is never tentative: version or configuration evidence alone is not a bypass. */
  confidence: Extract<Confidence, 'confirmed' | 'firm'>;
  /** One clause for the description: 'returned model output ("Hello")'. */
  summary: string;
}

/** 2xx with generated text (not an echo of our own prompt): the model ran for a caller without credentials. */
export function modelReached(ex: Exchange | undefined, prompt: string): Proof | null {
  const res = ex?.response;
  if (!res || res.status < 200 || res.status >= 300) return null;
  const out = extractModelOutput(res.body, prompt);
  return out ? { confidence: 'confirmed', summary: `returned model output (${JSON.stringify(out.text.slice(0, 60))})` } : null;
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
  if (!res || (res.status !== 400 && res.status !== 422) || isRefusal(ex)) return null;
  const json = parseJson(res.body) as { detail?: unknown } | null;
  if (json && Array.isArray(json.detail)) {
    const bodyLoc = (json.detail as { loc?: unknown }[]).some((d) => Array.isArray(d?.loc) && d.loc[0] === 'body');
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
  return `keys ${keys.slice(0, 5).join(', ')}${keys.length > 5 ? ', …' : ''}`;
}

export interface GuardedBaseline {
  route: Route;
  /** The refused request: the one-token body, no credentials. */
  baseline: Exchange;
  /** The body the baseline carried; variants reuse it byte for byte so that only the trick differs. */
  body: string;
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

async function sendBaseline(ctx: SendContext, route: Route, body = JSON.stringify(bodyFor(route, ctx.surface, { prompt: ctx.options.prompt }))): Promise<GuardedBaseline | null> {
  const baseline = await ctx.send({
    method: route.method,
    path: route.path,
    body,
    inference: true,
    purpose: `bypass baseline: one-token request to ${route.method} ${route.path} without credentials (must be refused)`,
  });
  return isRefusal(baseline) ? { route, baseline, body } : null;
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
  const probe: Probe = {
    method: t.method ?? b.route.method,
    path: t.path ?? b.route.path,
    purpose: t.purpose,
    ...(withBody ? { body: b.body, inference: true } : {}),
    ...(t.headers ? { headers: t.headers } : {}),
    ...(t.host !== undefined ? { host: t.host } : {}),
  };
  return ctx.send(probe);
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
 * Sends a trick and judges it: model output is confirmed. A wrapper whose prompt field discovery could only guess (the 401
 * hid the 422) may answer the variant 400/422 for our guess: the other usual field names are tried, like probeInference
 * does, and the baseline is sent again with the body that worked, which must be refused too, so the two sides still differ
 * by the trick alone. `upgrade` may turn a validation answer into model output (the Host-header check reads the model list
 * through the same trick). Last, the handler's own validation of our body is a firm proof when the baseline was a 401/403.
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
  const s = first.response?.status;
  if (s !== 400 && s !== 422) return null;
  // A prompt field read from OpenAPI or a 422 is the handler's own; one taken from a profile's route of the same name is a guess.
  const guessed = b.route.shape === 'wrapper' && !(b.route.promptField && (b.route.source === 'openapi' || b.route.source === 'learned-422'));
  // A 422 that names a missing header is FastAPI refusing the credential, not our body: other field names change nothing.
  const refusedForHeader = s === 422 && learnFrom422(first.response!.body).headers.length > 0;
  if (guessed && !refusedForHeader) {
    const used = Object.keys((parseJson(b.body) as Record<string, unknown> | null) ?? {});
    for (const field of PROMPT_FIELD_GUESSES.filter((f) => !used.includes(f))) {
      const body = JSON.stringify(bodyFor(b.route, ctx.surface, { prompt }, field));
      const ex = await sendVariant(ctx, { ...b, body }, { ...t, purpose: `${t.purpose} (prompt field '${field}')` });
      const proof = modelReached(ex, prompt);
      if (!proof) continue;
      const again = await sendBaseline(ctx, b.route, body);
      return again ? { ex, proof, baseline: again.baseline, steps: [first] } : null;
    }
  }
  const upgraded = upgrade ? await upgrade(first) : null;
  if (upgraded) return upgraded;
  // Only behind a 401/403: FastAPI's missing-header 422 already shows the body's validation state, so a body error on the
  // variant would say nothing new (or come from another handler).
  const status = b.baseline.response?.status;
  const firm = status === 401 || status === 403 || status === 407 ? handlerValidated(first, b.body) : null;
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

const SUFFIX_ROUTED: ProductId[] = ['koboldcpp'];

/**
 * The server is known to dispatch on the end of the path (KoboldCpp tests `self.path.endswith(...)`, TARGETS.md), so a
 * prefixed path is one of its documented routes: auth.alternate-path reports it there, auth.path-confusion elsewhere.
 * Both send the same probe, which the client sends once.
 */
export function routesBySuffix(surface: Surface): boolean {
  return surface.fingerprint.product !== 'unknown' && SUFFIX_ROUTED.includes(surface.fingerprint.product);
}

/**
 * Why a bypass rule has nothing to prove, for `ctx.mark`: 'skipped' when no inference route is guarded at all (there is no
 * authentication to bypass; auth.missing speaks for open routes), 'inconclusive' when guarded routes exist but none refused
 * the one-token request (the refusal depends on something the scan cannot reproduce).
 */
export function noBaseline(surface: Surface): { status: 'skipped' | 'inconclusive'; reason: string } {
  const guarded = surface.routes.some((r) => r.kind === 'inference' && r.access === 'guarded');
  return guarded
    ? { status: 'inconclusive', reason: 'The guarded inference routes did not refuse a one-token request without credentials, so no differential could be made.' }
    : { status: 'skipped', reason: 'No inference route refuses requests without credentials: there is no authentication to bypass (see auth.missing).' };
}
