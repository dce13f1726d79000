// llm.template-injection — user text containing chat-template markers is treated as template, so a caller can close the user
// turn and write a fake system or assistant turn. Three proofs, cheapest first:
// 1. the server's chat template (read without inference: /props, /tokenizer_info, /apply-template, /chat_tokenize) is Mistral
//    V1, whose `[INST]`/`[/INST]` are plain text: user text typing them is indistinguishable from the template (firm);
// 2. a tokenizer route turns `[/INST]` typed by a user into a single control-token id: the same text with and without a
//    trailing `[/INST]`, where a control token adds exactly one id and plain text three or more (firm; one extra request per
//    tokenizer, the plain tokenization being auth.alternate-path's own request);
// 3. a wrapper's one-token answer (auth.missing's) shows the prompt concatenated into `[INST] … [/INST]`; one more one-token
//    request with `[/INST]` in the prompt shows the marker coming back unescaped inside the template (confirmed).

import { profileById } from '../../profiles/index.js';
import { addedIds, readChatTemplates, type TemplateReading, tokenIds } from '../../surface/chat-template.js';
import { describeServer } from '../../surface/inference.js';

import { type ReusedAttempt, readableOutputAttempts, variantProbe } from '../../surface/inference-reuse.js';
import { type MistralTokenizerGeneration, mistralTokenizerGeneration } from '../../surface/model-family.js';
import { extractModelOutput } from '../../surface/model-output.js';
import { probeOf, requestFor } from '../../surface/route-request.js';
import type { Exchange, Finding, Route } from '../../types.js';
import { quote } from '../../untrusted.js';
import { type CheckContext, defineCheck } from '../define.js';
import family from './index.js';

/** The marker a caller types to close the user turn. No space before it: some tokenizers emit a lone '▁' before a special token. */
export const CLOSING_MARKER = '[/INST]';
/** Tokenizer routes tried at most (each costs one request beyond the plain tokenization). */
const MAX_TOKENIZERS = 2;
/** Inputs that are token ids, not text. */
const NON_TEXT_FIELDS = ['tokens'];

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function generationWords(gen: MistralTokenizerGeneration | null, mistral = true): string {
  switch (gen) {
    case 'v1':
      return 'the Mistral V1 tokenizer (Mistral-7B-Instruct v0.1/v0.2, Mixtral-8x7B): "[INST]" and "[/INST]" are plain text';
    case 'v3':
      return 'a Mistral V3 control-token vocabulary (Mistral-7B-Instruct v0.3, Mixtral-8x22B, Codestral)';
    case 'v3-tekken':
      return 'a Mistral V3-Tekken control-token vocabulary (Nemo, Pixtral, Ministral)';
    case 'v7':
      return 'a Mistral V7+ control-token vocabulary ([SYSTEM_PROMPT] markers)';
    default:
      return mistral ? 'a control-token vocabulary (Mistral V3 or later)' : `a vocabulary where "${CLOSING_MARKER}" is a control token`;
  }
}

// ---------- 1. the template is V1 ----------

function v1Template(readings: TemplateReading[]): TemplateReading[] {
  return readings.filter((r) => mistralTokenizerGeneration(r.template ?? r.rendered) === 'v1');
}

// ---------- 2. the tokenizer parses markers in user text ----------

interface TokenizerProof {
  route: Route;
  plain: Exchange;
  marked: Exchange;
  id: number;
}

/** Tokenizer routes that take text: the profile's own (discovery lists them), refused ones only with the user's credentials. */
function tokenizerRoutes(ctx: CheckContext): { route: Route; credentials: boolean }[] {
  const fp = ctx.surface.fingerprint;
  if (fp.product === 'unknown') return [];
  const hasKey = Object.keys(ctx.target.credentials).length > 0;
  const specs = profileById(fp.product).metadataRoutes.filter((s) => s.method === 'POST' && s.kind === 'tokenize' && s.path !== '/apply-template');
  const out: { route: Route; credentials: boolean }[] = [];
  for (const spec of specs) {
    if (spec.promptField && NON_TEXT_FIELDS.includes(spec.promptField)) continue;
    const listed = ctx.surface.routes.find((r) => r.method === 'POST' && r.path === spec.path);
    if (!listed || (listed.access === 'guarded' && !hasKey)) continue;
    const route: Route = {
      ...listed,
      kind: 'tokenize',
      ...(spec.shape ? { shape: spec.shape } : {}),
      ...(spec.promptField ? { promptField: spec.promptField } : {}),
    };
    out.push({ route, credentials: listed.access === 'guarded' });
  }
  return out.slice(0, MAX_TOKENIZERS);
}

