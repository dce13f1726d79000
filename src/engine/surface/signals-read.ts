// Small pure readers over the cheap phase's Signals, shared by the profiles and by fingerprinting.
// Nothing here does I/O; every reader tolerates a missing exchange, a transport error or a body that is not JSON.
import type { Exchange, ExchangeResponse, Signals } from '../types.js';
import { asString, isObject, type Json, parseResponse } from './json.js';

export { asString, isObject, type Json } from './json.js';

/** The body parsed as JSON (memoized per response), or null. */
export const parseBody = parseResponse;

/** The exchange of the cheap phase for a path; falls back to a GET in `all` whose probe path matches. */
export function exchangeAt(signals: Signals, path: string): Exchange | undefined {
  return signals.byPath[path] ?? signals.all.find((e) => e.probe.path === path && e.probe.method.toUpperCase() === 'GET');
}

export function responseAt(signals: Signals, path: string): ExchangeResponse | undefined {
  return exchangeAt(signals, path)?.response;
}

export function statusAt(signals: Signals, path: string): number | null {
  return responseAt(signals, path)?.status ?? null;
}

export function bodyAt(signals: Signals, path: string): string | null {
  return responseAt(signals, path)?.body ?? null;
}

/** Parsed JSON of a path's response, whatever its status. */
export function jsonAt(signals: Signals, path: string): unknown {
  return parseBody(responseAt(signals, path));
}

/** Parsed JSON object of a path's response, only when the status is 2xx. */
export function okObjectAt(signals: Signals, path: string): Json | undefined {
  const res = responseAt(signals, path);
  if (!res || res.status < 200 || res.status >= 300) return undefined;
  const v = parseBody(res);
  return isObject(v) ? v : undefined;
}

export function headerAt(signals: Signals, path: string, name: string): string | null {
  return responseAt(signals, path)?.headers[name.toLowerCase()] ?? null;
}

/** Every response of the cheap phase with its request line (exchanges that failed are skipped). */
export function responses(signals: Signals): { path: string; method: string; where: string; res: ExchangeResponse }[] {
  const out: { path: string; method: string; where: string; res: ExchangeResponse }[] = [];
  const seen = new Set<ExchangeResponse>();
  const push = (path: string, ex: Exchange) => {
    if (!ex.response || seen.has(ex.response)) return;
    seen.add(ex.response);
    const method = ex.probe.method.toUpperCase();
    out.push({ path, method, where: `${method} ${path}`, res: ex.response });
  };
  for (const [path, ex] of Object.entries(signals.byPath)) push(path, ex);
  for (const ex of signals.all) push(ex.probe.path, ex);
  return out;
}

/** The first response carrying a header (name case-insensitive), with where it was seen. */
export function findHeader(signals: Signals, name: string): { where: string; value: string } | null {
  const key = name.toLowerCase();
  for (const { where, res } of responses(signals)) {
    const value = res.headers[key];
    if (value !== undefined) return { where, value };
  }
  return null;
}

/** The first response carrying a header whose name matches (e.g. /^x-litellm-/). */
export function findHeaderMatching(signals: Signals, pattern: RegExp): { where: string; name: string; value: string } | null {
  for (const { where, res } of responses(signals)) {
    for (const [name, value] of Object.entries(res.headers)) if (pattern.test(name)) return { where, name, value };
  }
  return null;
}

/** The `server` header as most responses state it (null when no response has one). */
export function serverHeader(signals: Signals): string | null {
  return findHeader(signals, 'server')?.value ?? null;
}

// ---------- refusals: the body shapes of 401s, per product ----------

