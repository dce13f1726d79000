// What an answer means, defined once for every rule: refused by an auth layer, not routed, rejected for its input, the model
// answered, a handler answered without generating, and so on. Discovery, auth.missing and every bypass rule read answers
// through this module, so "refused", "routed" and "the model answered" mean the same thing everywhere.
import type { Exchange, ExchangeResponse } from '../types.js';
import { isHttpMethod } from '../untrusted.js';
import { isObject, parseResponse } from './json.js';
import { extractModelOutput, isErrorReport, type ModelOutput } from './model-output.js';
import { missingHeaders } from './rejection.js';

export type AnswerKind =
  /** 2xx carrying generated text. */
  | 'model-output'
  /** 2xx with a JSON answer that is not an error report: a handler ran without generating text (tokenizer, pooling). */
  | 'handler'
  /** An auth layer turned the request away: 401/403/407, a missing credential header, a login redirect or login page. */
  | 'refused'
  /** 429: a limiter answered instead of the route. */
  | 'rate-limited'
  /** 404 or 501: nothing is routed here. */
  | 'not-routed'
  /** 405: the route exists, for other methods (`allow` lists them). */
  | 'wrong-method'
  /** 400/411/413/415/422, or a 2xx error report: the route's own validation refused the request (it was reached). */
  | 'rejected-input'
  /** 5xx. */
  | 'server-error'
  /** 3xx that does not lead to a login (recorded, never followed). */
  | 'redirect'
  /** 2xx with nothing readable in it: empty, HTML that is not a login page, an echo of our prompt, a status word. */
  | 'unreadable'
  /** No HTTP answer at all (transport error, budget, deadline). */
  | 'no-answer';

export interface Answer {
  kind: AnswerKind;
  status: number | null;
  output?: ModelOutput;
  /** For 'refused': an auth layer (a key or token) or a session (a login form). */
  refusedBy?: 'credentials' | 'session';
  /** For 'wrong-method': the methods `Allow` lists (upper case; empty when absent). */
  allow?: string[];
}

/** Where a redirect leads to a sign-in page: the path or query names one. */
const LOGIN_LOCATION = /(^|[/?&=._-])(log-?in|sign-?in|signon|auth(enticate|orize)?|sso|oauth2?|saml|session|account|cas)([/?&=._-]|$)/i;

