// LM Studio's local server (`lms server start`), port 1234. docs/servers/lmstudio.md: known are only auth off by default, optional
// Bearer tokens, `owned_by: "organization_owner"` on /v1/models, and a native REST API under /api/v0.
// Everything marked ASSUMPTION below is a plausible choice where nothing is published.
import type { ServerResponse } from 'node:http';
import { answerOpenAI, body, header, matchRoute, openaiLimit, type RouteDef, TEST_KEY } from './emulator-kit.js';
import { type EmulatorRequest, type RunningTarget, sendJson, startTarget } from './harness.js';

export interface LmstudioOptions {
  /** "Require API token": Bearer tokens accepted on every route (default none = auth off). */
  apiTokens?: string[];
  /** "Enable CORS" in the server settings (default off). */
  cors?: boolean;
  model?: string;
  contextLength?: number;
}

export const OPEN: LmstudioOptions = {};
export const KEYED: LmstudioOptions = { apiTokens: [TEST_KEY] };

interface LmRoute extends RouteDef {
  run(req: EmulatorRequest, res: ServerResponse): void;
}

export async function startLmstudio(options: LmstudioOptions = {}): Promise<RunningTarget> {
  const model = options.model ?? 'mistral-7b-instruct-v0.3';
  const ctx = options.contextLength ?? 32768;
  const tokens = options.apiTokens ?? [];
  // ASSUMPTION: an Express app underneath.
  const base: Record<string, string> = { 'x-powered-by': 'Express', ...(options.cors ? { 'access-control-allow-origin': '*' } : {}) };
  const json = (res: ServerResponse, status: number, value: unknown) => sendJson(res, status, value, base);

  const native = [
    {
      id: model,
      object: 'model',
      type: 'llm',
      publisher: 'lmstudio-community',
      arch: 'mistral',
      compatibility_type: 'gguf',
      quantization: 'Q4_K_M',
      state: 'loaded',
      max_context_length: ctx,
    },
    {
      id: 'text-embedding-nomic-embed-text-v1.5',
      object: 'model',
      type: 'embeddings',
      publisher: 'nomic-ai',
      arch: 'nomic-bert',
      compatibility_type: 'gguf',
      quantization: 'Q4_K_M',
      state: 'not-loaded',
      max_context_length: 2048,
    },
  ];

  const chat = (kind: 'chat' | 'completion', rest: boolean) => (req: EmulatorRequest, res: ServerResponse) => {
    // ASSUMPTION: a body that is not JSON is refused by the body parser before the model runs (error shape assumed).
    if (req.jsonError !== undefined) return json(res, 400, { error: 'Unexpected end of JSON input' });
    const b = body(req);
    // ASSUMPTION: the loaded model answers whatever `model` names; no limit means "until EOS" (-1), counted here as the context.
    const extra = rest
      ? {
          stats: { tokens_per_second: 42.1, time_to_first_token: 0.05, generation_time: 0.02, stop_reason: 'maxPredictedTokensReached' },
          model_info: { arch: 'mistral', quant: 'Q4_K_M', format: 'gguf', context_length: ctx },
          runtime: { name: 'llama.cpp-linux-x86_64-avx2', version: '1.20.0', supported_formats: ['gguf'] },
        }
      : { system_fingerprint: model };
    answerOpenAI(req, res, kind, { model, maxTokens: openaiLimit(b, ctx), extra, headers: base });
  };

  const routes: LmRoute[] = [
    {
      methods: ['GET'],
      path: '/v1/models',
      run: (_q, res) =>
        json(res, 200, {
          data: [
            { id: model, object: 'model', owned_by: 'organization_owner' },
            { id: native[1]!.id, object: 'model', owned_by: 'organization_owner' },
          ],
          object: 'list',
        }),
    },
    { methods: ['POST'], path: '/v1/chat/completions', run: chat('chat', false) },
    { methods: ['POST'], path: '/v1/completions', run: chat('completion', false) },
    { methods: ['GET'], path: '/api/v0/models', run: (_q, res) => json(res, 200, { object: 'list', data: native }) },
    { methods: ['POST'], path: '/api/v0/chat/completions', run: chat('chat', true) },
    { methods: ['POST'], path: '/api/v0/completions', run: chat('completion', true) },
  ];

  return startTarget((req, res) => {
    if (tokens.length > 0) {
      // ASSUMPTION: exact `Bearer ` scheme, checked before routing, OpenAI-style error body.
      const authz = header(req, 'authorization') ?? '';
      if (!(authz.startsWith('Bearer ') && tokens.includes(authz.slice(7)))) {
        return json(res, 401, { error: { message: 'Invalid or missing API token', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } });
      }
    }
    const m = matchRoute(routes, req.method, req.path);
    // ASSUMPTION (as LM Studio's own log line reads): an unknown endpoint or method is answered 200 with an error.
    if (!m || 'allow' in m) return json(res, 200, { error: `Unexpected endpoint or method. (${req.method} ${req.path})` });
    m.route.run(req, res);
  });
}
