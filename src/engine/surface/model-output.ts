// Reading model output from an answer: the proof that a request reached the model. Generated text may sit anywhere in a
// JSON answer (an object, an array, nested), in a stream of server-sent events or NDJSON lines, or be the whole text/plain
// body. What is not model output: an error object, an echo of our own prompt, an HTML page, an empty answer.
import { isObject, parseJson } from './json.js';

export interface ModelOutput {
  text: string;
  format: 'json' | 'stream' | 'text';
  /** Where the text was found ('choices[0].message.content', 'data: …token', 'body'), for the report's notes. */
  where: string;
  /**
   * True when only a field as likely to hold a status as generated text held it (`message`, `data`): callers hold such
   * text to one more test, that the same route did not answer the very same text without a prompt.
   */
  weak: boolean;
}

/** Path step: the value here is an array of byte values (0–255) holding UTF-8 text. */
const BYTES = '#bytes';

/** Where known servers put generated text, most specific first. */
const KNOWN_PATHS: string[][] = [
  ['choices', '*', 'message', 'content'],
  ['choices', '*', 'text'],
  ['choices', '*', 'delta', 'content'],
  ['message', 'content'], // Ollama /api/chat
  ['generated_text'],
  ['*', 'generated_text'], // TGI answers a list for some inputs
  ['generated'],
  ['response'],
  ['content'],
  ['output'],
  ['text'],
  ['completion'],
  ['answer'],
  ['text_output'], // Triton generate extension
  ['results', '*', 'text'], // KoboldCpp
  ['outputs', '*', 'data', '*'], // KServe v2
  ['outputs', '*', 'data', BYTES], // TGI's KServe route: BYTES as UTF-8 byte values
  ['token', 'text'], // TGI stream events
];

/**
 * Field names a wrapper of its own design puts generated text under, best first. Found at any depth by the general reading
 * (`{"data": {"reply": …}}`, `{"result": {"outputs": [{"text": …}]}}`); the first tier wins over the second at any depth,
 * so `{"message": "OK", "data": {"text": …}}` reads the text, not the status word.
 */
const OUTPUT_KEY_TIERS: RegExp[] = [
  /^(generated_?texts?|generated|generations?|output_?texts?|completions?|answers?|repl(y|ies)|responses?|outputs?|results?|predictions?|text|content|token|delta|chunk)$/i,
  /^(message|data|body|value)$/i,
];

/** Keys whose subtree is about the request or the run, never the generated text. */
const NOT_OUTPUT =
  /^(error|errors|detail|details|warnings?|usage|metadata|meta|prompt|input|inputs|messages|query|question|model|id|object|role|created|status|finish_reason|stop_reason|logprobs|timings|parameters|options)$/i;

/** Last words of a compound key that name generated text (`completionText`, `answer_text`, `llm_response`). */
const OUTPUT_LAST_WORD = /^(text|output|completion|response|answer|reply|generation)$/;
/** First words of a compound key about the request, not the answer (`promptText`, `input_text`, `user_message`). */
const REQUEST_FIRST_WORD = /^(prompt|input|query|question|user|system|request|instruction)$/;

/** The tier of a key (0 best, 1 as likely a status as text), or -1 when it is not output-like, in any case style. */
function outputTier(key: string): number {
  const snake = key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
  const tier = OUTPUT_KEY_TIERS.findIndex((re) => re.test(key) || re.test(snake));
  if (tier !== -1) return tier;
  const words = snake.split(/[_-]/).filter(Boolean);
  if (words.length < 2 || REQUEST_FIRST_WORD.test(words[0]!) || NOT_OUTPUT.test(snake)) return -1;
  return OUTPUT_LAST_WORD.test(words[words.length - 1]!) ? 0 : -1;
}

/** A value that says something went wrong: not absent, null, false, empty text, an empty list or an empty object. */
function saysSomething(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  return !isObject(v) || Object.keys(v).length > 0;
}

/**
 * A top-level sign that the answer reports a failure, whatever its status code. An envelope that always carries its error
 * fields (`{"result": …, "success": true, "errors": []}`) reports one only when they hold something.
 */
