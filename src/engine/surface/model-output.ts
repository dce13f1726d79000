// Recognising model output in a response: the proof that a request reached the model (CHECKS.md, auth.missing).
// A 2xx without generated text (a health page, an error object, an echo of our own prompt) is not proof.

/** Path step: the value here is an array of byte values (0–255) holding UTF-8 text. */
const BYTES = '#bytes';

/** Where servers put generated text, most specific first. */
const OUTPUT_PATHS: string[][] = [
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
  if (value && typeof value === 'object' && !Array.isArray(value) && head !== undefined) {
    collect((value as Record<string, unknown>)[head], rest, out);
  }
}

/** Generated text found in one JSON value, or null. */
export function outputFromJson(json: unknown): string | null {
  for (const path of OUTPUT_PATHS) {
    const found: string[] = [];
    collect(json, path, found);
    const text = found.join('');
    if (text.trim().length > 0) return text;
  }
  return null;
}

/** Parses SSE (`data: {...}`) or NDJSON bodies into their JSON events. */
function streamEvents(body: string): unknown[] {
  const events: unknown[] = [];
  for (const raw of body.split(/\r?\n/)) {
    const line = raw.startsWith('data:') ? raw.slice(5).trim() : raw.trim();
    if (!line || line === '[DONE]' || !(line.startsWith('{') || line.startsWith('['))) continue;
    try {
      events.push(JSON.parse(line));
    } catch {
      // a partial last line of a capped stream
    }
  }
  return events;
}

export interface ModelOutput {
  text: string;
  /** 'json' | 'stream' */
  format: 'json' | 'stream';
}

/**
 * Extracts generated text from a response body. `sentPrompt` guards against echo endpoints:
 * a body whose only "output" is our own prompt proves nothing.
 */
export function extractModelOutput(body: string, sentPrompt?: string): ModelOutput | null {
  const trimmed = body.trim();
  if (!trimmed) return null;
  let result: ModelOutput | null = null;
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      const text = outputFromJson(JSON.parse(trimmed));
      if (text !== null) result = { text, format: 'json' };
    } catch {
      // not a single JSON document: maybe NDJSON
    }
  }
  if (!result) {
    const parts = streamEvents(trimmed).map(outputFromJson).filter((t): t is string => t !== null);
    if (parts.length) result = { text: parts.join(''), format: 'stream' };
  }
  if (result && sentPrompt !== undefined && result.text.trim() === sentPrompt.trim()) return null;
  return result;
}

/** Best-effort JSON parse of an untrusted body (null when it is not JSON). */
export function parseJson(body: string | undefined): unknown {
  if (!body) return null;
  try {
    return JSON.parse(body);
  } catch {
    return null;
  }
}
