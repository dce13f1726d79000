// A small Node gateway in front of a Mistral model whose key check is loose, for auth.header-bypass. Not a product from
// The JavaScript shapes of the key-handling mistakes the auth rules look for, each a one-line bug an author really writes.
// - `strict`: `Authorization === \`Bearer ${KEY}\`` — the fixed twin.
// - `object-key`: the key comes from a config object (`config.apiKey = { value: … }`) and is compared as
//   `\`Bearer ${config.apiKey}\``, so the expected value is "Bearer [object Object]".
// - `boolean-key`: `API_KEY=false` in the environment parsed as a boolean and compared as `String(apiKey)`, so the raw
//   value "false" passes (the placeholder, with or without the scheme, in any credential header the gateway reads).
// - `presence-only`: `if (!req.headers.authorization) return 401` — any value of the header gets in.
// - `trusted-alt-header`: Authorization is checked strictly, but an `X-API-Key` header is trusted without validation
//   ("set by our internal proxy").
// - `duplicate-last`: two layers read different occurrences of a repeated Authorization header: the front one refuses an
//   empty first occurrence, the app compares the last one (Python's `dict(scope["headers"])` keeps the last) with a key
//   variable that is unset (""). Neither an empty header nor a wrong key gets in; both together do.
// With a key the user holds (authenticated mode, auth.weak-key-handling):
// - `query-key`: also reads `?api_key=` / `?key=` (Google-style), so the key travels in URLs.
// - `prefix-compare`: `KEY.startsWith(token)` for a non-empty token — a length-bounded compare.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { firstHeader, type RunningTarget, sendJson, startTarget } from './harness.js';
import { CREATED, chatMessages, isRecord, TEST_KEY } from './mistral-model.js';
import { answerOpenAI } from './openai-compatible.js';

export type LooseMode = 'strict' | 'object-key' | 'boolean-key' | 'presence-only' | 'trusted-alt-header' | 'duplicate-last' | 'query-key' | 'prefix-compare';

const MODEL = 'mistral-7b-instruct-v0.3';

const unauthorized = (res: ServerResponse) =>
  sendJson(res, 401, { error: { message: 'Invalid API key', type: 'invalid_request_error', code: 'invalid_api_key' } });

/** The last occurrence of a request header as the wire carried it. */
function lastHeader(raw: IncomingMessage, name: string): string | undefined {
  let found: string | undefined;
  for (let i = 0; i + 1 < raw.rawHeaders.length; i += 2) if ((raw.rawHeaders[i] as string).toLowerCase() === name) found = raw.rawHeaders[i + 1];
  return found;
}

function allowed(mode: LooseMode, auth: string | undefined, altKey: string | undefined, query: URLSearchParams, lastAuth: string | undefined): boolean {
  switch (mode) {
    case 'strict':
      return auth === `Bearer ${TEST_KEY}`;
    case 'object-key': {
      const config = { apiKey: { value: TEST_KEY } };
      return auth === `Bearer ${String(config.apiKey)}`;
    }
    case 'boolean-key': {
      const apiKey: boolean = false; // API_KEY=false, parsed by a config loader that turns "false" into a boolean
      return auth !== undefined && auth.replace(/^Bearer /, '') === String(apiKey);
    }
    case 'presence-only':
      return auth !== undefined && auth !== '';
    case 'trusted-alt-header':
      return altKey !== undefined || auth === `Bearer ${TEST_KEY}`;
    case 'duplicate-last': {
      if (!auth) return false; // the front layer: an empty or missing first occurrence is refused
      const unsetKey = ''; // API_KEY = os.getenv("API_KEY", "")
      return lastAuth === unsetKey; // the app compares the raw last value
    }
    case 'query-key':
      return (query.get('api_key') ?? query.get('key')) === TEST_KEY || auth === `Bearer ${TEST_KEY}`;
    case 'prefix-compare': {
      const token = auth?.startsWith('Bearer ') ? auth.slice(7) : '';
      return token !== '' && TEST_KEY.startsWith(token);
    }
  }
}

export async function startLooseAuthGateway(mode: LooseMode = 'strict'): Promise<RunningTarget> {
  return startTarget(async (req, res, raw) => {
    if (!allowed(mode, firstHeader(raw, 'authorization'), firstHeader(raw, 'x-api-key'), req.query, lastHeader(raw, 'authorization'))) return unauthorized(res);
    if (req.method === 'GET' && req.path === '/v1/models')
      return sendJson(res, 200, { object: 'list', data: [{ id: MODEL, object: 'model', created: CREATED, owned_by: 'me' }] });
    if (req.path !== '/v1/chat/completions')
      return sendJson(res, 404, { error: { message: `Unknown request URL: ${req.method} ${req.path}.`, type: 'invalid_request_error', code: 'unknown_url' } });
    if (req.method !== 'POST') return sendJson(res, 405, { error: { message: 'Method Not Allowed', type: 'invalid_request_error', code: null } });
    if (!isRecord(req.json) || chatMessages(req.json) === undefined)
      return sendJson(res, 400, { error: { message: "'messages' is a required property", type: 'invalid_request_error', code: null } });
    return answerOpenAI(req, res, req.json, { kind: 'chat', model: MODEL, defaultMaxTokens: Infinity });
  });
}
