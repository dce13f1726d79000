// A keyed OpenAI-compatible gateway with and without a failed-authentication limiter, for auth.brute-force. Not a real
// product: the shape of a small proxy in front of a model (auth before routing, OpenAI 401 bodies) that either answers
// every wrong key at full speed, or trips after a few failures (429 with Retry-After, as slowapi / nginx limit_req /
// fail2ban-style limiters do), or slows each failure down (a tarpit).
import type { ServerResponse } from 'node:http';
import { firstHeader, type RunningTarget, sendJson, sendText, startTarget } from './harness.js';
import { CREATED, chatMessages, isRecord, TEST_KEY } from './mistral-model.js';
import { answerOpenAI } from './openai-compatible.js';

export interface ThrottleOptions {
  apiKey?: string;
  /** Wrong keys allowed before every further wrong key becomes 429 with Retry-After (a missing key is a plain 401, not counted). */
  throttleAfter?: number;
  retryAfterSeconds?: number;
  /** Each wrong key waits this many ms times the number of wrong keys so far (a growing delay). */
  tarpitMs?: number;
  /** Serves Prometheus metrics at GET /metrics without a key (as gateways left to local scrapers do). */
  openMetrics?: boolean;
}

/** Never throttles: every wrong key gets the same 401 at full speed. */
export const NEVER_THROTTLES: ThrottleOptions = { apiKey: TEST_KEY };
/** Answers 429 with Retry-After after five wrong keys. */
export const THROTTLES_AFTER_FIVE: ThrottleOptions = { apiKey: TEST_KEY, throttleAfter: 5, retryAfterSeconds: 60 };

const MODEL = 'mistral-7b-instruct-v0.3';

const openaiError = (res: ServerResponse, status: number, message: string, code: string | null, headers: Record<string, string> = {}) =>
  sendJson(res, status, { error: { message, type: 'invalid_request_error', param: null, code } }, headers);

export async function startThrottleGateway(options: ThrottleOptions = NEVER_THROTTLES): Promise<RunningTarget> {
  const key = options.apiKey ?? TEST_KEY;
  let refusals = 0;
  return startTarget(async (req, res, raw) => {
    if (options.openMetrics && req.method === 'GET' && req.path === '/metrics') {
      return sendText(res, 200, '# HELP gateway_requests_total Requests served.\n# TYPE gateway_requests_total counter\ngateway_requests_total 42\n', {
        'content-type': 'text/plain; version=0.0.4',
      });
    }
    const auth = firstHeader(raw, 'authorization');
    if (auth === undefined) return openaiError(res, 401, "You didn't provide an API key.", null);
    if (auth !== `Bearer ${key}`) {
      // A limiter of failed authentication attempts: only a presented, wrong key counts.
      refusals++;
      if (options.throttleAfter !== undefined && refusals > options.throttleAfter) {
        return openaiError(res, 429, 'Too many failed authentication attempts. Try again later.', 'rate_limit_exceeded', {
          'retry-after': String(options.retryAfterSeconds ?? 60),
        });
      }
      if (options.tarpitMs) await new Promise((r) => setTimeout(r, options.tarpitMs! * refusals));
      return openaiError(res, 401, 'Incorrect API key provided.', 'invalid_api_key');
    }
    if (req.method === 'GET' && req.path === '/v1/models')
      return sendJson(res, 200, { object: 'list', data: [{ id: MODEL, object: 'model', created: CREATED, owned_by: 'me' }] });
    if (req.path !== '/v1/chat/completions') return openaiError(res, 404, `Unknown request URL: ${req.method} ${req.path}.`, 'unknown_url');
    if (req.method !== 'POST') return openaiError(res, 405, `Method Not Allowed: ${req.method} ${req.path}`, null);
    if (!isRecord(req.json) || chatMessages(req.json) === undefined) return openaiError(res, 400, "'messages' is a required property", null);
    return answerOpenAI(req, res, req.json, { kind: 'chat', model: MODEL, defaultMaxTokens: Infinity });
  });
}
