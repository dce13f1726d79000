// Untrusted JSON, read one way everywhere: a body that does not parse is null, never an exception.
import type { ExchangeResponse } from '../types.js';

export type Json = Record<string, unknown>;

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function asString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Best-effort JSON parse of an untrusted body (null when it is absent or not JSON). */
export function parseJson(body: string | undefined): unknown {
  if (!body) return null;
  const text = body.trim();
  if (!(text.startsWith('{') || text.startsWith('[') || text.startsWith('"'))) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

const parsed = new WeakMap<ExchangeResponse, { value: unknown }>();

/** A response body parsed as JSON, memoized per response (every profile and rule reads the same bodies); null when not JSON. */
export function parseResponse(res: ExchangeResponse | undefined): unknown {
  if (!res) return null;
  const hit = parsed.get(res);
  if (hit) return hit.value;
  const value = parseJson(res.body);
  parsed.set(res, { value });
  return value;
}
