// Request bodies for each inference API family. Every body asks for at most one token (CHECKS.md Principle 3),
// unless the caller asks for a specific limit (the cost probe, which streams and hangs up after the first event).
import type { BodyShapeId, Route } from '../types.js';

export interface BodyOptions {
  prompt: string;
  model?: string;
  /** Generation limit; 1 unless a cost probe says otherwise. */
  maxTokens?: number;
  stream?: boolean;
}

type FieldType = NonNullable<Route['fields']>[string];

/** Names wrappers commonly use for the prompt, in the order they are tried when nothing tells which one. */
export const PROMPT_FIELD_GUESSES = ['text', 'prompt', 'inputs'] as const;

/** Field names that mean "the prompt" when found in an OpenAPI schema or a 422. */
export const PROMPT_LIKE_FIELDS = ['text', 'prompt', 'inputs', 'input', 'query', 'question', 'message', 'messages', 'content', 'user_prompt', 'instruction', 'text_input'];

/** Field names that limit generation length: set to the token limit when a wrapper declares them. */
const LIMIT_FIELDS = ['max_tokens', 'max_new_tokens', 'n_predict', 'num_predict', 'max_length', 'max_gen_len', 'max_output_tokens'];

export function buildBody(shape: BodyShapeId, o: BodyOptions, route?: Pick<Route, 'promptField' | 'fields'>): Record<string, unknown> {
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
    case 'wrapper':
      return wrapperBody(o, route);
  }
}

function wrapperBody(o: BodyOptions, route?: Pick<Route, 'promptField' | 'fields'>): Record<string, unknown> {
  const field = route?.promptField ?? 'text';
  const body: Record<string, unknown> = {};
  for (const [name, type] of Object.entries(route?.fields ?? {})) body[name] = fillerFor(name, type, o);
  body[field] = field === 'messages' ? [{ role: 'user', content: o.prompt }] : o.prompt;
  for (const limit of LIMIT_FIELDS) if (limit in body) body[limit] = o.maxTokens ?? 1;
  return body;
}

/** Strings get the benign prompt, numbers 1 (which also keeps any length field at one token), booleans false. */
function fillerFor(name: string, type: FieldType, o: BodyOptions): unknown {
  switch (type) {
    case 'number':
      return LIMIT_FIELDS.includes(name) ? (o.maxTokens ?? 1) : 1;
    case 'boolean':
      return false;
    case 'array':
      return name === 'messages' ? [{ role: 'user', content: o.prompt }] : [];
    case 'object':
      return {};
    default:
      return name === 'model' && o.model ? o.model : o.prompt;
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
