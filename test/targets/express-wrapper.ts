// A Node/Express 4 wrapper around Mistral, for the route-based auth bypasses that are the author's code rather than a
// server product's: a guard that matches the literal path while Express routes case-insensitively and ignores a trailing
// slash (auth.path-confusion), a guard that only looks at POST while the route also serves GET/HEAD, and the
// `method-override` middleware registered after the guard (auth.method-override). Each has a fixed twin: the guard as
// route-level middleware (`app.post(path, requireKey, handler)` / `app.all(...)`), which sees exactly what the router sees.
//
// Express facts reproduced: path-to-regexp with `sensitive: false, strict: false` (`/V1/generate/` matches
// `/v1/generate`), matching on the raw undecoded pathname (no slash merging, no dot-segment or %2F decoding, `;` kept),
// HEAD served by GET routes with the body dropped, no 405 (an unmatched method is `Cannot POST /x`, 404 HTML),
// automatic OPTIONS answers with `Allow`, `X-Powered-By: Express`, express.json() parsing any method's JSON body.
import type { ServerResponse } from 'node:http';
import { type EmulatorRequest, firstHeader, type RunningTarget, sendJson, startTarget } from './harness.js';
import { isRecord, mistralReply, numberField, TEST_KEY } from './mistral-model.js';

export interface ExpressWrapperOptions {
  /** Bearer key the guard compares; default TEST_KEY. */
  key?: string;
  /** Generation routes; default `['/v1/generate']`. */
  paths?: string[];
  /**
   * - `route`: `app.post(path, requireKey, generate)` (and `app.get` with it when `getRoute`): the fix.
   * - `literal-path`: `app.use((req, res, next) => PROTECTED.includes(req.path) ? requireKey(…) : next())`.
   * - `post-only`: `app.use((req, res, next) => req.method === 'POST' ? requireKey(…) : next())`.
   * - `skip-head`: `app.use((req, res, next) => req.method === 'HEAD' ? next() : requireKey(…))` (for health checkers).
   */
  guard?: 'route' | 'literal-path' | 'post-only' | 'skip-head';
  /** The route also serves GET (hence HEAD): prompt from `?prompt=` or the JSON body, a demo prompt when neither. */
  getRoute?: boolean;
  /**
   * `app.use(methodOverride(getter, { methods }))` registered AFTER the guard: the guard sees the real method, the router the
   * overridden one. `getter` is a header name (`X-HTTP-Method-Override`) or a query key (`_method`); `methods` are the
   * original methods that may be overridden (the package's default is POST only).
   */
  methodOverride?: { getter: string; methods?: string[] };
}

export const FIXED: ExpressWrapperOptions = { guard: 'route' };
export const LITERAL_PATH_GUARD: ExpressWrapperOptions = { guard: 'literal-path' };
export const POST_ONLY_GUARD: ExpressWrapperOptions = { guard: 'post-only', getRoute: true };
export const HEAD_SKIPPING_GUARD: ExpressWrapperOptions = { guard: 'skip-head', getRoute: true };
export const OVERRIDE_AFTER_GUARD: ExpressWrapperOptions = {
  guard: 'post-only',
  methodOverride: { getter: 'X-HTTP-Method-Override', methods: ['GET', 'POST'] },
};

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

/** path-to-regexp 0.1 for a static path with Express's defaults: case-insensitive, optional trailing slash, anchored. */
function routeRegex(path: string): RegExp {
  return new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\/?$`, 'i');
}

/** finalhandler's 404 page. */
function cannot(res: ServerResponse, method: string, path: string): void {
  const html =
    `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta ` +
    `charset="utf-8">\n<title>Error</title>\n</head>\n<body>\n<pre>Cannot ${method} ` +
    `${path}</pre>\n</body>\n</html>\n`;
  res.writeHead(404, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'content-security-policy': "default-src 'none'",
    'x-content-type-options': 'nosniff',
  });
  res.end(html);
}

export async function startExpressWrapper(options: ExpressWrapperOptions = {}): Promise<RunningTarget> {
  const key = options.key ?? TEST_KEY;
  const guard = options.guard ?? 'route';
  const paths = options.paths ?? ['/v1/generate'];
  const routes = paths.map((p) => ({ path: p, re: routeRegex(p) }));

  const authorized = (raw: Parameters<typeof firstHeader>[0]) => firstHeader(raw, 'authorization') === `Bearer ${key}`;
  const refuse = (res: ServerResponse) => sendJson(res, 401, { error: 'Invalid or missing API key' });

  const generate = (req: EmulatorRequest, res: ServerResponse, method: string) => {
    const body = isRecord(req.json) ? req.json : {};
    const prompt = body.prompt ?? req.query.get('prompt') ?? (method === 'GET' ? 'Hello' : undefined);
    if (typeof prompt !== 'string' || prompt === '') return sendJson(res, 400, { error: '"prompt" is required' });
    const limit = numberField(body, 'max_tokens') ?? 16;
    req.markInference(limit);
    sendJson(res, 200, { completion: mistralReply(limit) });
  };

  return startTarget(async (req, res, raw) => {
    res.setHeader('x-powered-by', 'Express');
    // express.json(): a JSON body that does not parse is a 400 before any route (for every method).
    if (req.jsonError !== undefined && /json/i.test(String(req.headers['content-type'] ?? ''))) return sendJson(res, 400, { error: 'Bad Request' });
    const pathname = req.path;
    let method = req.method;

    // app.use(guard) — sees the method and path exactly as they arrived.
    if (guard === 'literal-path' && paths.includes(pathname) && !authorized(raw)) return refuse(res);
    if (guard === 'post-only' && method === 'POST' && !authorized(raw)) return refuse(res);
    if (guard === 'skip-head' && method !== 'HEAD' && method !== 'OPTIONS' && !authorized(raw)) return refuse(res);

    // app.use(methodOverride(getter, { methods })) — after the guard.
    const mo = options.methodOverride;
    if (mo && (mo.methods ?? ['POST']).includes(method)) {
      const value = /^x-/i.test(mo.getter) ? firstHeader(raw, mo.getter) : (req.query.get(mo.getter) ?? undefined);
      if (value && METHODS.includes(value.toUpperCase())) method = value.toUpperCase();
    }

    const route = routes.find((r) => r.re.test(pathname));
    if (!route) return cannot(res, method, pathname);
    const served = options.getRoute ? ['GET', 'HEAD', 'POST'] : ['POST'];
    if (method === 'OPTIONS') {
      const allow = served.join(',');
      res.writeHead(200, { allow, 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(allow) });
      return res.end(allow);
    }
    if (!served.includes(method)) return cannot(res, method, pathname);
    // Route-level requireKey: runs for whatever the router matched, so every spelling and method is guarded.
    if (guard === 'route' && !authorized(raw)) return refuse(res);
    generate(req, res, method === 'HEAD' ? 'GET' : method);
  });
}
