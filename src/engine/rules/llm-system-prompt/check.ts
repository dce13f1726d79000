// llm.system-prompt-exposure — the chat template or system prompt is readable without credentials (llama.cpp `/props`
// chat_template and `/apply-template`, vLLM `/tokenizer_info`, TGI `/chat_tokenize`). Reads `/props` from the cheap phase;
// template renderers get a harmless one-message chat (no generation), the same request llm.template-injection and
// auth.alternate-path send. One finding for the whole family, naming every route that disclosed the template.

import { readChatTemplates, type TemplateReading } from '../../surface/chat-template.js';
import { describeServer } from '../../surface/inference.js';

import { findTemplateLeakMarkers, mistralTokenizerGeneration } from '../../surface/model-family.js';
import { quote } from '../../untrusted.js';
import { defineCheck } from '../define.js';
import family from './index.js';

/** Text a rendering of our one-message chat carries beyond our prompt and the template's markers: a built-in system prompt. */
export function unsentText(rendered: string, prompt: string): string {
  let rest = rendered.split(prompt).join(' ');
  for (const m of findTemplateLeakMarkers(rest)) rest = rest.split(m).join(' ');
  // Other families' markers (<|im_start|>, <start_of_turn>, <|eot_id|>…) and role words the templates write.
  rest = rest.replace(/<\|[^|>]*\|>|<[a-z_]+>|<\/?[a-z_]+>|<<\/?SYS>>|\b(?:system|user|assistant|model)\b/gi, ' ');
  return rest.replace(/\s+/g, ' ').trim();
}

function whatItShows(r: TemplateReading, prompt: string): string {
  if (r.systemPrompt) return `system prompt ${quote(r.systemPrompt, 80)}`;
  if (r.template) return `the chat template (${r.template.length} characters of Jinja)`;
  const extra = unsentText(r.rendered!, prompt);
  return extra.length >= 12
    ? `our one-message chat rendered with text we did not send (a built-in system prompt?): ${quote(extra, 80)}`
    : `our one-message chat rendered through the template: ${quote(r.rendered!, 80)}`;
}

export default defineCheck(family, {
  id: 'llm-system-prompt',
  depth: 'standard',
  async run(ctx) {
    const prompt = ctx.options.prompt;
    const readings = await readChatTemplates(ctx.send, ctx.surface, prompt);
    if (readings.length === 0) return [];
    const [first, ...rest] = readings;
    const gen = readings.map((r) => mistralTokenizerGeneration(r.template ?? r.rendered)).find((g) => g !== null);
    const { family, server } = describeServer(ctx.surface);
    return [
      ctx.finding({
        rule: 'llm.system-prompt-exposure',
        confidence: 'confirmed',
        description:
          `The ${family}model's chat template${server} is readable without credentials: ` +
          readings.map((r) => `${r.where} shows ${whatItShows(r, prompt)}`).join('; ') +
          '. Anyone can learn the exact prompt layout (and any system prompt built into it) to craft injections.',
        exchange: first!.exchange,
        ...(rest.length ? { extra: rest.map((r) => r.exchange) } : {}),
        notes: [
          ...readings.map((r) => `${r.where}: ${r.template ? 'chat_template' : r.systemPrompt ? 'system_prompt' : 'rendered prompt'}`),
          ...(gen ? [`Mistral tokenizer generation of the template: ${gen}`] : []),
        ],
      }),
    ];
  },
});
