// text-generation-webui's OpenAI-compatible API (`--api`), port 5000: FastAPI with per-route `Depends` key checks.
// Wire facts: docs/servers/textgen-webui.md; route list and dependency per modules/api/script.py.
// Order on the wire: Host check (middleware) → CORS → routing (404/405) → JSON decode (422) → key (401) → body fields (422).
import type { ServerResponse } from 'node:http';
import {
  answerOpenAI,
  body,
  countTokens,
  fastapiMethodNotAllowed,
  fastapiNotFound,
  firstNumber,
  header,
  matchRoute,
  mistralText,
  openaiLimit,
  type RouteDef,
  sendRaw,
  starletteCors,
  TEST_KEY,
} from './emulator-kit.js';
import { type EmulatorRequest, type RunningTarget, sendJson, startTarget } from './harness.js';

export interface TextgenWebuiOptions {
  /** `--api-key`: checked per route as `Authorization != "Bearer " + key`. */
  apiKey?: string;
  /** `--admin-key` for model load/unload; defaults to the api key when only that is set. */
  adminKey?: string;
  /** `--listen` (or `--public-api`): without it only Host `localhost`/`127.0.0.1` is served (default false). */
  listen?: boolean;
  model?: string;
}

export const OPEN: TextgenWebuiOptions = {};
export const KEYED: TextgenWebuiOptions = { apiKey: TEST_KEY };

type Guard = 'none' | 'key' | 'admin' | 'anthropic';
interface TgRoute extends RouteDef {
  guard: Guard;
  /** Required fields of the pydantic body model; absent when the route reads no body model. */
  fields?: string[];
  run(req: EmulatorRequest, res: ServerResponse, params: string[]): void;
}

