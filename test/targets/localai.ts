// LocalAI, port 8080: a Go (echo) server whose auth middleware runs on every request before routing,
// so with a key set an unknown path is a 401, not a 404. Wire facts: docs/servers/localai.md; key
// extraction follows LocalAI's core/http/middleware auth (first source present wins).
import type { ServerResponse } from 'node:http';
import { answerOpenAI, body, cookie, header, matchRoute, openaiLimit, type RouteDef, sendRaw, TEST_KEY } from './emulator-kit.js';
import { type EmulatorRequest, type RunningTarget, sendJson, startTarget } from './harness.js';

export interface LocalaiOptions {
  /** `--api-keys` / `LOCALAI_API_KEY` (several allowed). Empty = no auth. */
  apiKeys?: string[];
  /**
   * Older echo/fiber builds answer a 401 to a request whose Content-Type is not JSON with the HTML login page
   * instead of the JSON body (default false: the current build, JSON always).
   */
  loginPage?: boolean;
  /** `--opaque-errors`: a bare 401 with no body. */
  opaqueErrors?: boolean;
  models?: string[];
}

export const OPEN: LocalaiOptions = {};
export const KEYED: LocalaiOptions = { apiKeys: [TEST_KEY] };

/** Exact 401 body (docs/servers/localai.md), sent with `WWW-Authenticate: Bearer`. */
export const UNAUTHORIZED_BODY = { error: { message: 'An authentication key is required', code: 401, type: 'invalid_request_error' } };

/** Paths that skip auth. `/` is exact; the others are prefixes, as LocalAI's PathWithoutAuth matches them. */
function exempt(path: string): boolean {
  return path === '/' || ['/healthz', '/readyz', '/swagger', '/static/', '/favicon'].some((p) => path.startsWith(p));
}

/** The first source present: Authorization (`Bearer ` stripped, else the raw value), x-api-key, xi-api-key, cookie `token`. */
function extractKey(req: EmulatorRequest): string {
  const authz = header(req, 'authorization');
  if (authz) return authz.startsWith('Bearer ') ? authz.slice('Bearer '.length) : authz;
  return header(req, 'x-api-key') || header(req, 'xi-api-key') || cookie(req, 'token') || '';
}

interface LaRoute extends RouteDef {
  run(req: EmulatorRequest, res: ServerResponse): void;
}

export async function startLocalai(options: LocalaiOptions = {}): Promise<RunningTarget> {
  const keys = options.apiKeys ?? [];
  const models = options.models ?? ['mistral-7b-instruct-v0.3'];

  const unauthorized = (req: EmulatorRequest, res: ServerResponse) => {
    const h = { 'www-authenticate': 'Bearer' };
    if (options.opaqueErrors) return sendRaw(res, 401, '', h);
    if (options.loginPage && !(header(req, 'content-type') ?? '').includes('application/json')) {
      return sendRaw(res, 401, '<!DOCTYPE html><html><head><title>LocalAI - Login</title></head><body><form>API key</form></body></html>', {
        ...h,
        'content-type': 'text/html; charset=UTF-8',
      });
    }
    sendJson(res, 401, UNAUTHORIZED_BODY, h);
  };

  const chat = (kind: 'chat' | 'completion') => (req: EmulatorRequest, res: ServerResponse) => {
    // Binding the request fails on a body that is not JSON, before any model is loaded (assumption: the error shape).
    if (req.jsonError !== undefined) return sendJson(res, 400, { error: { code: 400, message: 'unexpected end of JSON input', type: '' } });
    const b = body(req);
    // Assumption: with no model named, LocalAI takes the first configured one; an unknown name fails to load.
    const model = typeof b.model === 'string' && b.model !== '' ? b.model : models[0]!;
    if (!models.includes(model)) {
      return sendJson(res, 500, { error: { code: 500, message: `could not load model - all backends returned error: model ${model} not found`, type: '' } });
    }
    answerOpenAI(req, res, kind, { model, maxTokens: openaiLimit(b, 16) });
  };
  // Only {id, object}: LocalAI writes no owned_by (docs/servers/localai.md).
  const modelList = (_q: EmulatorRequest, res: ServerResponse) => sendJson(res, 200, { object: 'list', data: models.map((id) => ({ id, object: 'model' })) });
  const html = (title: string) => (_q: EmulatorRequest, res: ServerResponse) =>
    sendRaw(res, 200, `<!DOCTYPE html><html><head><title>${title}</title></head><body></body></html>`, { 'content-type': 'text/html; charset=UTF-8' });

  const routes: LaRoute[] = [
    { methods: ['GET'], path: '/', run: html('LocalAI API - Welcome') },
    { methods: ['GET'], path: '/healthz', run: (_q, res) => sendRaw(res, 200, '') },
    { methods: ['GET'], path: '/readyz', run: (_q, res) => sendRaw(res, 200, '') },
    { methods: ['GET'], path: /^\/swagger(?:\/index\.html)?\/?$/, run: html('Swagger UI') },
    {
      methods: ['GET'],
      path: '/swagger/doc.json',
      run: (_q, res) => sendJson(res, 200, { swagger: '2.0', info: { title: 'LocalAI API' }, paths: { '/v1/chat/completions': {}, '/models/apply': {} } }),
    },
    { methods: ['GET'], path: '/v1/models', run: modelList },
    { methods: ['GET'], path: '/models', run: modelList },
    { methods: ['POST'], path: '/v1/chat/completions', run: chat('chat') },
    { methods: ['POST'], path: '/chat/completions', run: chat('chat') },
    { methods: ['POST'], path: '/v1/completions', run: chat('completion') },
    { methods: ['POST'], path: '/completions', run: chat('completion') },
    {
      methods: ['GET'],
      path: '/metrics',
      run: (_q, res) =>
        sendRaw(res, 200, '# TYPE localai_api_call counter\nlocalai_api_call{method="POST",path="/v1/chat/completions"} 3\n', {
          'content-type': 'text/plain; version=0.0.4',
        }),
    },
    { methods: ['GET'], path: '/version', run: (_q, res) => sendJson(res, 200, { version: 'v2.29.0' }) },
    {
      methods: ['GET'],
      path: '/system',
      run: (_q, res) => sendJson(res, 200, { backends: ['llama-cpp', 'whisper'], loaded_models: models.map((id) => ({ id })) }),
    },
    { methods: ['POST'], path: /^\/models\/delete\/([^/]+)$/, run: (_q, res) => sendJson(res, 200, { message: 'model deleted' }) },
    { methods: ['POST'], path: '/backend/apply', run: (_q, res) => sendJson(res, 200, { uuid: '8b6c1a2e-0000-4000-8000-000000000002' }) },
    // Gallery install: management. POST only (GET is echo's 405); any call is recorded by the harness.
    {
      methods: ['POST'],
      path: '/models/apply',
      run: (_q, res) => sendJson(res, 200, { uuid: '8b6c1a2e-0000-4000-8000-000000000001', status: '/models/jobs/8b6c1a2e-0000-4000-8000-000000000001' }),
    },
  ];

  return startTarget((req, res) => {
    if (keys.length > 0 && !exempt(req.path)) {
      const key = extractKey(req);
      if (!key || !keys.includes(key)) return unauthorized(req, res); // constant-time upstream
    }
    const m = matchRoute(routes, req.method, req.path);
    if (!m) return sendJson(res, 404, { message: 'Not Found' }); // echo's default shapes
    if ('allow' in m) return sendJson(res, 405, { message: 'Method Not Allowed' }, { allow: m.allow.join(', ') });
    m.route.run(req, res);
  });
}
