// Which model family a server runs, from model ids first, then the chat template, then generated text.
// The Mistral tokenizer generations and the leak markers are docs/chat-templates.md.

/**
 * Raw template markers in generated output (docs/chat-templates.md): a raw concatenated prompt, a missing tool parser, a fake next turn.
 * No `g` flag: `test()` stays stateless. Use `findTemplateLeakMarkers` to list every match.
 */
export const TEMPLATE_LEAK_MARKERS = /\[\/?INST\]|\[\/?SYSTEM_PROMPT\]|\[TOOL_CALLS\]|\[\/?AVAILABLE_TOOLS\]|\[\/?TOOL_RESULTS\]|<\/s>|<s>/;

/** The distinct leak markers found in a text, in order of first appearance. */
export function findTemplateLeakMarkers(text: string): string[] {
  const re = new RegExp(TEMPLATE_LEAK_MARKERS.source, 'g');
  return [...new Set(text.match(re) ?? [])];
}

export type ModelFamily =
  | 'mistral'
  | 'llama'
  | 'qwen'
  | 'gemma'
  | 'phi'
  | 'deepseek'
  | 'falcon'
  | 'command-r'
  | 'granite'
  | 'starcoder'
  | 'yi'
  | 'internlm'
  | 'olmo'
  | 'smollm'
  | 'gpt-oss'
  | 'gpt2';

/**
 * Name patterns, most specific first: a fine-tune names its base last ("Nous-Hermes-2-Mistral-7B", "DeepSeek-R1-Distill-Llama-8B"),
 * so the order decides which word wins. Mixtral, Codestral, Ministral, Pixtral, Mathstral, Magistral and Devstral are Mistral's.
 */
const ID_PATTERNS: [ModelFamily, RegExp][] = [
  ['mistral', /mi[sx]tral|codestral|ministral|pixtral|mathstral|magistral|devstral|voxtral|\bmistralai\b/],
  ['deepseek', /deepseek/],
  ['qwen', /qwen|qwq/],
  ['gemma', /gemma|codegemma/],
  ['phi', /(^|[^a-z])phi-?[1-4]|(^|[/_-])phi($|[._-])/],
  ['command-r', /command-?r|c4ai|aya-/],
  ['granite', /granite/],
  ['starcoder', /starcoder/],
  ['falcon', /falcon/],
  ['internlm', /internlm/],
  ['olmo', /olmo/],
  ['smollm', /smollm/],
  ['yi', /(^|[/_-])yi-\d/],
  ['gpt-oss', /gpt-oss/],
  ['llama', /llama|vicuna|alpaca|codellama|tinyllama/],
  ['gpt2', /(^|[/_-])gpt2/],
];

function familyFromId(id: string): ModelFamily | null {
  const s = id.toLowerCase();
  for (const [family, re] of ID_PATTERNS) if (re.test(s)) return family;
  return null;
}

/** Template dialects, for when no model id names the family. `[INST]` without `<<SYS>>` is Mistral's (Llama 2 adds `<<SYS>>`). */
function familyFromTemplate(t: string): ModelFamily | null {
  if (/<<SYS>>/.test(t)) return 'llama';
  if (/\[\/?INST\]|\[\/?SYSTEM_PROMPT\]|\[AVAILABLE_TOOLS\]|\[TOOL_CALLS\]/.test(t)) return 'mistral';
  if (/<\|start_header_id\|>|<\|eot_id\|>/.test(t)) return 'llama';
  if (/<start_of_turn>|<end_of_turn>/.test(t)) return 'gemma';
  // ChatML is Qwen's, and also that of many other models' fine-tunes (Hermes, Yi, Dolphin, SmolLM) and what llama-server
  // falls back to for a GGUF without a template: only Qwen's own words in it name the family.
  if (/<\|im_start\|>/.test(t) && /\bqwen\b|alibaba/i.test(t)) return 'qwen';
  if (/<\|user\|>[\s\S]*<\|end\|>|<\|assistant\|>[\s\S]*<\|end\|>/.test(t)) return 'phi';
  if (/<｜User｜>|<｜Assistant｜>/.test(t)) return 'deepseek';
  if (/<\|START_OF_TURN_TOKEN\|>/.test(t)) return 'command-r';
  return null;
}

export interface ModelFamilyInput {
  modelIds: string[];
  chatTemplate?: string | null;
  /** Generated texts, when inference already ran; Mistral markers in output are the weakest hint. */
  outputs?: string[];
}

/** 'mistral' (Mixtral included), 'llama', 'qwen', 'gemma', 'phi', …; null when nothing names the family. */
export function detectModelFamily(input: ModelFamilyInput): ModelFamily | null {
  // The family most ids name wins; on a tie, the first model listed (servers list the default model first).
  const counts = new Map<ModelFamily, number>();
  let first: ModelFamily | null = null;
  for (const id of input.modelIds) {
    const f = familyFromId(id);
    if (!f) continue;
    first ??= f;
    counts.set(f, (counts.get(f) ?? 0) + 1);
  }
  if (first) {
    let best = first;
    for (const [f, n] of counts) if (n > (counts.get(best) ?? 0)) best = f;
    return best;
  }
  if (input.chatTemplate) {
    const f = familyFromTemplate(input.chatTemplate);
    if (f) return f;
  }
  for (const out of input.outputs ?? []) {
    if (/\[\/?INST\]|\[\/?SYSTEM_PROMPT\]|\[TOOL_CALLS\]/.test(out)) return 'mistral';
  }
  return null;
}

export type MistralTokenizerGeneration = 'v1' | 'v3' | 'v3-tekken' | 'v7';

/**
 * The Mistral tokenizer generation a template (Jinja source or a rendered prompt) or an output follows:
 * - v1 (Mistral-7B-Instruct v0.1/v0.2, Mixtral-8x7B): `<s> [INST] Hello [/INST] Fine</s>`: plain-text `[INST]`, a space before `[/INST]`;
 * - v3 (Mistral-7B v0.3, Mixtral-8x22B, Codestral): `<s>[INST] Hello[/INST] Fine</s>`: control tokens, a space after `[INST]` only;
 * - v3-tekken (Nemo, Pixtral, Ministral): `[INST]Hello[/INST]`: no spaces;
 * - v7 and later: `[SYSTEM_PROMPT]…[/SYSTEM_PROMPT]`.
 * Null when the text has no `[INST]` or is Llama 2's dialect (`<<SYS>>`).
 */
export function mistralTokenizerGeneration(text: string | null | undefined): MistralTokenizerGeneration | null {
  if (!text) return null;
  if (/\[\/?SYSTEM_PROMPT\]/.test(text)) return 'v7';
  if (!/\[\/?INST\]/.test(text) || /<<SYS>>/.test(text)) return null;
  // A space (or a quoted space in a Jinja string: ' [/INST]') before the closing marker, or `<s> [INST]`, is V1.
  if (/ \[\/INST\]|<s> \[INST\]/.test(text)) return 'v1';
  if (/\[INST\] /.test(text)) return 'v3';
  return 'v3-tekken';
}