/** A page that asks for a password: a login form, whatever the status. */
function isLoginPage(res: ExchangeResponse): boolean {
  if (!/html/i.test(res.headers['content-type'] ?? '') && !/^\s*</.test(res.body)) return false;
  return /<form[\s>]/i.test(res.body) && /type\s*=\s*["']?password|name\s*=\s*["']?password/i.test(res.body);
}

/** Words an error report uses when it refuses the caller, not the request. */
const REFUSAL_WORDS =
  /unauthori[sz]ed|forbidden|not authenticated|authentication (is )?required|invalid (api[ _-]?)?(key|token)|missing (api[ _-]?)?(key|token)|api[ _-]?key|access token|bearer token|credentials?\b|permission denied|access denied/i;

/**
 * An error report that refuses the caller, not the request (`200 {"error": "Unauthorized"}`, `400 {"detail": "Missing API
 * key"}`). `keys` are the fields that may carry it: a 2xx is read only in its error fields, where generated text never is.
 */
function refusesInWords(res: ExchangeResponse, keys: string[]): boolean {
  const json = parseResponse(res);
  const said = isObject(json) ? keys.map((k) => json[k]).filter((v) => v !== undefined) : [];
  const text = said.length ? JSON.stringify(said) : json === null && res.status >= 400 ? res.body : '';
  return REFUSAL_WORDS.test(text.slice(0, 2000));
}

/** What the answer to a request means. `prompt` is what the request asked (an echo of it is not generation). */
export function readAnswer(ex: Exchange | undefined, prompt?: string): Answer {
  const res = ex?.response;
  // A response whose body was cut by an error still has a status: the server answered.
  if (!res) return { kind: 'no-answer', status: null };
  const s = res.status;
  if (s === 401 || s === 403 || s === 407) return { kind: 'refused', status: s, refusedBy: isLoginPage(res) ? 'session' : 'credentials' };
  if (s === 422 && missingHeaders(ex).length > 0) return { kind: 'refused', status: s, refusedBy: 'credentials' };
  if (s === 429) return { kind: 'rate-limited', status: s };
  if (s >= 300 && s < 400) {
    const location = res.headers['location'] ?? '';
    return LOGIN_LOCATION.test(location) ? { kind: 'refused', status: s, refusedBy: 'session' } : { kind: 'redirect', status: s };
  }
  if (s === 404 || s === 501) return { kind: 'not-routed', status: s };
  if (s === 405) {
    const allow = (res.headers['allow'] ?? '')
      .split(',')
      .map((m) => m.trim().toUpperCase())
      .filter(isHttpMethod);
    return { kind: 'wrong-method', status: s, allow };
  }
  if (s >= 500) return { kind: 'server-error', status: s };
  if (isLoginPage(res)) return { kind: 'refused', status: s, refusedBy: 'session' };
  if (s >= 400) {
    return refusesInWords(res, ['error', 'detail', 'message', 'msg'])
      ? { kind: 'refused', status: s, refusedBy: 'credentials' }
      : { kind: 'rejected-input', status: s };
  }
  // 2xx: generated text never sits in a status or error field, so those speak for the server; a message field may hold
  // either, and is read as a refusal only when no generated text was found.
  if (refusesInWords(res, ['error', 'detail', 'status', 'reason'])) return { kind: 'refused', status: s, refusedBy: 'credentials' };
  const output = extractModelOutput(res.body, prompt, res.headers['content-type']);
  if (output) return { kind: 'model-output', status: s, output };
  if (refusesInWords(res, ['message', 'msg'])) return { kind: 'refused', status: s, refusedBy: 'credentials' };
  const json = parseResponse(res);
  // A handler that reports its errors with a 2xx (`200 {"ok": false, "error": "utterance is required"}`) was reached and
  // refused the request's input, as a 400 would.
  if (isErrorReport(json)) return { kind: 'rejected-input', status: s };
  const handler = json !== null && typeof json === 'object' && (Array.isArray(json) ? json.length > 0 : Object.keys(json).length > 0);
  return { kind: handler ? 'handler' : 'unreadable', status: s };
}

/** An auth layer turned the request away. */
export function isRefused(ex: Exchange | undefined): boolean {
  return readAnswer(ex).kind === 'refused';
}

/** The router turned the request away before any handler ran: unknown path, wrong method, method not implemented. */
export function isNotRouted(ex: Exchange | undefined): boolean {
  const kind = readAnswer(ex).kind;
  return kind === 'not-routed' || kind === 'wrong-method';
}

/** The model answered: generated text (not an echo of `prompt`) in a 2xx answer. */
export function modelOutputOf(ex: Exchange | undefined, prompt: string): ModelOutput | null {
  const a = readAnswer(ex, prompt);
  return a.kind === 'model-output' ? a.output! : null;
}

/** A short clause for reports: "401 (refused)", "200 with model output", "no answer (…)". */
export function describeAnswer(a: Answer): string {
  const words: Record<AnswerKind, string> = {
    'model-output': 'with model output',
    handler: "with a handler's JSON answer",
    refused: a.refusedBy === 'session' ? '(refused: a login is required)' : '(refused)',
    'rate-limited': '(rate limited)',
    'not-routed': '(not routed)',
    'wrong-method': `(wrong method${a.allow?.length ? `; allows ${a.allow.join(', ')}` : ''})`,
    'rejected-input': '(the request was rejected as invalid)',
    'server-error': '(server error)',
    redirect: '(a redirect)',
    unreadable: 'without readable model output',
    'no-answer': 'no answer',
  };
  return a.status === null ? words['no-answer'] : `${a.status} ${words[a.kind]}`;
}
