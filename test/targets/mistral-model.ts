// The emulated Mistral model shared by the emulators: a deterministic reply, a toy tokenizer with Mistral's control
// tokens, the V1/V3 chat templates (docs/chat-templates.md), OpenAI response shapes and SSE/NDJSON writers.
import type { ServerResponse } from 'node:http';

/** The tutorial's own evidence answers "Hello! How can I assist you today?"; the tail makes longer limits visible. */
export const MISTRAL_REPLY =
  'Hello! How can I assist you today? I can answer questions, explain concepts, summarize documents and help you write or review code.';
const REPLY_WORDS = MISTRAL_REPLY.split(' ');

/** The model's answer cut to `maxTokens` words (one word = one token here). 1 → "Hello"; absent, 0 or negative (= unlimited) → all. */
export function mistralReply(maxTokens?: number): string {
  if (maxTokens === 1) return 'Hello';
  if (maxTokens === undefined || !Number.isFinite(maxTokens) || maxTokens < 1 || maxTokens >= REPLY_WORDS.length) {
    return MISTRAL_REPLY;
  }
  return REPLY_WORDS.slice(0, Math.floor(maxTokens)).join(' ');
}

/** The reply as stream pieces (each word a token, with its leading space as tokenizers decode it). */
export function replyPieces(maxTokens?: number): string[] {
  return mistralReply(maxTokens)
    .split(' ')
    .map((w, i) => (i === 0 ? w : ` ${w}`));
}

export function countWords(text: string): number {
  const t = text.trim();
  return t === '' ? 0 : t.split(/\s+/).length;
}

/** Generation stopped on the limit ('length') or on end of sequence ('stop'). */
export function finishReason(maxTokens?: number): 'length' | 'stop' {
  return maxTokens !== undefined && Number.isFinite(maxTokens) && maxTokens >= 1 && maxTokens < REPLY_WORDS.length ? 'length' : 'stop';
}

// ---------- JSON helpers ----------

export function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** The first of `names` present in `obj` as a number. */
export function numberField(obj: unknown, ...names: string[]): number | undefined {
  if (!isRecord(obj)) return undefined;
  for (const n of names) {
    const v = obj[n];
    if (typeof v === 'number') return v;
  }
  return undefined;
}

export interface ChatMessage {
  role: string;
  content: string;
}

/** OpenAI `messages` → role/content pairs (content parts joined), or undefined when the field is not a message list. */
export function chatMessages(body: unknown): ChatMessage[] | undefined {
  if (!isRecord(body) || !Array.isArray(body.messages)) return undefined;
  const out: ChatMessage[] = [];
  for (const m of body.messages) {
    if (!isRecord(m) || typeof m.role !== 'string') return undefined;
    let content = '';
    if (typeof m.content === 'string') content = m.content;
    else if (Array.isArray(m.content)) {
      content = m.content.map((p) => (isRecord(p) && typeof p.text === 'string' ? p.text : '')).join('');
    }
    out.push({ role: m.role, content });
  }
  return out;
}

// ---------- templates ----------

export type MistralTemplate = 'v1' | 'v3';

/** Jinja chat templates as the servers publish them (`/props`, `/tokenizer_info`, `/api/show`). */
export const CHAT_TEMPLATES: Record<MistralTemplate, string> = {
  // Mistral-7B-Instruct v0.1/v0.2: [INST] is plain text, so user text can forge turns.
  v1:
    "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}" +
    "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}" +
    "{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}" +
    "{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token}}" +
    "{% else %}{{ raise_exception('Only user and assistant roles are supported!') }}{% endif %}{% endfor %}",
  // Mistral-7B-Instruct v0.3: control tokens, no space before [/INST].
  v3:
    '{%- if messages[0]["role"] == "system" %}{%- set system_message = messages[0]["content"] %}' +
    '{%- set loop_messages = messages[1:] %}{%- else %}{%- set loop_messages = messages %}{%- endif %}' +
    '{{- bos_token }}{%- for message in loop_messages %}{%- if message["role"] == "user" %}' +
    '{%- if loop.last and system_message is defined %}{{- "[INST] " + system_message + "\\n\\n" + message["content"] + "[/INST]" }}' +
    '{%- else %}{{- "[INST] " + message["content"] + "[/INST]" }}{%- endif %}' +
    '{%- elif message["role"] == "assistant" %}{{- " " + message["content"]|trim + eos_token}}{%- endif %}{%- endfor %}',
};

/** Renders messages the way the template above does (system text is folded into the last user turn). */
export function renderMistral(messages: ChatMessage[], template: MistralTemplate): string {
  const system = messages.filter((m) => m.role === 'system').map((m) => m.content);
  const turns = messages.filter((m) => m.role !== 'system');
  const lastUser = turns.map((m) => m.role).lastIndexOf('user');
  let out = '<s>';
  turns.forEach((m, i) => {
    if (m.role === 'user') {
      const content = i === lastUser && system.length > 0 ? `${system.join('\n\n')}\n\n${m.content}` : m.content;
      out += template === 'v1' ? `[INST] ${content} [/INST]` : `[INST] ${content}[/INST]`;
    } else if (m.role === 'assistant') {
      out += template === 'v1' ? `${m.content}</s>` : ` ${m.content.trim()}</s>`;
    }
  });
  return out;
}

// ---------- tokenizer ----------

/** Mistral's special token ids (identical in the v0.1–v0.3 SentencePiece vocabularies for <s>, </s>; v3 adds the rest). */
const SPECIAL_IDS: Record<string, number> = { '<s>': 1, '</s>': 2 };
const CONTROL_IDS: Record<string, number> = {
  '[INST]': 3,
  '[/INST]': 4,
  '[TOOL_CALLS]': 5,
  '[AVAILABLE_TOOLS]': 6,
  '[/AVAILABLE_TOOLS]': 7,
  '[TOOL_RESULTS]': 8,
  '[/TOOL_RESULTS]': 9,
};