export async function startTextgenWebui(options: TextgenWebuiOptions = {}): Promise<RunningTarget> {
  const apiKey = options.apiKey ?? '';
  const adminKey = options.adminKey || apiKey; // run_server(): admin_key = api_key when unset
  const model = options.model ?? 'mistral-7b-instruct-v0.2.Q4_K_M.gguf';

  const refused = (req: EmulatorRequest, guard: Guard): boolean => {
    if (guard === 'none') return false;
    if (guard === 'anthropic') return !!apiKey && header(req, 'x-api-key') !== apiKey;
    const expected = guard === 'admin' ? adminKey : apiKey;
    return !!expected && header(req, 'authorization') !== `Bearer ${expected}`; // plain !=, scheme case-sensitive
  };

  const chat = (kind: 'chat' | 'completion') => (req: EmulatorRequest, res: ServerResponse) =>
    // The loaded model answers whatever `model` says; chat defaults to max_new_tokens 512, completions to 16.
    answerOpenAI(req, res, kind, { model, maxTokens: openaiLimit(body(req), kind === 'chat' ? 512 : 16) });

  const json = (value: unknown) => (_q: EmulatorRequest, res: ServerResponse) => sendJson(res, 200, value);

  const routes: TgRoute[] = [
    { methods: ['OPTIONS'], path: '/', guard: 'key', run: json('OK') },
    { methods: ['POST'], path: '/v1/completions', guard: 'key', fields: ['prompt'], run: chat('completion') },
    { methods: ['POST'], path: '/v1/chat/completions', guard: 'key', fields: ['messages'], run: chat('chat') },
    {
      methods: ['POST'],
      path: '/v1/messages',
      guard: 'anthropic', // x-api-key, raw, on this route only
      fields: ['messages', 'max_tokens'],
      run: (req, res) => {
        const limit = firstNumber(body(req).max_tokens) ?? 512;
        req.markInference(limit);
        const text = mistralText(limit);
        sendJson(res, 200, {
          id: 'msg_emulated',
          type: 'message',
          role: 'assistant',
          model,
          content: [{ type: 'text', text }],
          stop_reason: 'max_tokens',
          usage: { input_tokens: countTokens(body(req).messages), output_tokens: text.split(' ').length },
        });
      },
    },
    { methods: ['GET'], path: '/v1/models', guard: 'key', run: json({ object: 'list', data: [{ id: model, object: 'model', created: 0, owned_by: 'user' }] }) },
    {
      methods: ['GET'],
      path: /^\/v1\/models\/(.+)$/,
      guard: 'key',
      run: (_q, res, [id]) => sendJson(res, 200, { id, object: 'model', created: 0, owned_by: 'user' }),
    },
    { methods: ['GET'], path: '/v1/internal/health', guard: 'key', run: json({ status: 'ok' }) },
    {
      methods: ['POST'],
      path: '/v1/internal/encode',
      guard: 'key',
      fields: ['text'],
      run: (req, res) => sendJson(res, 200, { tokens: [1, 22557], length: countTokens(body(req).text) + 1 }),
    },
    // Renders the chat template around the messages (no inference).
    {
      methods: ['POST'],
      path: '/v1/internal/chat-prompt',
      guard: 'key',
      fields: ['messages'],
      run: (req, res) => {
        const msgs = (Array.isArray(body(req).messages) ? body(req).messages : []) as { content?: unknown }[];
        sendJson(res, 200, { prompt: `<s>${msgs.map((m) => `[INST] ${String(m.content ?? '')} [/INST]`).join('')}` });
      },
    },
    { methods: ['GET'], path: '/v1/internal/model/info', guard: 'key', run: json({ model_name: model, lora_names: [], loader: 'llama.cpp' }) },
    // Admin / management.
    { methods: ['GET'], path: '/v1/internal/model/list', guard: 'admin', run: json({ model_names: [model, 'Llama-3-8B-Instruct.Q4_K_M.gguf'] }) },
    { methods: ['POST'], path: '/v1/internal/model/load', guard: 'admin', fields: ['model_name'], run: json('OK') },
    { methods: ['POST'], path: '/v1/internal/model/unload', guard: 'admin', run: json(null) },
    { methods: ['GET'], path: '/v1/internal/lora/list', guard: 'admin', run: json({ lora_names: [] }) },
    { methods: ['POST'], path: '/v1/internal/lora/load', guard: 'admin', fields: ['lora_names'], run: json('OK') },
    { methods: ['POST'], path: '/v1/internal/lora/unload', guard: 'admin', run: json('OK') },
    { methods: ['POST'], path: '/v1/internal/stop-generation', guard: 'key', run: json('OK') },
    // FastAPI's defaults, left on: the whole API surface, no key needed.
    {
      methods: ['GET'],
      path: '/docs',
      guard: 'none',
      run: (_q, res) =>
        sendRaw(res, 200, '<!DOCTYPE html><html><head><title>FastAPI - Swagger UI</title></head><body></body></html>', {
          'content-type': 'text/html; charset=utf-8',
        }),
    },
    {
      methods: ['GET'],
      path: '/redoc',
      guard: 'none',
      run: (_q, res) =>
        sendRaw(res, 200, '<!DOCTYPE html><html><head><title>FastAPI - ReDoc</title></head><body></body></html>', {
          'content-type': 'text/html; charset=utf-8',
        }),
    },
    {
      methods: ['GET'],
      path: '/openapi.json',
      guard: 'none',
      run: (_q, res) =>
        sendJson(res, 200, {
          openapi: '3.1.0',
          info: { title: 'FastAPI', version: '0.1.0' },
          paths: Object.fromEntries(
            routes
              .filter((r) => typeof r.path === 'string')
              .map((r) => [
                r.path,
                Object.fromEntries(
                  r.methods.map((m) => [
                    m.toLowerCase(),
                    {
                      parameters:
                        r.guard === 'key' || r.guard === 'admin' ? [{ name: 'authorization', in: 'header', required: false, schema: { type: 'string' } }] : [],
                    },
                  ]),
                ),
              ]),
          ),
        }),
    },
  ];

  return startTarget(
    (req, res) => {
      if (!options.listen) {
        const host = (header(req, 'host') ?? '').split(':')[0];
        if (host !== 'localhost' && host !== '127.0.0.1') return sendJson(res, 400, { detail: 'Invalid host header' });
      }
      if (starletteCors(req, res)) return;
      const m = matchRoute(routes, req.method, req.path);
      if (!m) return fastapiNotFound(res);
      if ('allow' in m) return fastapiMethodNotAllowed(res, m.allow);
      const { route } = m;
      const anthropic = route.guard === 'anthropic';
      // FastAPI decodes the JSON body before it solves any dependency.
      if (route.fields && req.jsonError) {
        const detail = [{ type: 'json_invalid', loc: ['body', 0], msg: 'JSON decode error', input: {}, ctx: { error: 'Expecting value' } }];
        return anthropic
          ? sendJson(res, 400, { type: 'error', error: { type: 'invalid_request_error', message: 'body.0: JSON decode error' } })
          : sendJson(res, 422, { detail });
      }
      if (refused(req, route.guard)) return sendJson(res, 401, { detail: 'Unauthorized' });
      if (route.fields) {
        const b = req.json === undefined ? null : body(req);
        const missing = b === null ? [[]] : route.fields.filter((f) => !(f in b)).map((f) => [f]);
        if (missing.length > 0) {
          const detail = missing.map((f) => ({ type: 'missing', loc: ['body', ...f], msg: 'Field required', input: b }));
          if (anthropic)
            return sendJson(res, 400, {
              type: 'error',
              error: { type: 'invalid_request_error', message: detail.map((d) => `${d.loc.join('.')}: ${d.msg}`).join('; ') },
            });
          return sendJson(res, 422, { detail });
        }
      }
      route.run(req, res, m.params);
    },
    { serverHeader: 'uvicorn' },
  );
}
