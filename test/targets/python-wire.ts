// What Python servers put on the wire beyond what fastapi-app.ts emulates: the text of `json.dumps` (which streaming
// handlers write by hand), pydantic 2's check of fields typed `str | list[…]`, and Starlette's CORSMiddleware when
// credentials are allowed.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type BodyModel, fieldError, validateBody } from './fastapi-app.js';
import { type EmulatorRequest, sendText } from './harness.js';
import { isRecord } from './mistral-model.js';

/** Python's `json.dumps(v)` with its default separators (`', '` and `': '`); JSON.stringify writes none. */
export function pyDumps(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(pyDumps).join(', ')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}: ${pyDumps(x)}`).join(', ')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/**
 * pydantic 2's errors for a request model whose listed fields are all required, where the `unions` among them are typed
 * `str | list[…]` (a string or a list passes; anything else is reported as the string branch's error).
 */
export function requiredFieldErrors(model: BodyModel, parsed: { present: boolean; value: unknown }, unions: readonly string[] = []): Record<string, unknown>[] {
  const plain = { name: model.name, fields: Object.fromEntries(Object.entries(model.fields).filter(([f]) => !unions.includes(f))) };
  const errors = validateBody(plain, parsed, 2);
  if (!isRecord(parsed.value)) return errors;
  const b = parsed.value;
  for (const f of unions) {
    if (!(f in b)) errors.push(fieldError(2, 'missing', ['body', f], b));
    else if (typeof b[f] !== 'string' && !Array.isArray(b[f])) errors.push(fieldError(2, 'string', ['body', f], b[f]));
  }
  return errors;
}

const PREFLIGHT_METHODS = 'DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT';

/**
 * Starlette's CORSMiddleware with `allow_origins=["*"], allow_credentials=True` and every method and header allowed:
 * a preflight echoes the caller's Origin and the headers it asks for, with credentials allowed; other requests get
 * `Access-Control-Allow-Origin: *` and `Access-Control-Allow-Credentials: true` (the Origin itself when a cookie is
 * sent). Returns true when it answered (a preflight).
 */
export function starletteCorsWithCredentials(req: EmulatorRequest, res: ServerResponse, raw: IncomingMessage): boolean {
  const origin = raw.headers.origin;
  if (origin === undefined) return false;
  if (req.method === 'OPTIONS' && raw.headers['access-control-request-method'] !== undefined) {
    const requested = raw.headers['access-control-request-headers'];
    sendText(res, 200, 'OK', {
      'access-control-allow-methods': PREFLIGHT_METHODS,
      'access-control-max-age': '600',
      'access-control-allow-credentials': 'true',
      'access-control-allow-origin': origin,
      vary: 'Origin',
      ...(requested !== undefined ? { 'access-control-allow-headers': String(requested) } : {}),
    });
    return true;
  }
  if (raw.headers.cookie !== undefined) {
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('vary', 'Origin');
  } else {
    res.setHeader('access-control-allow-origin', '*');
  }
  res.setHeader('access-control-allow-credentials', 'true');
  return false;
}
