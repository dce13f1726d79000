export function isObject(v) {
    return typeof v === 'object' && v !== null && !Array.isArray(v);
}
export function asString(v) {
    return typeof v === 'string' ? v : undefined;
}
/** Best-effort JSON parse of an untrusted body (null when it is absent or not JSON). */
export function parseJson(body) {
    if (!body)
        return null;
    const text = body.trim();
    if (!(text.startsWith('{') || text.startsWith('[') || text.startsWith('"')))
        return null;
    try {
        return JSON.parse(text);
    }
    catch {
        return null;
    }
}
const parsed = new WeakMap();
/** A response body parsed as JSON, memoized per response (every profile and rule reads the same bodies); null when not JSON. */
export function parseResponse(res) {
    if (!res)
        return null;
    const hit = parsed.get(res);
    if (hit)
        return hit.value;
    const value = parseJson(res.body);
    parsed.set(res, { value });
    return value;
}
