// Small shared pieces for the emulators of SGLang, LiteLLM, LocalAI, KoboldCpp, text-generation-webui,
// LM Studio, Triton): a route matcher, deterministic model text, OpenAI answer shapes, Starlette's CORS and
// URL construction. Each emulator keeps its own auth and error shapes; only what is truly common lives here.
import type { ServerResponse } from 'node:http';
import { type EmulatorRequest, sendJson, sendText } from './harness.js';

// The key every KEYED preset uses and the fixed creation time of OpenAI answers: one definition for all emulators.
import { CREATED } from './mistral-model.js';

export { CREATED, TEST_KEY } from './mistral-model.js';

// ---------- requests ----------

/** One request header as a string (Node keeps the first Authorization and joins most other repeats). */
export function header(req: EmulatorRequest, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

export function cookie(req: EmulatorRequest, name: string): string | undefined {
  for (const part of (header(req, 'cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The parsed JSON body as a record ({} when absent or not an object). */
export function body(req: EmulatorRequest): Record<string, unknown> {
  const j = req.json;
  return j !== null && typeof j === 'object' && !Array.isArray(j) ? (j as Record<string, unknown>) : {};
}

/** The first argument that is a finite number: the token limit a request asked for, else the server default. */
export function firstNumber(...values: unknown[]): number | undefined {
  for (const v of values) if (typeof v === 'number' && Number.isFinite(v)) return v;
  return undefined;
}

/**
 * The path Starlette reports as `request.url.path`: it rebuilds the URL as `scheme://{Host}{path}?{query}` and
 * splits it again like Python's urlsplit, so `Host: x/health?` turns `/v1/chat/completions` into `/health`.
 * This is the construction behind vLLM's CVE-2026-48746 and LiteLLM's CVE-2026-49468 (docs/servers/vllm.md, litellm.md).
 */
export function starletteUrlPath(req: EmulatorRequest): string {
  const host = header(req, 'host');
  let path = req.path;
  try {
    path = decodeURIComponent(req.path); // scope["path"] is already percent-decoded
  } catch {
    /* keep raw */
  }
  if (!host) return path;
  const q = req.url.indexOf('?');
  const rest = host + path + (q === -1 ? '' : req.url.slice(q));
  const netlocEnd = rest.search(/[/?#]/);
  if (netlocEnd === -1) return '';
  const afterNetloc = rest.slice(netlocEnd);
  const pathEnd = afterNetloc.search(/[?#]/);
  return pathEnd === -1 ? afterNetloc : afterNetloc.slice(0, pathEnd);
}

// ---------- routing ----------

export interface RouteDef {
  methods: string[];
  /** Exact path, or a pattern whose groups become `params`. */
  path: string | RegExp;
}

export type RouteMatch<R extends RouteDef> = { route: R; params: string[] } | { allow: string[] } | null;

/** Starlette-like matching: a path match with the wrong method gives `allow` (405); HEAD is served by GET routes. */
export function matchRoute<R extends RouteDef>(routes: R[], method: string, path: string): RouteMatch<R> {
  const allow = new Set<string>();
  for (const route of routes) {
    let params: string[] | null = null;
    if (typeof route.path === 'string') params = route.path === path ? [] : null;
    else {
      const m = route.path.exec(path);
      params = m ? m.slice(1).map((p) => p ?? '') : null;
    }
    if (!params) continue;
    const methods = route.methods.includes('GET') ? [...route.methods, 'HEAD'] : route.methods;
    if (methods.includes(method)) return { route, params };
    for (const m of methods) allow.add(m);
  }
  return allow.size > 0 ? { allow: [...allow] } : null;
}

// ---------- model output ----------

const REPLY = "Hello! I'm Mistral, an AI assistant. How can I help you today?".split(' ');

/** Deterministic Mistral-like text, one word per token; one short word when the limit is 1. */
export function mistralText(maxTokens?: number): string {
  const n = maxTokens === undefined ? REPLY.length : Math.max(1, Math.floor(maxTokens));
  if (n <= 1) return 'Hello';
  return REPLY.slice(0, n).join(' ');
}

/** Rough token count for usage blocks: words. */
export function countTokens(text: unknown): number {
  const s = typeof text === 'string' ? text : JSON.stringify(text ?? '');
  return Math.max(1, s.split(/\s+/).filter(Boolean).length);
}

let sequence = 0;
export function nextId(prefix: string): string {
  sequence += 1;
  return `${prefix}${sequence.toString(16).padStart(8, '0')}`;
}

export interface OpenAIAnswer {
  model: string;
  /** The token limit the request asked for, or the server's default. */
  maxTokens: number;
  /** Extra top-level fields (system_fingerprint, stats…). */
  extra?: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** The OpenAI token limit of a chat or completions body. */
export function openaiLimit(b: Record<string, unknown>, fallback: number): number {
  return firstNumber(b.max_completion_tokens, b.max_tokens) ?? fallback;
}

/** Runs the emulated model and answers in OpenAI chat or completions shape (SSE when `stream: true`). */
export function answerOpenAI(req: EmulatorRequest, res: ServerResponse, kind: 'chat' | 'completion', a: OpenAIAnswer): void {
  req.markInference(a.maxTokens);
  const b = body(req);
  const text = mistralText(a.maxTokens);
  const finish = text.split(' ').length >= a.maxTokens ? 'length' : 'stop';
  const promptTokens = countTokens(kind === 'chat' ? b.messages : b.prompt);
  const completionTokens = text.split(' ').length;
  const id = nextId(kind === 'chat' ? 'chatcmpl-' : 'cmpl-');
  const object = kind === 'chat' ? 'chat.completion' : 'text_completion';
  if (b.stream === true) {
    const words = text.split(' ').map((w, i) => (i === 0 ? w : ` ${w}`));
    const chunks = words.map((w, i) => ({
      id,
      object: kind === 'chat' ? 'chat.completion.chunk' : 'text_completion',
      created: CREATED,
      model: a.model,
      ...a.extra,
      choices: [
        kind === 'chat'
          ? { index: 0, delta: i === 0 ? { role: 'assistant', content: w } : { content: w }, finish_reason: i === words.length - 1 ? finish : null }
          : { index: 0, text: w, finish_reason: i === words.length - 1 ? finish : null },
      ],
    }));
    sendSse(res, chunks, a.headers);
    return;
  }
  const choice =
    kind === 'chat'
      ? { index: 0, message: { role: 'assistant', content: text }, finish_reason: finish }
      : { index: 0, text, logprobs: null, finish_reason: finish };
  sendJson(
    res,
    200,
    {
      id,
      object,
      created: CREATED,
      model: a.model,
      ...a.extra,
      choices: [choice],
      usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
    },
    a.headers,
  );
}

/** Server-sent events: each item as `data: <json>`, then `data: [DONE]`. */
export function sendSse(res: ServerResponse, events: unknown[], headers: Record<string, string> = {}, done = true): void {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...headers });
  for (const e of events) res.write(`data: ${JSON.stringify(e)}\n\n`);
  if (done) res.write('data: [DONE]\n\n');
  res.end();
}

/** A body sent as-is with an explicit content type (or none, like Starlette's bare `Response`). */
export function sendRaw(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

// ---------- FastAPI / Starlette ----------

export function fastapiNotFound(res: ServerResponse): void {
  sendJson(res, 404, { detail: 'Not Found' });
}

export function fastapiMethodNotAllowed(res: ServerResponse, allow: string[]): void {
  sendJson(res, 405, { detail: 'Method Not Allowed' }, { allow: allow.join(', ') });
}

/**
 * Starlette's CORSMiddleware as SGLang, LiteLLM and text-generation-webui configure it
 * (`allow_origins=["*"], allow_credentials=True, allow_methods=["*"], allow_headers=["*"]`):
 * a preflight is answered here with the origin echoed (credentials make the origin explicit);
 * a simple request gets `*` plus `allow-credentials`, or the echoed origin when it carries a cookie.
 * Returns true when the preflight was answered.
 */
export function starletteCors(req: EmulatorRequest, res: ServerResponse): boolean {
  const origin = header(req, 'origin');
  if (!origin) return false;
  if (req.method === 'OPTIONS' && header(req, 'access-control-request-method')) {
    const h: Record<string, string> = {
      'access-control-allow-origin': origin,
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT',
      'access-control-max-age': '600',
      vary: 'Origin',
    };
    const requested = header(req, 'access-control-request-headers');
    if (requested) h['access-control-allow-headers'] = requested;
    sendText(res, 200, 'OK', h);
    return true;
  }
  res.setHeader('access-control-allow-credentials', 'true');
  if (header(req, 'cookie')) {
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('vary', 'Origin');
  } else res.setHeader('access-control-allow-origin', '*');
  return false;
}
