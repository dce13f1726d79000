// A generic OpenAI-compatible server (the shape llama-cpp-python, FastChat and many gateways share): `/v1/models`,
// `/v1/chat/completions`, `/v1/completions`, SSE when `stream: true`, an optional Bearer key checked before routing.
// `answerOpenAI` is also the completion engine of the vLLM, Ollama and llama.cpp emulators.
import type { ServerResponse } from 'node:http';
import { type EmulatorRequest, firstHeader, type RunningTarget, sendJson, startTarget } from './harness.js';
import {
  CREATED,
  chatMessages,
  countWords,
  finishReason,
  isRecord,
  mistralReply,
  numberField,
  openaiChatCompletion,
  openaiStreamChunks,
  openaiTextCompletion,
  replyPieces,
  SSE_HEADERS,
  sseFrames,
  TEST_KEY,
  writeStream,
} from './mistral-model.js';

export interface OpenAIAnswerArgs {
  kind: 'chat' | 'text';
  /** The `model` the answer names. */
  model: string;
  /** Limit used when the request gives none (the server's default; Infinity = until end of sequence). */
  defaultMaxTokens: number;
  /** Server-specific top-level fields (system_fingerprint, vLLM's extras…). */
  extra?: Record<string, unknown>;
  /** Extra response headers. */
  headers?: Record<string, string>;
}

let sequence = 0;

/** The limit a request asks for: `max_tokens`, or chat's newer `max_completion_tokens`. */
export function openaiLimit(body: Record<string, unknown>, kind: 'chat' | 'text'): number | undefined {
  return kind === 'chat' ? numberField(body, 'max_tokens', 'max_completion_tokens') : numberField(body, 'max_tokens');
}

/** Prompt text of an OpenAI request (messages joined, or the completion prompt). */
export function openaiPromptText(body: Record<string, unknown>, kind: 'chat' | 'text'): string {
  if (kind === 'chat') return (chatMessages(body) ?? []).map((m) => m.content).join('\n');
  const p = body.prompt;
  return typeof p === 'string' ? p : Array.isArray(p) ? p.map(String).join('\n') : '';
}

/** Runs the emulated model for an already-validated request and answers in OpenAI's shape, streamed when asked. */
export async function answerOpenAI(req: EmulatorRequest, res: ServerResponse, body: Record<string, unknown>, a: OpenAIAnswerArgs): Promise<void> {
  const limit = openaiLimit(body, a.kind) ?? a.defaultMaxTokens;
  req.markInference(limit);
  const id = `${a.kind === 'chat' ? 'chatcmpl' : 'cmpl'}-${(++sequence).toString(16).padStart(8, '0')}`;
  const common = { id, model: a.model, created: CREATED, finish: finishReason(limit) };
  if (body.stream === true) {
    const chunks = openaiStreamChunks(a.kind, common, replyPieces(limit), a.extra);
    return writeStream(res, 200, { ...SSE_HEADERS, ...a.headers }, sseFrames(chunks, { done: true }));
  }
  const args = { ...common, text: mistralReply(limit), promptTokens: countWords(openaiPromptText(body, a.kind)) + 1 };
  const answer = a.kind === 'chat' ? openaiChatCompletion(args, a.extra) : openaiTextCompletion(args, a.extra);
  sendJson(res, 200, answer, a.headers);
}

// ---------- the generic server ----------

export interface OpenAICompatibleOptions {
  /** Bearer key; undefined = no auth. */
  apiKey?: string;
  model?: string;
  /** `owned_by` in /v1/models; default `me` (llama-cpp-python's), which names no product. */
  ownedBy?: string;
  /** Where the API is mounted; default `/v1`. */
  basePath?: string;
  /** A `Server` header; none by default. */
  serverHeader?: string;
  contextLength?: number;
  /** Refuse `max_tokens` above the context length with a 400 (default: accept it, as many servers do). */
  refuseOversized?: boolean;
}

export const OPEN: OpenAICompatibleOptions = {};
export const KEYED: OpenAICompatibleOptions = { apiKey: TEST_KEY };

const openaiError = (res: ServerResponse, status: number, message: string, type: string, code: string | null, param: string | null = null) =>
  sendJson(res, status, { error: { message, type, param, code } });

export async function startOpenAICompatible(options: OpenAICompatibleOptions = {}): Promise<RunningTarget> {
  const base = options.basePath ?? '/v1';
  const model = options.model ?? 'mistral-7b-instruct-v0.3';
  const context = options.contextLength ?? 32768;
  const card = { id: model, object: 'model', created: CREATED, owned_by: options.ownedBy ?? 'me' };

  return startTarget(
    async (req, res, raw) => {
      if (options.apiKey !== undefined) {
        const auth = firstHeader(raw, 'authorization');
        if (auth === undefined) {
          return openaiError(
            res,
            401,
            "You didn't provide an API key. You need to provide your API key in an Authorization header using " +
              'Bearer auth (i.e. Authorization: Bearer YOUR_KEY).',
            'invalid_request_error',
            null,
          );
        }
        if (auth !== `Bearer ${options.apiKey}`) return openaiError(res, 401, 'Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key');
      }
      const known: Record<string, string> = { [`${base}/models`]: 'GET', [`${base}/chat/completions`]: 'POST', [`${base}/completions`]: 'POST' };
      const method = known[req.path] ?? (req.path === `${base}/models/${model}` ? 'GET' : undefined);
      if (method === undefined)
        return openaiError(res, 404, `Unknown request URL: ${req.method} ${req.path}. Please check the URL for typos.`, 'invalid_request_error', 'unknown_url');
      if (req.method !== method) return openaiError(res, 405, `Method Not Allowed: ${req.method} ${req.path}`, 'invalid_request_error', null);
      if (req.path === `${base}/models`) return sendJson(res, 200, { object: 'list', data: [card] });
      if (req.path.startsWith(`${base}/models/`)) return sendJson(res, 200, card);

      const kind = req.path.endsWith('/chat/completions') ? 'chat' : 'text';
      if (!isRecord(req.json))
        return openaiError(res, 400, 'We could not parse the JSON body of your request. The OpenAI API expects a JSON payload.', 'invalid_request_error', null);
      const body = req.json;
      if (kind === 'chat' && chatMessages(body) === undefined)
        return openaiError(res, 400, "'messages' is a required property", 'invalid_request_error', null, 'messages');
      if (kind === 'text' && body.prompt === undefined)
        return openaiError(res, 400, "'prompt' is a required property", 'invalid_request_error', null, 'prompt');
      if (body.model !== undefined && body.model !== model) {
        return openaiError(
          res,
          404,
          `The model \`${String(body.model)}\` does not exist or you do not have access to it.`,
          'invalid_request_error',
          'model_not_found',
          'model',
        );
      }
      const limit = openaiLimit(body, kind);
      if (options.refuseOversized && limit !== undefined && limit > context) {
        return openaiError(
          res,
          400,
          `max_tokens is too large: ${limit}. This model supports at most ${context} completion tokens.`,
          'invalid_request_error',
          null,
          'max_tokens',
        );
      }
      return answerOpenAI(req, res, body, { kind, model, defaultMaxTokens: kind === 'chat' ? Infinity : 16 });
    },
    options.serverHeader !== undefined ? { serverHeader: options.serverHeader } : {},
  );
}