export function isErrorReport(json: unknown): boolean {
  if (!isObject(json)) return false;
  if (saysSomething(json['error']) || saysSomething(json['errors'])) return true;
  if (json['success'] === false || json['ok'] === false) return true;
  if (json['object'] === 'error' || json['status'] === 'error' || json['status'] === 'failed') return true;
  return 'detail' in json && Object.keys(json).length === 1;
}

function collect(value: unknown, path: string[], out: string[]): void {
  if (path.length === 0) {
    if (typeof value === 'string') out.push(value);
    return;
  }
  const [head, ...rest] = path;
  if (head === BYTES) {
    if (Array.isArray(value) && value.length > 0 && value.every((b) => Number.isInteger(b) && (b as number) >= 0 && (b as number) <= 255)) {
      out.push(Buffer.from(value as number[]).toString('utf8'));
    }
    return;
  }
  if (head === '*') {
    if (Array.isArray(value)) for (const v of value) collect(v, rest, out);
    return;
  }
  if (isObject(value) && head !== undefined) collect(value[head], rest, out);
}

function knownPathText(json: unknown): { text: string; where: string; weak: boolean } | null {
  for (const path of KNOWN_PATHS) {
    const found: string[] = [];
    collect(json, path, found);
    const text = found.join('');
    if (text.trim().length > 0) return { text, where: path.join('.').replaceAll('.*', '[]').replace(`.${BYTES}`, ' (bytes)'), weak: false };
  }
  return null;
}

const MAX_DEPTH = 6;

/** The general reading: a non-empty string under an output-like key at any depth, best tier first, then shallowest. */
function outputLikeText(json: unknown, prompt: string | undefined): { text: string; where: string; weak: boolean } | null {
  let best: { tier: number; depth: number; text: string; where: string } | null = null;
  const visit = (value: unknown, where: string, depth: number) => {
    if (depth > MAX_DEPTH) return;
    if (Array.isArray(value)) {
      for (const [i, v] of value.entries()) visit(v, `${where}[${i}]`, depth + 1);
      return;
    }
    if (!isObject(value)) return;
    for (const [key, v] of Object.entries(value)) {
      if (NOT_OUTPUT.test(key)) continue;
      const at = where ? `${where}.${key}` : key;
      if (typeof v === 'string') {
        const tier = outputTier(key);
        if (tier === -1 || v.trim() === '' || isEcho(v, prompt)) continue;
        if (!best || tier < best.tier || (tier === best.tier && depth < best.depth)) best = { tier, depth, text: v, where: at };
      } else if (Array.isArray(v) && v.length > 0 && v.every((s) => typeof s === 'string')) {
        // A list of strings under an output-like key: Gradio's `{"data": [text]}`, Vertex's `{"predictions": [text]}`.
        const tier = outputTier(key);
        const text = (v as string[]).join('');
        if (tier === -1 || !text.trim() || isEcho(text, prompt)) continue;
        if (!best || tier < best.tier || (tier === best.tier && depth < best.depth)) best = { tier, depth, text, where: at };
      } else {
        visit(v, at, depth + 1);
      }
    }
  };
  visit(json, '', 0);
  const found = best as { tier: number; text: string; where: string } | null;
  return found ? { text: found.text, where: found.where, weak: found.tier > 0 } : null;
}

/**
 * Our own prompt coming back (an echo endpoint, a validation message quoting the input) is not generation: the text is the
 * prompt, or the prompt with a few words around it ("You said: Say hello.").
 */
export function isEcho(text: string, prompt: string | undefined): boolean {
  if (!prompt) return false;
  const t = text.trim();
  const p = prompt.trim();
  return t === p || (t.includes(p) && t.length <= p.length + 24);
}

function jsonOutput(json: unknown, prompt: string | undefined): { text: string; where: string; weak: boolean } | null {
  if (isErrorReport(json)) return null;
  const known = knownPathText(json);
  if (known && !isEcho(known.text, prompt)) return known;
  return outputLikeText(json, prompt);
}

