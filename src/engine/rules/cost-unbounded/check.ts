// cost.unbounded-generation (deep) — an open inference route accepts a generation limit far above the model's context
// (`max_tokens: 1000000`) instead of refusing it. One request, streamed: the client reads the first event and closes the
// connection (Probe.stream = 'first-event'), so the server never gets to generate at length. Only routes whose body can ask
// for a stream are tried: a non-streaming route would generate everything before its first byte. A 4xx refusal is a pass.

import { describeServer } from '../../surface/inference.js';
import { authMissingAttempts, authMissingRoutes, type ReusedAttempt } from '../../surface/inference-reuse.js';

import { probeOf, requestFor } from '../../surface/route-request.js';
import { isObject, okObjectAt, openAiModelList } from '../../surface/signals-read.js';
import type { BodyShapeId, Exchange, Signals } from '../../types.js';

import { defineCheck } from '../define.js';
import family from './index.js';

export const OVERSIZED_LIMIT = 1_000_000;

/** Shapes whose body asks for a stream (buildBody sets `stream`); SGLang's native route takes a top-level `stream` too. */
const STREAMING_SHAPES: BodyShapeId[] = ['openai-chat', 'openai-completions', 'llamacpp-completion', 'ollama-generate', 'ollama-chat', 'sglang-generate'];

/** The context length the server states, with where it said so (vLLM max_model_len, TGI max_total_tokens, llama.cpp n_ctx). */
export function statedContext(signals: Signals): { tokens: number; where: string } | null {
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : null);
  for (const m of openAiModelList(signals, '/v1/models') ?? []) {
    const n = num(m.raw['max_model_len']);
    if (n) return { tokens: n, where: 'GET /v1/models max_model_len' };
  }
  const tgi = num(okObjectAt(signals, '/info')?.['max_total_tokens']);
  if (tgi) return { tokens: tgi, where: 'GET /info max_total_tokens' };
  const props = okObjectAt(signals, '/props');
  const settings = props?.['default_generation_settings'];
  const nCtx = num(props?.['n_ctx']) ?? (isObject(settings) ? num(settings['n_ctx']) : null);
  if (nCtx) return { tokens: nCtx, where: 'GET /props n_ctx' };
  return null;
}

/** Far above the context: a million tokens, or four times a stated context that is itself that large. */
export function oversizedLimit(context: number | null): number {
  return context !== null && context * 4 > OVERSIZED_LIMIT ? context * 4 : OVERSIZED_LIMIT;
}

function refused(ex: Exchange): boolean {
  const s = ex.response?.status;
  return s !== undefined && s >= 400 && s < 500 && s !== 401 && s !== 403 && s !== 407 && s !== 429;
}

export default defineCheck(family, {
  id: 'cost-unbounded',
  depth: 'deep',
  async run(ctx) {
    const prompt = ctx.options.prompt;
    // auth.missing's probes (from the dedup cache) tell which open route really reaches the model.
    const attempts = await authMissingAttempts(ctx.send, ctx.surface, authMissingRoutes(ctx.surface.routes, false), prompt);
    const working = attempts.filter((a) => a.output);
    const chosen: ReusedAttempt | undefined = working.find((a) => a.route.shape && STREAMING_SHAPES.includes(a.route.shape));
    if (!chosen) {
      ctx.mark(
        'cost.unbounded-generation',
        'inconclusive',
        working.length
          ? 'No open inference route can be asked to stream, and an oversized limit is never sent to a route that would generate before answering.'
          : 'No open inference route returned model output without credentials.',
      );
      return [];
    }
    const context = statedContext(ctx.surface.signals);
    const limit = oversizedLimit(context?.tokens ?? null);
    const request = requestFor(chosen.route, ctx.surface, { prompt, maxTokens: limit, stream: true });
    const body = { ...(JSON.parse(request.body ?? '{}') as object), ...(chosen.route.shape === 'sglang-generate' ? { stream: true } : {}) };
    const ex = await ctx.send(
      probeOf(
        { ...request, body: JSON.stringify(body) },
        { inference: true, stream: 'first-event', purpose: `cost: ${limit} tokens asked on ${chosen.route.path}, streamed and closed after the first event` },
      ),
    );
    const s = ex.response?.status;
    if (s === undefined || refused(ex)) {
      if (s === undefined) ctx.mark('cost.unbounded-generation', 'inconclusive', `The oversized request got no answer: ${ex.error ?? 'no response'}.`);
      return [];
    }
    if (s < 200 || s >= 300) {
      ctx.mark('cost.unbounded-generation', 'inconclusive', `The oversized request was answered ${s}, neither accepted nor refused as too long.`);
      return [];
    }
    const first = ex.response!.body.trim();
    const streamed = /^data:|^\{/.test(first) || /event-stream|ndjson/.test(ex.response!.headers['content-type'] ?? '');
    const { family, server } = describeServer(ctx.surface);
    const path = new URL(ex.request.url).pathname;
    const contextWords = context ? `, ${Math.round(limit / context.tokens)}× the ${context.tokens}-token context the server states (${context.where})` : '';
    return [
      ctx.finding({
        rule: 'cost.unbounded-generation',
        confidence: streamed ? 'confirmed' : 'firm',
        description:
          `${chosen.route.method} ${path}${server} accepted a request for ${limit} generated tokens${contextWords} without credentials and started ` +
          `streaming the ${family}model's answer (${s}) instead of refusing the limit: anyone can make it generate until the context runs out. ` +
          'Gatecrash closed the connection after the first event.',
        exchange: ex,
        baseline: chosen.exchange,
        notes: [
          `limit asked: ${limit}`,
          ...(context ? [`stated context: ${context.tokens} (${context.where})`] : ['the server states no context length']),
          'read only the first event, then closed',
        ],
      }),
    ];
  },
});