export type RefusalShape =
  | 'error-unauthorized' // {"error":"Unauthorized"}: vLLM or SGLang
  | 'empty' // 401 with an empty body: TGI
  | 'llamacpp' // {"error":{"code":401,…,"type":"authentication_error"}}
  | 'litellm' // {"error":{…,"type":"auth_error","code":"401"}}: code is a string
  | 'detail-unauthorized' // {"detail":"Unauthorized"}: text-generation-webui (or any FastAPI app)
  | 'kobold' // {"detail":{"error":"Unauthorized",…}}
  | 'localai' // invalid_request_error + WWW-Authenticate: Bearer
  | 'openai-error' // another {"error":{"message",…}} object
  | 'detail-other' // another FastAPI {"detail":…}
  | 'other';

/** Classifies a 401/403 response; null for any other status. */
export function refusalShape(res: ExchangeResponse | undefined): RefusalShape | null {
  if (!res || (res.status !== 401 && res.status !== 403)) return null;
  if (res.body.trim() === '') return 'empty';
  const j = parseBody(res);
  if (!isObject(j)) return 'other';
  const err = j['error'];
  if (err === 'Unauthorized') return 'error-unauthorized';
  if (isObject(err)) {
    if (err['type'] === 'auth_error' && typeof err['code'] === 'string') return 'litellm';
    if (err['type'] === 'authentication_error' && err['code'] === 401) return 'llamacpp';
    const wwwAuth = res.headers['www-authenticate'] ?? '';
    if (err['type'] === 'invalid_request_error' && /^bearer/i.test(wwwAuth)) return 'localai';
    return 'openai-error';
  }
  const detail = j['detail'];
  if (detail === 'Unauthorized') return 'detail-unauthorized';
  if (isObject(detail) && detail['error'] === 'Unauthorized') return 'kobold';
  if (detail !== undefined) return 'detail-other';
  return 'other';
}

/** Every refusal of the cheap phase with its shape, in order. */
export function refusals(signals: Signals): { path: string; where: string; status: number; shape: RefusalShape }[] {
  const out: { path: string; where: string; status: number; shape: RefusalShape }[] = [];
  for (const { path, where, res } of responses(signals)) {
    const shape = refusalShape(res);
    if (shape) out.push({ path, where, status: res.status, shape });
  }
  return out;
}

/** The first request ("GET /v1/models") refused with the given shape, or null. */
export function refusedWith(signals: Signals, shape: RefusalShape): string | null {
  return refusals(signals).find((r) => r.shape === shape)?.where ?? null;
}

export function refusalShapeAt(signals: Signals, path: string): RefusalShape | null {
  return refusalShape(responseAt(signals, path));
}

// ---------- shared shapes ----------

export interface ModelEntry {
  id: string;
  owned_by?: string;
  raw: Json;
}

/** Entries of an OpenAI model list (`{"object":"list","data":[{id,…}]}`) answered 2xx; null when the body is not that shape. */
export function openAiModelList(signals: Signals, path = '/v1/models'): ModelEntry[] | null {
  const j = okObjectAt(signals, path);
  if (!j || !Array.isArray(j['data'])) return null;
  const out: ModelEntry[] = [];
  for (const m of j['data']) {
    if (!isObject(m) || typeof m['id'] !== 'string') return null;
    const owned = asString(m['owned_by']);
    out.push({ id: m['id'], ...(owned !== undefined ? { owned_by: owned } : {}), raw: m });
  }
  return out;
}

/** The distinct `owned_by` values of `/v1/models` (empty when absent or not a model list). */
export function ownedBy(signals: Signals): string[] {
  const list = openAiModelList(signals) ?? [];
  return [...new Set(list.map((m) => m.owned_by).filter((o): o is string => o !== undefined))];
}

/** The paths an `/openapi.json` document lists, or null when there is no such document. */
export function openapiPaths(signals: Signals, path = '/openapi.json'): string[] | null {
  const j = okObjectAt(signals, path);
  if (!j || !isObject(j['paths'])) return null;
  return Object.keys(j['paths']);
}

export function openapiTitle(signals: Signals, path = '/openapi.json'): string | null {
  const info = okObjectAt(signals, path)?.['info'];
  return isObject(info) ? (asString(info['title']) ?? null) : null;
}

