// llm.template-leak — generated output contains raw chat-template markers: a raw concatenated prompt
// decoded without skip_special_tokens, a missing tool parser, a fake next turn. Judged on auth.missing's own one-token answers
// (the same probes, answered from the dedup cache) and, with the user's key, on one-token answers of the guarded routes.

import { describeServer } from '../../surface/inference.js';
import { type ReusedAttempt, readableOutputAttempts } from '../../surface/inference-reuse.js';
import { findTemplateLeakMarkers, mistralTokenizerGeneration } from '../../surface/model-family.js';
import type { Finding } from '../../types.js';
import { quote } from '../../untrusted.js';
import { DEPTH_ORDER, defineCheck } from '../define.js';
import family from './index.js';

/** What the leaked markers say about the template and tokenizer behind the output, in words. */
export function leakReading(text: string, prompt: string): { kind: string; generation: string } {
  const gen = mistralTokenizerGeneration(text);
  const echoed = new RegExp(`\\[INST\\]\\s*${prompt.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*\\[/INST\\]`).test(text);
  const kind = echoed
    ? 'the prompt came back wrapped in the chat template: the server decodes the whole sequence (prompt included) without skipping special tokens'
    : /\[TOOL_CALLS\]|\[\/?AVAILABLE_TOOLS\]|\[\/?TOOL_RESULTS\]/.test(text)
      ? 'tool-call markers came back as text: no tool parser handles them'
      : /\[INST\]|\[SYSTEM_PROMPT\]/.test(text)
        ? 'the output opens a new turn: the model writes a fake next turn because generation does not stop at the end of its own'
        : 'sequence markers came back as text: the server decodes without skipping special tokens';
  const generation =
    gen === 'v1'
      ? 'Mistral V1 tokenizer layout (plain-text "[INST] … [/INST]" with spaces: Mistral-7B-Instruct ' +
        'v0.1/v0.2, Mixtral-8x7B), where the markers are ordinary text'
      : gen === 'v3'
        ? 'Mistral V3 layout ("[INST] …[/INST]"): control tokens decoded back to text'
        : gen === 'v3-tekken'
          ? 'Mistral V3-Tekken layout ("[INST]…[/INST]", no spaces): control tokens decoded back to text'
          : gen === 'v7'
            ? 'Mistral V7+ layout ([SYSTEM_PROMPT] markers): control tokens decoded back to text'
            : 'no [INST] layout to tell the tokenizer generation from';
  return { kind, generation };
}

export default defineCheck(family, {
  id: 'llm-template-leak',
  depth: 'quick',
  async run(ctx) {
    const quick = DEPTH_ORDER[ctx.options.depth] === 0;
    const prompt = ctx.options.prompt;
    const withKey = Object.keys(ctx.target.credentials).length > 0;
    const attempts = await readableOutputAttempts(ctx.send, ctx.surface, prompt, quick, withKey);
    if (!attempts.some((a) => a.output)) {
      ctx.mark(
        'llm.template-leak',
        'inconclusive',
        withKey
          ? 'No inference route returned model output, with or without your credentials, to read template markers from.'
          : 'No open inference route returned model output (without credentials) to read template markers from; ' +
              'pass your key (--header or --bearer) to judge guarded routes.',
      );
      return [];
    }
    // Markers that our own prompt contains prove nothing (a custom --prompt may carry them).
    const ownMarkers = new Set(findTemplateLeakMarkers(prompt));
    const leaking = attempts
      .map((a) => ({ a, markers: a.output ? findTemplateLeakMarkers(a.output.text).filter((m) => !ownMarkers.has(m)) : [] }))
      .filter((x) => x.markers.length > 0);
    // One finding per body family: routes of one family share the server's decoding, so they leak alike.
    const byFamily = new Map<string, { a: ReusedAttempt; markers: string[] }[]>();
    for (const x of leaking) {
      const family = x.a.route.shape ?? 'wrapper';
      byFamily.set(family, [...(byFamily.get(family) ?? []), x]);
    }
    const { family: modelFamily, server } = describeServer(ctx.surface);
    const findings: Finding[] = [];
    for (const group of byFamily.values()) {
      const { a, markers } = group[0]!;
      const others = group.slice(1);
      const text = a.output!.text;
      const { kind, generation } = leakReading(text, prompt);
      const path = new URL(a.exchange.request.url).pathname;
      findings.push(
        ctx.finding({
          rule: 'llm.template-leak',
          confidence: 'confirmed',
          description:
            `The ${modelFamily}model's output on ${a.route.method} ${path}${server} contains raw chat-template markers (${markers.join(', ')}): ` +
            `${quote(text, 80)}. ${kind[0]!.toUpperCase()}${kind.slice(1)}. The evidence points to the ${generation}.`,
          exchange: a.exchange,
          ...(others.length ? { extra: others.map((o) => o.a.exchange) } : {}),
          notes: [
            `markers: ${markers.join(' ')}`,
            `tokenizer generation: ${mistralTokenizerGeneration(text) ?? 'unknown'}`,
            a.exchange.probe.credentials === 'user'
              ? 'judged on a one-token request sent with your credentials (the route is guarded)'
              : 'judged on the one-token request auth.missing sent (no request of its own)',
            ...others.map((o) => `also on ${o.a.route.method} ${new URL(o.a.exchange.request.url).pathname}: ${o.markers.join(' ')}`),
          ],
        }),
      );
    }
    return findings;
  },
});