export interface Token {
  id: number;
  piece: string;
  start: number;
  stop: number;
}

function pieceId(piece: string): number {
  let h = 2166136261;
  for (let i = 0; i < piece.length; i++) h = Math.imul(h ^ piece.charCodeAt(i), 16777619);
  return 1000 + ((h >>> 0) % 31000);
}

/**
 * A toy tokenizer: words and punctuation get stable ids ≥ 1000; `<s>`/`</s>` in the text become 1/2 (parse_special);
 * `[INST]`, `[/INST]`… become control ids 3/4… only when `controlTokens` (a V3 vocabulary; in V1 they are plain text).
 */
export function tokenizeMistral(text: string, opts: { controlTokens: boolean; addBos?: boolean }): Token[] {
  const specials: Record<string, number> = opts.controlTokens ? { ...SPECIAL_IDS, ...CONTROL_IDS } : SPECIAL_IDS;
  const names = Object.keys(specials).sort((a, b) => b.length - a.length);
  const tokens: Token[] = opts.addBos ? [{ id: 1, piece: '<s>', start: 0, stop: 0 }] : [];
  const plain = (from: number, to: number) => {
    for (const m of text.slice(from, to).matchAll(/\s*(?:[A-Za-z0-9]+|[^\sA-Za-z0-9])|\s+$/g)) {
      const start = from + (m.index ?? 0);
      tokens.push({ id: pieceId(m[0]), piece: m[0], start, stop: start + m[0].length });
    }
  };
  let i = 0;
  while (i < text.length) {
    // Special-token strings are split out first (as HF tokenizers and llama.cpp's parse_special do); the rest is text.
    let next = -1;
    let name = '';
    for (const n of names) {
      const at = text.indexOf(n, i);
      if (at !== -1 && (next === -1 || at < next || (at === next && n.length > name.length))) [next, name] = [at, n];
    }
    if (next === -1) {
      plain(i, text.length);
      break;
    }
    plain(i, next);
    tokens.push({ id: specials[name] as number, piece: name, start: next, stop: next + name.length });
    i = next + name.length;
  }
  return tokens;
}

// ---------- OpenAI shapes ----------

export interface CompletionArgs {
  id: string;
  model: string;
  created: number;
  text: string;
  promptTokens: number;
  finish: 'length' | 'stop';
}

export function openaiChatCompletion(a: CompletionArgs, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const completionTokens = countWords(a.text);
  return {
    id: a.id,
    object: 'chat.completion',
    created: a.created,
    model: a.model,
    choices: [{ index: 0, message: { role: 'assistant', content: a.text }, logprobs: null, finish_reason: a.finish }],
    usage: { prompt_tokens: a.promptTokens, completion_tokens: completionTokens, total_tokens: a.promptTokens + completionTokens },
    ...extra,
  };
}

export function openaiTextCompletion(a: CompletionArgs, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const completionTokens = countWords(a.text);
  return {
    id: a.id,
    object: 'text_completion',
    created: a.created,
    model: a.model,
    choices: [{ index: 0, text: a.text, logprobs: null, finish_reason: a.finish }],
    usage: { prompt_tokens: a.promptTokens, completion_tokens: completionTokens, total_tokens: a.promptTokens + completionTokens },
    ...extra,
  };
}

/** The chunks of a streamed chat or text completion, one per reply piece, then the finishing chunk. */
export function openaiStreamChunks(
  kind: 'chat' | 'text',
  a: Omit<CompletionArgs, 'text' | 'promptTokens'>,
  pieces: string[],
  extra: Record<string, unknown> = {},
): Record<string, unknown>[] {
  const object = kind === 'chat' ? 'chat.completion.chunk' : 'text_completion';
  const choice = (piece: string | null, finish: string | null, first: boolean): Record<string, unknown> =>
    kind === 'chat'
      ? { index: 0, delta: piece === null ? {} : first ? { role: 'assistant', content: piece } : { content: piece }, logprobs: null, finish_reason: finish }
      : { index: 0, text: piece ?? '', logprobs: null, finish_reason: finish };
  const base = { id: a.id, object, created: a.created, model: a.model, ...extra };
  return [...pieces.map((p, i) => ({ ...base, choices: [choice(p, null, i === 0)] })), { ...base, choices: [choice(null, a.finish, false)] }];
}

// ---------- streaming writers ----------

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Writes events one by one with a short pause, so a client that reads only the first event and closes the connection
 * (the engine's `stream: 'first-event'`) really stops the "generation"; stops writing once the socket is gone.
 */
export async function writeStream(res: ServerResponse, status: number, headers: Record<string, string>, frames: string[]): Promise<void> {
  res.writeHead(status, headers);
  for (const frame of frames) {
    if (res.destroyed || res.writableEnded) return;
    res.write(frame);
    await pause(5);
  }
  if (!res.destroyed) res.end();
}

/** `data: {json}\n\n` frames (`sep` is 'data: ' for Python servers, 'data:' for TGI's axum), optionally ending in `[DONE]`. */
export function sseFrames(events: unknown[], opts: { sep?: string; done?: boolean } = {}): string[] {
  const sep = opts.sep ?? 'data: ';
  const frames = events.map((e) => `${sep}${JSON.stringify(e)}\n\n`);
  if (opts.done) frames.push(`${sep}[DONE]\n\n`);
  return frames;
}

export const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' };

/** The key every KEYED preset uses. */
export const TEST_KEY = 'sk-test-gatecrash-key-123';

/** A fixed creation time keeps answers deterministic. */
export const CREATED = 1735689600;