/** The first request answered with a FastAPI-style `{"detail": …}` error ("GET /x"), or null. */
export function fastapiDetailPath(signals: Signals): string | null {
  for (const { where, res } of responses(signals)) {
    if (res.status < 400) continue;
    const j = parseBody(res);
    if (isObject(j) && 'detail' in j && Object.keys(j).length === 1) return where;
  }
  return null;
}

/** A body text (trimmed) for a 2xx answer, or null. */
export function okTextAt(signals: Signals, path: string): string | null {
  const res = responseAt(signals, path);
  if (!res || res.status < 200 || res.status >= 300) return null;
  return res.body.trim();
}

// ---------- evidence accumulation ----------

/** Below this confidence no profile is named (fingerprint's MIN_CONFIDENCE): the product is 'unknown'. */
export const NAMING_THRESHOLD = 0.25;

/**
 * What a verdict is worth when the structural observations behind it (a route, a status code, a header name, the shape of a
 * JSON answer) could not name the product on their own: below NAMING_THRESHOLD, so a name the server states about itself (a
 * Server header's value, a banner, a page or document title) never tips the verdict. Beside structural evidence that
 * names the product already, the name corroborates it in full.
 */
export const NAME_ALONE_MAX = 0.2;

/**
 * Collects the observations behind one profile's verdict. The confidence is the strongest single observation plus a small
 * bonus per corroborating one, so that many weak hints never outweigh one decisive marker; penalties (an imitator's missing
 * banner, another product's marker) multiply.
 */
export class Evidence {
  private readonly hits: { confidence: number; signal: string; named: boolean }[] = [];
  private factor = 1;
  private readonly against: string[] = [];

  /** A structural observation: routes, status codes, header names, the shape of a JSON answer. */
  add(confidence: number, signal: string): this {
    this.hits.push({ confidence, signal, named: false });
    return this;
  }

  /** A product name read from a string the server chose (a header value, a banner): it corroborates, never decides. */
  addName(confidence: number, signal: string): this {
    this.hits.push({ confidence, signal, named: true });
    return this;
  }

  penalize(factor: number, signal: string): this {
    this.factor *= factor;
    this.against.push(signal);
    return this;
  }

  /**
   * The strongest hit plus a small bonus per further hit. With `independent`, hits are separate observations of the same
   * trait family (a framework's server header, its error shapes, its validator), so they combine as independent evidence
   * (1 − Π(1 − c)), up to `cap`: below what a product's own marker gives, so a product built on the framework still wins.
   */
  result(options: { independent?: { cap: number } } = {}): { confidence: number; signals: string[] } {
    if (this.hits.length === 0) return { confidence: 0, signals: [] };
    const sorted = [...this.hits].sort((a, b) => b.confidence - a.confidence);
    const structural = Math.max(0, ...sorted.filter((h) => !h.named).map((h) => h.confidence));
    const namesDecide = structural < NAMING_THRESHOLD && sorted.some((h) => h.named);
    const best = sorted[0]!.confidence;
    const bonus = sorted.slice(1).filter((h) => h.confidence >= 0.2).length * 0.02;
    // A name the server states decides nothing alone; beside structural evidence it corroborates in full.
    const combined = namesDecide
      ? Math.min(NAME_ALONE_MAX, best)
      : options.independent
        ? Math.min(options.independent.cap, 1 - sorted.reduce((p, h) => p * (1 - h.confidence), 1))
        : Math.min(0.99, best + bonus);
    const confidence = Math.max(0, combined * this.factor);
    return {
      confidence: Math.round(confidence * 1000) / 1000,
      signals: [
        ...sorted.map((h) => (namesDecide && h.named ? `${h.signal} (a name the server states: not enough alone)` : h.signal)),
        ...this.against.map((s) => `against: ${s}`),
      ],
    };
  }
}
