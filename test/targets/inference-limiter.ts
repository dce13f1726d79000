// An open OpenAI-compatible server with an inference rate limiter, for cost.no-rate-limit. Not a real product: the shape of a
// small gateway in front of a model that limits completions per client the way slowapi (`@limiter.limit("5/minute")` on the
// route, so requests that fail body validation never reach it), nginx `limit_req` or a hosted API do. It either answers 429
// with Retry-After once the window's quota is spent, or only announces its quota in OpenAI's `x-ratelimit-*` headers.
import type { ServerResponse } from 'node:http';
import { type RunningTarget, sendJson, startTarget } from './harness.js';
import { CREATED, chatMessages, isRecord } from './mistral-model.js';
import { answerOpenAI } from './openai-compatible.js';

export interface InferenceLimiterOptions {
  /** Completions allowed per window; the next ones get 429 with Retry-After. Default: unlimited. */
  limit?: number;
  windowMs?: number;
  /** Every completion carries `x-ratelimit-limit-requests`, `x-ratelimit-remaining-requests`, `x-ratelimit-reset-requests`. */
  announce?: boolean;
}

/** 429 with Retry-After after five completions a minute. */
export const LIMITS_BURSTS: InferenceLimiterOptions = { limit: 5, windowMs: 60_000 };
/** Announces a (generous) quota in headers on every answer and never needs to refuse within a scan. */
export const ANNOUNCES_QUOTA: InferenceLimiterOptions = { limit: 10_000, windowMs: 60_000, announce: true };

const MODEL = 'mistral-7b-instruct-v0.3';

const openaiError = (res: ServerResponse, status: number, message: string, code: string | null, headers: Record<string, string> = {}) =>
  sendJson(res, status, { error: { message, type: status === 429 ? 'rate_limit_error' : 'invalid_request_error', param: null, code } }, headers);

export async function startInferenceLimiter(options: InferenceLimiterOptions = {}): Promise<RunningTarget> {
  const windowMs = options.windowMs ?? 60_000;
  let windowStart = Date.now();
  let used = 0;
  return startTarget(async (req, res) => {
    if (req.method === 'GET' && req.path === '/v1/models')
      return sendJson(res, 200, { object: 'list', data: [{ id: MODEL, object: 'model', created: CREATED, owned_by: 'me' }] });
    const kind = req.path === '/v1/chat/completions' ? 'chat' : req.path === '/v1/completions' ? 'text' : null;
    if (!kind) return openaiError(res, 404, `Unknown request URL: ${req.method} ${req.path}.`, 'unknown_url');
    if (req.method !== 'POST') return openaiError(res, 405, `Method Not Allowed: ${req.method} ${req.path}`, null);
    if (!isRecord(req.json)) return openaiError(res, 400, 'We could not parse the JSON body of your request.', null);
    if (kind === 'chat' && chatMessages(req.json) === undefined) return openaiError(res, 400, "'messages' is a required property", null);
    if (kind === 'text' && req.json.prompt === undefined) return openaiError(res, 400, "'prompt' is a required property", null);

    const now = Date.now();
    if (now - windowStart >= windowMs) {
      windowStart = now;
      used = 0;
    }
    const limit = options.limit ?? Infinity;
    const resetSeconds = Math.max(1, Math.ceil((windowStart + windowMs - now) / 1000));
    if (used >= limit) {
      return openaiError(res, 429, 'Rate limit reached for requests. Please try again later.', 'rate_limit_exceeded', { 'retry-after': String(resetSeconds) });
    }
    used++;
    const headers: Record<string, string> = options.announce
      ? {
          'x-ratelimit-limit-requests': String(limit),
          'x-ratelimit-remaining-requests': String(limit - used),
          'x-ratelimit-reset-requests': `${resetSeconds}s`,
        }
      : {};
    return answerOpenAI(req, res, req.json, { kind, model: MODEL, defaultMaxTokens: kind === 'chat' ? Infinity : 16, headers });
  });
}