/** The proof, else whether the route tokenized at all (a 404 or 401 judges nothing either way). */
async function tokenizerProof(ctx: CheckContext, route: Route, credentials: boolean): Promise<TokenizerProof | { answered: boolean }> {
  const prompt = ctx.options.prompt;
  const send = (text: string, purpose: string) =>
    ctx.send(probeOf(requestFor(route, ctx.surface, { prompt: text }), { purpose, ...(credentials ? { credentials: 'user' as const } : {}) }));
  // The plain tokenization is byte for byte auth.alternate-path's request to the same route (sent once).
  const plain = await send(prompt, `template injection: tokenize the plain prompt on ${route.path}`);
  const plainIds = plain.response && plain.response.status < 300 ? tokenIds(plain.response.body) : null;
  if (!plainIds) return { answered: false };
  const marked = await send(prompt + CLOSING_MARKER, `template injection: tokenize the prompt followed by ${CLOSING_MARKER} on ${route.path}`);
  const markedIds = marked.response && marked.response.status < 300 ? tokenIds(marked.response.body) : null;
  if (!markedIds) return { answered: true };
  const added = addedIds(plainIds, markedIds);
  return added && added.length === 1 ? { route, plain, marked, id: added[0]! } : { answered: true };
}

// ---------- 3. a wrapper concatenates the prompt into the template ----------

interface WrapperProof {
  attempt: ReusedAttempt;
  marked: Exchange;
  injected: string;
}

/** The answer shows `[INST] <prompt> [/INST]`: the wrapper builds the template by string concatenation and echoes it. */
function concatenates(text: string, prompt: string): boolean {
  return new RegExp(`\\[INST\\]\\s*${escapeRe(prompt.trim())}\\s*\\[/INST\\]`).test(text);
}

/** The proofs, and whether any open route gave output to judge at all (a guarded route shows nothing either way). */
async function wrapperProofs(ctx: CheckContext): Promise<{ proofs: WrapperProof[]; judged: boolean }> {
  const prompt = ctx.options.prompt;
  const attempts = await readableOutputAttempts(ctx.send, ctx.surface, prompt, false, Object.keys(ctx.target.credentials).length > 0);
  const echoing = attempts.filter((a) => a.output && concatenates(a.output.text, prompt));
  // One route per body family: the extra request is at most one per route, and routes of one family share their template code.
  const seen = new Set<string>();
  const chosen = echoing.filter((a) => {
    const family = a.route.shape ?? 'wrapper';
    if (seen.has(family)) return false;
    seen.add(family);
    return true;
  });
  const injected = `${prompt} ${CLOSING_MARKER}`;
  const proofs = await Promise.all(
    chosen.map(async (attempt): Promise<WrapperProof | null> => {
      const probe = variantProbe(
        attempt,
        ctx.surface,
        injected,
        `template injection: the prompt followed by ${CLOSING_MARKER} on ${attempt.route.path} (one token)`,
      );
      if (!probe) return null;
      const marked = await ctx.send(probe);
      const s = marked.response?.status;
      if (s === undefined || s < 200 || s >= 300) return null;
      // Our marker came back verbatim inside the template: nothing stripped or escaped it.
      const text = extractModelOutput(marked.response!.body)?.text ?? '';
      const inside = new RegExp(`\\[INST\\]\\s*${escapeRe(injected)}\\s*\\[/INST\\]`).test(text);
      return inside ? { attempt, marked, injected } : null;
    }),
  );
  return { proofs: proofs.filter((p): p is WrapperProof => p !== null), judged: attempts.some((a) => a.output) };
}

