// Request bodies for each inference API family. Every body asks for at most one token (docs/architecture.md, "Cheap first"),
// unless the caller asks for a specific limit (the cost probe, which streams and hangs up after the first event).
import type { BodyShapeId } from '../types.js';

export interface BodyOptions {
  prompt: string;
  model?: string;
  /** Generation limit; 1 unless a cost probe says otherwise. */
  maxTokens?: number;
  stream?: boolean;
}

/**
 * Names wrappers use for the prompt, best first. When a route's own field is unknown, its request offers the prompt under
 * every one of them at once (a wrapper reads the one it knows and ignores the rest); a strict validator that refuses the
 * extras names them, and they are dropped.
 */
export const PROMPT_FIELD_GUESSES = ['prompt', 'text', 'message', 'input', 'query', 'question', 'inputs', 'q', 'content', 'instruction'] as const;

/** Field names that mean "the prompt" when found in an OpenAPI schema, a validation error or a query string. */
export const PROMPT_LIKE_FIELDS = [
  'text',
  'prompt',
  'inputs',
  'input',
  'query',
  'question',
  'message',
  'messages',
  'content',
  'user_prompt',
  'instruction',
  'text_input',
  'q',
  'prompt_text',
  'user_input',
  'user_message',
  'msg',
  'chat_input',
  'input_text',
  'question_text',
  'utterance',
];

/** Field names that limit generation length: set to the token limit wherever a request has them. */
export const LIMIT_FIELDS = [
  'max_tokens',
  'max_new_tokens',
  'max_completion_tokens',
  'n_predict',
  'num_predict',
  'max_length',
  'max_gen_len',
  'max_output_tokens',
  'max_gen_tokens',
  'tokens_max',
  'max_len',
];

/** Sent beside the prompt when a wrapper's schema is unknown: the two limit names nearly every wrapper that has one uses. */
export const USUAL_LIMIT_FIELDS = ['max_tokens', 'max_new_tokens'];

/** The last segment of a dotted name in snake case: `input.userQuery` → `user_query`, `maxTokens` → `max_tokens`. */
function lastWordsOf(name: string): string {
  const last = name.split('.').pop() ?? name;
  return last
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/-/g, '_')
    .toLowerCase();
}

/** The words a compound prompt field ends with (`user_query`, `chatMessage`, `inputText`). */
const PROMPT_WORDS = new Set(['prompt', 'query', 'question', 'text', 'input', 'message', 'instruction', 'instructions', 'utterance']);
/** First words of a compound that is not the user's prompt (`system_prompt`, `negative_prompt`). */
const NOT_THE_PROMPT = new Set(['system', 'negative', 'max', 'min', 'num', 'stop', 'response', 'output', 'completion']);

/** A field named exactly as wrappers name the prompt, in any case style (`prompt`, `userInput`, `user_input`). */
export function isExactPromptName(name: string): boolean {
  return PROMPT_LIKE_FIELDS.includes(lastWordsOf(name));
}

/** A field that carries the prompt: a usual name, or a compound that ends with a prompt word (`userQuery`, `chat_message`). */
export function isPromptLike(name: string): boolean {
  const words = lastWordsOf(name);
  if (PROMPT_LIKE_FIELDS.includes(words)) return true;
  const parts = words.split('_').filter(Boolean);
  return parts.length > 1 && PROMPT_WORDS.has(parts[parts.length - 1]!) && !NOT_THE_PROMPT.has(parts[0]!) && !isLimitField(name);
}

/** A generation limit, in any case style (`max_tokens`, `maxTokens`, `maxLen`, `MAX_NEW_TOKENS`). */
export function isLimitField(name: string): boolean {
  return LIMIT_FIELDS.includes(lastWordsOf(name));
}

/** Bodies of the product APIs (every shape but a wrapper's own and the user's template, which route-request.ts builds). */
export type ProductShape = Exclude<BodyShapeId, 'wrapper' | 'template'>;

export function buildBody(shape: ProductShape, o: BodyOptions): Record<string, unknown> {
  const n = o.maxTokens ?? 1;
  const model = o.model;
  const stream = o.stream ?? false;
  switch (shape) {
    case 'openai-chat':
      return { ...(model ? { model } : {}), messages: [{ role: 'user', content: o.prompt }], max_tokens: n, stream };
    case 'openai-completions':
      return { ...(model ? { model } : {}), prompt: o.prompt, max_tokens: n, stream };
    case 'tgi-generate':
      return { inputs: o.prompt, parameters: { max_new_tokens: n } };
    case 'ollama-generate':
      return { ...(model ? { model } : {}), prompt: o.prompt, stream, options: { num_predict: n } };
    case 'ollama-chat':
      return { ...(model ? { model } : {}), messages: [{ role: 'user', content: o.prompt }], stream, options: { num_predict: n } };
    case 'llamacpp-completion':
      return { prompt: o.prompt, n_predict: n, stream };
    case 'kobold-generate':
      return { prompt: o.prompt, max_length: n };
    case 'sglang-generate':
      return { text: o.prompt, sampling_params: { max_new_tokens: n } };
    case 'kserve-v2':
      return {
        inputs: [{ name: 'text_input', shape: [1], datatype: 'BYTES', data: [o.prompt] }],
        parameters: { max_tokens: n },
      };
    case 'tgi-kserve': {
      // TGI deserializes Input.data as Vec<u8> and requires `id` and one `outputs` entry per input (router/src/kserve.rs).
      const bytes = [...Buffer.from(o.prompt, 'utf8')];
      return {
        id: 'gatecrash',
        inputs: [{ name: 'input-0', shape: [bytes.length], datatype: 'BYTES', data: bytes }],
        outputs: [{ name: 'output-0' }],
        parameters: { max_new_tokens: n },
      };
    }
    case 'triton-generate':
      return { text_input: o.prompt, parameters: { max_tokens: n, stream } };
  }
}

/**
 * The discovery body: no prompt, so a server can only refuse (401/403), validate (400/422) or route (404/405) it; and the
 * generation limit at one token, so a server that fills a missing prompt with a default still cannot run long. A wrapper
 * gets `{}`, whose 422 names the required fields and headers.
 */
export function validationProbeBody(shape: BodyShapeId | undefined): Record<string, unknown> {
  switch (shape) {
    case 'openai-chat':
    case 'openai-completions':
      return { max_tokens: 1 };
    case 'tgi-generate':
      return { parameters: { max_new_tokens: 1 } };
    case 'ollama-generate':
    case 'ollama-chat':
      return { options: { num_predict: 1 } };
    case 'llamacpp-completion':
      return { n_predict: 1 };
    case 'kobold-generate':
      return { max_length: 1 };
    case 'sglang-generate':
      return { sampling_params: { max_new_tokens: 1 } };
    case 'kserve-v2':
    case 'triton-generate':
      return { parameters: { max_tokens: 1 } };
    default:
      return {};
  }
}
