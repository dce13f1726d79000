import { asString, isObject, parseResponse } from './json.js';
export { asString, isObject } from './json.js';
/** The body parsed as JSON (memoized per response), or null. */
export const parseBody = parseResponse;
/** The exchange of the cheap phase for a path; falls back to a GET in `all` whose probe path matches. */
export function exchangeAt(signals, path) {
    return signals.byPath[path] ?? signals.all.find((e) => e.probe.path === path && e.probe.method.toUpperCase() === 'GET');
}
export function responseAt(signals, path) {
    return exchangeAt(signals, path)?.response;
}
export function statusAt(signals, path) {
    return responseAt(signals, path)?.status ?? null;
}
export function bodyAt(signals, path) {
    return responseAt(signals, path)?.body ?? null;
}
/** Parsed JSON of a path's response, whatever its status. */
export function jsonAt(signals, path) {
    return parseBody(responseAt(signals, path));
}
/** Parsed JSON object of a path's response, only when the status is 2xx. */
export function okObjectAt(signals, path) {
    const res = responseAt(signals, path);
    if (!res || res.status < 200 || res.status >= 300)
        return undefined;
    const v = parseBody(res);
    return isObject(v) ? v : undefined;
}
export function headerAt(signals, path, name) {
    return responseAt(signals, path)?.headers[name.toLowerCase()] ?? null;
}
/** Every response of the cheap phase with its request line (exchanges that failed are skipped). */
export function responses(signals) {
    const out = [];
    const seen = new Set();
    const push = (path, ex) => {
        if (!ex.response || seen.has(ex.response))
            return;
        seen.add(ex.response);
        const method = ex.probe.method.toUpperCase();
        out.push({ path, method, where: `${method} ${path}`, res: ex.response });
    };
    for (const [path, ex] of Object.entries(signals.byPath))
        push(path, ex);
    for (const ex of signals.all)
        push(ex.probe.path, ex);
    return out;
}
/** The first response carrying a header (name case-insensitive), with where it was seen. */
export function findHeader(signals, name) {
    const key = name.toLowerCase();
    for (const { where, res } of responses(signals)) {
        const value = res.headers[key];
        if (value !== undefined)
            return { where, value };
    }
    return null;
}
/** The first response carrying a header whose name matches (e.g. /^x-litellm-/). */
export function findHeaderMatching(signals, pattern) {
    for (const { where, res } of responses(signals)) {
        for (const [name, value] of Object.entries(res.headers))
            if (pattern.test(name))
                return { where, name, value };
    }
    return null;
}
/** The `server` header as most responses state it (null when no response has one). */
export function serverHeader(signals) {
    return findHeader(signals, 'server')?.value ?? null;
}
/** Classifies a 401/403 response; null for any other status. */
export function refusalShape(res) {
    if (!res || (res.status !== 401 && res.status !== 403))
        return null;
    if (res.body.trim() === '')
        return 'empty';
    const j = parseBody(res);
    if (!isObject(j))
        return 'other';
    const err = j['error'];
    if (err === 'Unauthorized')
        return 'error-unauthorized';
    if (isObject(err)) {
        if (err['type'] === 'auth_error' && typeof err['code'] === 'string')
            return 'litellm';
        if (err['type'] === 'authentication_error' && err['code'] === 401)
            return 'llamacpp';
        const wwwAuth = res.headers['www-authenticate'] ?? '';
        if (err['type'] === 'invalid_request_error' && /^bearer/i.test(wwwAuth))
            return 'localai';
        return 'openai-error';
    }
    const detail = j['detail'];
    if (detail === 'Unauthorized')
        return 'detail-unauthorized';
    if (isObject(detail) && detail['error'] === 'Unauthorized')
        return 'kobold';
    if (detail !== undefined)
        return 'detail-other';
    return 'other';
}
/** Every refusal of the cheap phase with its shape, in order. */
export function refusals(signals) {
    const out = [];
    for (const { path, where, res } of responses(signals)) {
        const shape = refusalShape(res);
        if (shape)
            out.push({ path, where, status: res.status, shape });
    }
    return out;
}
/** The first request ("GET /v1/models") refused with the given shape, or null. */
export function refusedWith(signals, shape) {
    return refusals(signals).find((r) => r.shape === shape)?.where ?? null;
}
export function refusalShapeAt(signals, path) {
    return refusalShape(responseAt(signals, path));
}
/** Entries of an OpenAI model list (`{"object":"list","data":[{id,…}]}`) answered 2xx; null when the body is not that shape. */
export function openAiModelList(signals, path = '/v1/models') {
    const j = okObjectAt(signals, path);
    if (!j || !Array.isArray(j['data']))
        return null;
    const out = [];
    for (const m of j['data']) {
        if (!isObject(m) || typeof m['id'] !== 'string')
            return null;
        const owned = asString(m['owned_by']);
        out.push({ id: m['id'], ...(owned !== undefined ? { owned_by: owned } : {}), raw: m });
    }
    return out;
}
/** The distinct `owned_by` values of `/v1/models` (empty when absent or not a model list). */
export function ownedBy(signals) {
    const list = openAiModelList(signals) ?? [];
    return [...new Set(list.map((m) => m.owned_by).filter((o) => o !== undefined))];
}
/** The paths an `/openapi.json` document lists, or null when there is no such document. */
export function openapiPaths(signals, path = '/openapi.json') {
    const j = okObjectAt(signals, path);
    if (!j || !isObject(j['paths']))
        return null;
    return Object.keys(j['paths']);
}
export function openapiTitle(signals, path = '/openapi.json') {
    const info = okObjectAt(signals, path)?.['info'];
    return isObject(info) ? (asString(info['title']) ?? null) : null;
}
/** The first request answered with a FastAPI-style `{"detail": …}` error ("GET /x"), or null. */
export function fastapiDetailPath(signals) {
    for (const { where, res } of responses(signals)) {
        if (res.status < 400)
            continue;
        const j = parseBody(res);
        if (isObject(j) && 'detail' in j && Object.keys(j).length === 1)
            return where;
    }
    return null;
}
/** A body text (trimmed) for a 2xx answer, or null. */
export function okTextAt(signals, path) {
    const res = responseAt(signals, path);
    if (!res || res.status < 200 || res.status >= 300)
        return null;
    return res.body.trim();
}
// ---------- evidence accumulation ----------
/**
 * Collects the observations behind one profile's verdict. The confidence is the strongest single observation plus a small
 * bonus per corroborating one, so that many weak hints never outweigh one decisive marker; penalties (an imitator's missing
 * banner, another product's marker) multiply.
 */
export class Evidence {
    hits = [];
    factor = 1;
    against = [];
    add(confidence, signal) {
        this.hits.push({ confidence, signal });
        return this;
    }
    penalize(factor, signal) {
        this.factor *= factor;
        this.against.push(signal);
        return this;
    }
    result() {
        if (this.hits.length === 0)
            return { confidence: 0, signals: [] };
        const sorted = [...this.hits].sort((a, b) => b.confidence - a.confidence);
        const best = sorted[0].confidence;
        const bonus = sorted.slice(1).filter((h) => h.confidence >= 0.2).length * 0.02;
        const confidence = Math.max(0, Math.min(0.99, best + bonus) * this.factor);
        return {
            confidence: Math.round(confidence * 1000) / 1000,
            signals: [...sorted.map((h) => h.signal), ...this.against.map((s) => `against: ${s}`)],
        };
    }
}