export default defineCheck(family, {
  id: 'llm-template-injection',
  depth: 'standard',
  async run(ctx) {
    const prompt = ctx.options.prompt;
    const [readings, tokenizerResults, wrapperResult] = await Promise.all([
      readChatTemplates(ctx.send, ctx.surface, prompt),
      Promise.all(tokenizerRoutes(ctx).map(({ route, credentials }) => tokenizerProof(ctx, route, credentials))),
      wrapperProofs(ctx),
    ]);
    const wrappers = wrapperResult.proofs;
    // Nothing to judge (no template readable, no tokenizer answering, no open route's output): not a pass. A route that now
    // refuses callers without a key hides its template handling; verify_fix must not count that as the injection fixed.
    const tokenized = tokenizerResults.some((p) => 'id' in p || p.answered);
    if (readings.length === 0 && !tokenized && !wrapperResult.judged) {
      ctx.mark(
        'llm.template-injection',
        'inconclusive',
        'No chat template, tokenizer route or inference output was readable to judge template handling from (pass your key to judge guarded routes).',
      );
      return [];
    }
    const tokenizers = tokenizerResults.filter((p): p is TokenizerProof => 'id' in p);
    const v1 = v1Template(readings);
    const stated = readings.map((r) => mistralTokenizerGeneration(r.template ?? r.rendered)).find((g) => g !== null) ?? null;
    const { family, server } = describeServer(ctx.surface);
    const findings: Finding[] = [];

    // The server's own template and tokenizer: one finding, the template first (it names the generation), tokenizers as extra.
    if (v1.length > 0 || tokenizers.length > 0) {
      const notes: string[] = [];
      const extra: Exchange[] = [];
      let description: string;
      let exchange: Exchange;
      let baseline: Exchange | undefined;
      if (v1.length > 0) {
        exchange = v1[0]!.exchange;
        extra.push(...v1.slice(1).map((r) => r.exchange));
        description =
          `The chat template of the ${family}model${server}, read at ${v1.map((r) => r.where).join(' and ')}, follows ${generationWords('v1')}, ` +
          `so a user who types "${CLOSING_MARKER}" closes their own turn and can write a fake assistant or system turn.`;
        notes.push('tokenizer generation: v1 (plain-text [INST])', ...v1.map((r) => `${r.where}: ${quote((r.template ?? r.rendered)!, 160)}`));
      } else {
        const t = tokenizers[0]!;
        exchange = t.marked;
        baseline = t.plain;
        description =
          `The ${family}model's tokenizer${server} turns "${CLOSING_MARKER}" typed in user text into a single control-token id (${t.id}) on ${t.route.path}: ` +
          `the plain prompt tokenizes to ${tokenIds(t.plain.response!.body)!.length} ids, the same prompt ` +
          `followed by "${CLOSING_MARKER}" to exactly one more. ` +
          `The evidence points to ` +
          `${generationWords(stated, ctx.surface.fingerprint.modelFamily === 'mistral' || ctx.surface.fingerprint.modelFamily === null)}; ` +
          `a caller can close the user turn and write a fake assistant or system turn.`;
        notes.push(`tokenizer generation: ${stated ?? 'control tokens (v3 or later)'}`);
      }
      for (const t of tokenizers) {
        if (t.marked !== exchange) extra.push(t.marked);
        if (t.plain !== baseline) extra.push(t.plain);
        notes.push(`${t.route.path}: "${CLOSING_MARKER}" in user text → control id ${t.id}`);
      }
      findings.push(
        ctx.finding({
          rule: 'llm.template-injection',
          confidence: 'firm',
          description,
          exchange,
          ...(baseline ? { baseline } : {}),
          ...(extra.length ? { extra } : {}),
          notes,
        }),
      );
    }

    for (const w of wrappers) {
      const path = new URL(w.marked.request.url).pathname;
      findings.push(
        ctx.finding({
          rule: 'llm.template-injection',
          confidence: 'confirmed',
          description:
            `${w.attempt.route.method} ${path}${server} builds the prompt by concatenating user text into "[INST] … [/INST]" as plain text ` +
            `(the Mistral V1 layout, whatever tokenizer runs underneath): a prompt ending in "${CLOSING_MARKER}" came back verbatim inside the template, ` +
            'so a caller can close the user turn and write a fake assistant or system turn.',
          exchange: w.marked,
          baseline: w.attempt.exchange,
          notes: [
            `sent prompt: ${JSON.stringify(w.injected)}`,
            'tokenizer generation: v1 layout (plain-text [INST] with spaces) built by the wrapper',
            'one extra one-token request',
          ],
          variant: 'wrapper-concatenation',
        }),
      );
    }
    return findings;
  },
});