/** One event of a stream: its data, JSON or plain text. */
interface StreamEvent {
  data: string;
}

/** Server-sent events (`data:` lines, events split by blank lines) or NDJSON lines; `[DONE]` and comments skipped. */
export function streamEvents(body: string): StreamEvent[] {
  const lines = body.split(/\r?\n/);
  const sse = lines.some((l) => /^(data|event|id|retry):/.test(l));
  if (!sse)
    return lines
      .map((l) => l.trim())
      .filter((l) => l.startsWith('{') || l.startsWith('['))
      .map((data) => ({ data }));
  const events: StreamEvent[] = [];
  let data: string[] = [];
  const flush = () => {
    if (data.length) events.push({ data: data.join('\n') });
    data = [];
  };
  for (const line of lines) {
    if (line === '') flush();
    else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
  }
  flush();
  return events.filter((e) => e.data.trim() !== '' && e.data.trim() !== '[DONE]');
}

/** Generated text carried by a stream, joined across events (a partial last event of a capped read is ignored). */
function streamOutput(body: string, prompt: string | undefined): ModelOutput | null {
  const parts: string[] = [];
  let weak = false;
  for (const event of streamEvents(body)) {
    const json = parseJson(event.data);
    if (json === null) {
      // A plain-text token (`data: Hello`) unless it only looks like JSON cut short.
      if (!/^[[{]/.test(event.data.trim())) parts.push(event.data);
      continue;
    }
    if (isErrorReport(json)) return null;
    const out = jsonOutput(json, undefined);
    if (out) {
      parts.push(out.text);
      weak ||= out.weak;
    }
  }
  const text = parts.join('');
  if (!text.trim() || isEcho(text, prompt)) return null;
  return { text, format: 'stream', where: 'stream events', weak };
}

/** True once a streamed body carries generated text: the client may hang up (never let a long generation run). */
export function streamHasOutput(body: string): boolean {
  return streamOutput(body, undefined) !== null;
}

const HTML = /^\s*(<!doctype html|<html|<head|<body|<\?xml)|<\/(html|body|p|div|h1|title)>/i;

/** Streams, by content type or by their first line. */
export function looksStreamed(body: string, contentType = ''): boolean {
  return /event-stream|ndjson|jsonl|x-json-stream/i.test(contentType) || /^(data|event):/m.test(body.slice(0, 200));
}

/**
 * Generated text in a response body, or null. `sentPrompt` guards against echo endpoints; `contentType` tells a stream or a
 * plain-text answer apart from a JSON one.
 */
export function extractModelOutput(body: string, sentPrompt?: string, contentType = ''): ModelOutput | null {
  const trimmed = body.trim();
  if (!trimmed) return null;
  if (!looksStreamed(trimmed, contentType)) {
    const json = parseJson(trimmed);
    if (json !== null && typeof json === 'object') {
      const out = jsonOutput(json, sentPrompt);
      if (out) return { text: out.text, format: 'json', where: out.where, weak: out.weak };
      // Not one JSON document with text in it: it may still be NDJSON whose first line parsed.
    } else if (json === null && !/^[[{]/.test(trimmed) && !/json/i.test(contentType)) {
      return plainTextOutput(trimmed, sentPrompt, contentType);
    }
  }
  return streamOutput(trimmed, sentPrompt);
}

/** A short status phrase a route answers whatever it was asked: never generated text. */
const STATUS_WORDS =
  /^(ok|okay|success(ful)?|accepted|received|queued|submitted|pending|processing|created|done|true|false|null|none|healthy|ready|alive|pong)[.!]?$/i;

/** A plain-text body is the generated text itself, unless it is a page (HTML), an echo, or a status word. */
function plainTextOutput(text: string, prompt: string | undefined, contentType: string): ModelOutput | null {
  if (/html|xml/i.test(contentType) || HTML.test(text.slice(0, 512))) return null;
  if (isEcho(text, prompt) || STATUS_WORDS.test(text)) return null;
  return { text, format: 'text', where: 'body', weak: false };
}
