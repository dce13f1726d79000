// A FastAPI inference wrapper behind Starlette's CORSMiddleware, in the configurations that matter to cors.permissive:
// - 'reflect-credentials': `allow_origin_regex=".*", allow_credentials=True` (the usual "make CORS errors go away" fix):
//   any Origin is echoed with `Access-Control-Allow-Credentials: true`, on preflights and on requests;
// - 'wildcard': `allow_origins=["*"]` without credentials: `Access-Control-Allow-Origin: *`;
// - 'strict': `allow_origins=["https://app.example.com"]`: a foreign preflight gets 400 "Disallowed CORS origin" and
//   requests from it carry no CORS header;
// - 'stamp-wildcard': no CORS middleware, but a proxy in front adds `Access-Control-Allow-Origin: *` to every answer
//   (nginx `add_header`); preflights reach the app and fail with 405, simple requests are readable from any page;
// - 'none': no CORS middleware at all (OPTIONS is a 405 from the router).
// Auth is a route dependency (inside the CORS layer, as when CORSMiddleware is added last): none, a header key, or a
// session cookie. Semantics follow starlette/middleware/cors.py.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createFastapiApp, type FastapiRoute, sendDetail } from './fastapi-app.js';
import { type EmulatorRequest, type RunningTarget, sendText, startTarget } from './harness.js';
import { isRecord, TEST_KEY } from './mistral-model.js';
import { answerOpenAI } from './openai-compatible.js';

export type CorsMode = 'reflect-credentials' | 'wildcard' | 'strict' | 'stamp-wildcard' | 'none';

export type CorsAuth = { kind: 'none' } | { kind: 'header'; header: string; key: string } | { kind: 'cookie'; name: string; value: string };

export interface CorsServerOptions {
  cors: CorsMode;
  auth?: CorsAuth;
  /** Address to listen on (default 127.0.0.1): a non-loopback interface for transport tests. */
  host?: string;
}

export const ALLOWED_ORIGIN = 'https://app.example.com';
export const SESSION_COOKIE = { name: 'session', value: TEST_KEY };

const PREFLIGHT_METHODS = 'DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT';

/** Starlette's CORSMiddleware for the three configured modes; returns true when it answered (a preflight). */
function corsMiddleware(mode: Exclude<CorsMode, 'none' | 'stamp-wildcard'>, req: EmulatorRequest, res: ServerResponse, raw: IncomingMessage): boolean {
  const origin = raw.headers.origin;
  if (origin === undefined) return false;
  const allowAll = mode === 'wildcard';
  const credentials = mode === 'reflect-credentials';
  const allowed = mode === 'strict' ? origin === ALLOWED_ORIGIN : true;
  if (req.method === 'OPTIONS' && raw.headers['access-control-request-method'] !== undefined) {
    const headers: Record<string, string> = { 'access-control-allow-methods': PREFLIGHT_METHODS, 'access-control-max-age': '600' };
    if (allowAll && !credentials) headers['access-control-allow-origin'] = '*';
    else {
      headers.vary = 'Origin';
      if (allowed) headers['access-control-allow-origin'] = origin;
    }
    if (credentials) headers['access-control-allow-credentials'] = 'true';
    const requested = raw.headers['access-control-request-headers'];
    if (requested !== undefined) headers['access-control-allow-headers'] = String(requested);
    sendText(res, allowed ? 200 : 400, allowed ? 'OK' : 'Disallowed CORS origin', headers);
    return true;
  }
  if (!allowed) return false;
  if (allowAll && raw.headers.cookie === undefined) res.setHeader('access-control-allow-origin', '*');
  else {
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('vary', 'Origin');
  }
  if (credentials) res.setHeader('access-control-allow-credentials', 'true');
  return false;
}

function cookieValue(raw: IncomingMessage, name: string): string | undefined {
  for (const part of (raw.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export async function startCorsServer(options: CorsServerOptions): Promise<RunningTarget> {
  const auth = options.auth ?? { kind: 'none' };
  const model = 'mistral-7b-instruct';
  /** The route dependency: 401 `{"detail":"Unauthorized"}` unless the configured credential came along. */
  const authorized = (raw: IncomingMessage): boolean => {
    if (auth.kind === 'header') return raw.headers[auth.header.toLowerCase()] === auth.key;
    if (auth.kind === 'cookie') return cookieValue(raw, auth.name) === auth.value;
    return true;
  };
  const routes: FastapiRoute[] = [
    {
      methods: ['POST'],
      path: '/v1/chat/completions',
      name: 'chat_completions',
      handle(req, res, raw) {
        if (!authorized(raw)) return sendDetail(res, 401, 'Unauthorized');
        if (req.jsonError !== undefined || !isRecord(req.json) || !Array.isArray(req.json.messages)) {
          return sendDetail(res, 422, [{ type: 'missing', loc: ['body', 'messages'], msg: 'Field required', input: req.json ?? null }]);
        }
        return answerOpenAI(req, res, req.json, { kind: 'chat', model, defaultMaxTokens: 128 });
      },
    },
  ];
  const mode = options.cors;
  const app = createFastapiApp(routes, {
    docs: false,
    ...(mode !== 'none' && mode !== 'stamp-wildcard' ? { middleware: (req, res, raw) => corsMiddleware(mode, req, res, raw) } : {}),
  });
  return startTarget(
    (req, res, raw) => {
      // nginx `add_header … always` in front of the app.
      if (mode === 'stamp-wildcard') res.setHeader('access-control-allow-origin', '*');
      return app(req, res, raw);
    },
    { serverHeader: 'uvicorn', ...(options.host ? { host: options.host } : {}) },
  );
}
