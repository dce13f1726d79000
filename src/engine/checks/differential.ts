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
//   refusedBaselines(ctx)    guarded inference routes with their refused one-token request, the given URL first
//   sendVariant(ctx, b, t)   the baseline request with exactly one trick applied (path, method, headers, host)
//   line(ex)                 "POST /v1/chat/completions → 401", for descriptions and notes
import type { Confidence, Exchange, Probe, Route } from '../types.js';
import { bodyFor } from '../surface/inference.js';
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
  confidence: Confidence;
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

/**
 * Guarded inference routes (discovery saw 401/403 without credentials) with a refused one-token request each, the given URL
 * first, one route per path family, at most `max`. Routes whose one-token request is not refused are left out: they are no
 * baseline (and auth.missing judges them). Identical across checks, so the requests are sent once per scan.
 */
export async function refusedBaselines(ctx: SendContext, max = 1): Promise<GuardedBaseline[]> {
  const guarded = ctx.surface.routes.filter((r) => r.kind === 'inference' && r.access === 'guarded');
  const ordered = [
    ...guarded.filter((r) => r.source === 'given-url'),
    ...guarded.filter((r) => r.source !== 'given-url' && r.path !== '/'),
    ...guarded.filter((r) => r.source !== 'given-url' && r.path === '/'),
  ];
  const picked: Route[] = [];
  const families = new Set<string>();
  for (const r of ordered) {
    if (picked.length >= max) break;
    const f = family(r.path);
    if (families.has(f)) continue;
    families.add(f);
    picked.push(r);
  }
  const out = await Promise.all(
    picked.map(async (route): Promise<GuardedBaseline | null> => {
      const body = JSON.stringify(bodyFor(route, ctx.surface, { prompt: ctx.options.prompt }));
      const baseline = await ctx.send({
        method: route.method,
        path: route.path,
        body,
        inference: true,
        purpose: `bypass baseline: one-token request to ${route.method} ${route.path} without credentials (must be refused)`,
      });
      return isRefusal(baseline) ? { route, baseline, body } : null;
    }),
  );
  return out.filter((b): b is GuardedBaseline => b !== null);
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

/** "POST /v1/chat/completions → 401": the path exactly as sent (URL parsing would undo the tricks), status or error. */
export function line(ex: Exchange): string {
  const host = ex.probe.host !== undefined ? ` with Host: ${ex.probe.host}` : '';
  return `${ex.request.method} ${ex.probe.path}${host} → ${ex.response ? ex.response.status : (ex.error ?? 'no answer')}`;
}
