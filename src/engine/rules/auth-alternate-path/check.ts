// auth.alternate-path — the obvious inference route refuses callers without a key while another route reaches the same
// model without one (vLLM's routes outside its guarded prefixes, TGI's KServe route and /chat_tokenize,
// SGLang's /health_generate, KoboldCpp's image routes and suffix routing, a wrapper's forgotten second route).
// Evidence is always the refused baseline next to the open alternate. An alternate that generates text is also an
// auth.missing finding (same probe, sent once); this rule adds the differential that shows the key is there and is skipped.

import {
  type GuardedBaseline,
  handlerAnswered,
  IGNORED_PREFIX,
  line,
  modelReached,
  noBaseline,
  type Proof,
  proveVariant,
  refusedBaselines,
  routesBySuffix,
} from '../../probes/differential.js';
import { profileById } from '../../profiles/index.js';
import { describeServer, probeInference } from '../../surface/inference.js';
import { probeOf, requestFor } from '../../surface/route-request.js';
import type { Exchange, Finding, Route, Severity } from '../../types.js';
import { type CheckContext, DEPTH_ORDER, defineCheck } from '../define.js';
import family from './index.js';

/** Non-generating routes probed at standard depth (deep probes every one the profile lists). */
const MAX_SIDE_ROUTES = 6;

/** Inputs that are not text (token ids, images, audio): a text prompt there proves nothing and wastes a request. */
const NON_TEXT_FIELDS = ['tokens', 'image', 'audio_data', 'init_images'];

/** Routes that need an input image besides their text prompt (A1111's img2img): probed only through txt2img. */
const NEEDS_INPUT_IMAGE = ['/img2img'];

/**
 * Keeps a request to an image route as cheap as a one-token one: a single 64×64 step (KoboldCpp/A1111 field names).
 * Routes that need an input image are not probed at all (NON_TEXT_FIELDS).
 */
const CHEAP_EXTRAS: { suffix: string; extra: Record<string, unknown> }[] = [
  { suffix: '/sdapi/v1/txt2img', extra: { steps: 1, width: 64, height: 64, n_iter: 1, batch_size: 1 } },
];

interface Alternate {
  route: Pick<Route, 'method' | 'path' | 'kind'>;
  ex: Exchange;
  proof: Proof;
  /** The refused request to compare with, when it is not the shared baseline (a re-sent one with another body). */
  baseline?: Exchange;
  severity?: Severity;
  note: string;
}

/** The profile's POST routes that reach the model without generating text, as discovery listed them (any kind: OpenAPI may call a tokenizer "inference"). */
function sideRouteCandidates(ctx: CheckContext): Route[] {
  const fp = ctx.surface.fingerprint;
  if (fp.product === 'unknown') return [];
  const specs = profileById(fp.product).metadataRoutes.filter((s) => s.method === 'POST' && (s.kind === 'tokenize' || s.kind === 'other'));
  return specs
    .map((spec) => ({ spec, route: ctx.surface.routes.find((r) => r.method === 'POST' && r.path === spec.path) }))
    .filter(({ route }) => route !== undefined && route.access !== 'guarded')
    .map(({ spec, route }) => ({
      ...route!,
      kind: spec.kind,
      ...(spec.shape ? { shape: spec.shape } : {}),
      ...(spec.promptField ? { promptField: spec.promptField } : {}),
      ...(spec.note ? { note: spec.note } : {}),
    }));
}

/** Routes that generate text and were not refused in discovery: the same probe as auth.missing's, so sent once. */
async function openInferenceRoutes(ctx: CheckContext, sidePaths: Set<string>): Promise<Alternate[]> {
  const open = ctx.surface.routes.filter((r) => r.kind === 'inference' && r.access !== 'guarded' && !sidePaths.has(r.path));
  const results = await Promise.all(open.map((route) => probeInference(ctx.send, route, ctx.surface, { prompt: ctx.options.prompt })));
  const out: Alternate[] = [];
  results.forEach(({ exchange }, i) => {
    // Only model output counts here: a wrapper's 2xx without it may be an echo or a health page.
    const proof = modelReached(exchange, ctx.options.prompt);
    if (proof) out.push({ route: open[i]!, ex: exchange, proof, note: `inference route learned from ${open[i]!.source}` });
  });
  return out;
}

/**
 * The profile's POST routes that reach the model without generating text (tokenizers, template renderers, pooling, scoring,
 * image generation). Only profile routes: an OpenAPI operation of unknown purpose could act, so it is never invoked.
 */
async function sideRoutes(ctx: CheckContext, candidates: Route[]): Promise<Alternate[]> {
  const deep = DEPTH_ORDER[ctx.options.depth] >= DEPTH_ORDER.deep;
  const probed = candidates
    .filter((r) => !(r.promptField && NON_TEXT_FIELDS.includes(r.promptField)) && !NEEDS_INPUT_IMAGE.some((s) => r.path.endsWith(s)))
    .slice(0, deep ? undefined : MAX_SIDE_ROUTES);
  const sent = await Promise.all(
    probed.map((route) => {
      const extra = CHEAP_EXTRAS.find((c) => route.path.endsWith(c.suffix))?.extra ?? {};
      const request = requestFor(route, ctx.surface, { prompt: ctx.options.prompt });
      const body = JSON.stringify({ ...(JSON.parse(request.body ?? '{}') as object), ...extra });
      return ctx.send(
        probeOf({ ...request, body }, { inference: true, purpose: `alternate route: ${route.path} without credentials (${route.note ?? route.kind})` }),
      );
    }),
  );
  const out: Alternate[] = [];
  sent.forEach((ex, i) => {
    const route = probed[i]!;
    const proof = modelReached(ex, ctx.options.prompt) ?? handlerAnswered(ex);
    // A tokenizer or template renderer reveals the model's vocabulary and template but runs no forward pass.
    if (proof) out.push({ route, ex, proof, ...(route.kind === 'tokenize' ? { severity: 'medium' as const } : {}), note: route.note ?? route.kind });
  });
  return out;
}

/**
 * A health check that generates (SGLang's /health_generate) runs a one-token generation for anyone, key or not; it answers
 * an empty 200. The identified profile marks such routes.
 */
async function generatingHealthChecks(ctx: CheckContext): Promise<Alternate[]> {
  const fp = ctx.surface.fingerprint;
  if (fp.product === 'unknown') return [];
  const profile = profileById(fp.product);
  const out: Alternate[] = [];
  for (const spec of profile.metadataRoutes.filter((r) => r.method === 'GET' && r.generates)) {
    const route = ctx.surface.routes.find((r) => r.method === 'GET' && r.path === spec.path);
    if (!route) continue;
    const ex = await ctx.send({ method: 'GET', path: route.path, inference: true, purpose: `alternate route: GET ${route.path} runs a one-token generation` });
    const s = ex.response?.status;
    if (s === undefined || s < 200 || s >= 300) continue;
    out.push({
      route,
      ex,
      proof: { confidence: 'firm', summary: `answered ${s}: the server ran a one-token generation to answer it` },
      severity: 'medium',
      note: `${profile.name} health check that generates`,
    });
  }
  return out;
}

/** A server that routes by suffix (KoboldCpp) reaches the guarded handler under any prefix, which a prefix-based guard misses. */
async function suffixRoute(ctx: CheckContext, base: GuardedBaseline): Promise<Alternate[]> {
  if (!routesBySuffix(ctx.surface)) return [];
  const path = IGNORED_PREFIX + base.route.path;
  const v = await proveVariant(ctx, base, { path, purpose: `path confusion (a prefix a suffix-matching router ignores): ${path}` });
  return v
    ? [
        {
          route: { method: base.route.method, path, kind: 'inference' },
          ex: v.ex,
          proof: v.proof,
          baseline: v.baseline,
          note: 'the server matches routes by suffix',
        },
      ]
    : [];
}

export default defineCheck(family, {
  id: 'auth-alternate-path',
  depth: 'standard',
  async run(ctx) {
    const [base] = await refusedBaselines(ctx);
    if (!base) {
      const why = await noBaseline(ctx);
      ctx.mark('auth.alternate-path', why.status, why.reason, why.defersTo);
      return [];
    }
    const side = sideRouteCandidates(ctx);
    const groups = await Promise.all([
      openInferenceRoutes(ctx, new Set(side.map((r) => r.path))),
      sideRoutes(ctx, side),
      generatingHealthChecks(ctx),
      suffixRoute(ctx, base),
    ]);
    const { family, server } = describeServer(ctx.surface);
    return groups.flat().map(
      (a): Finding =>
        ctx.finding({
          rule: 'auth.alternate-path',
          confidence: a.proof.confidence,
          ...(a.severity ? { severity: a.severity } : {}),
          description:
            `The ${family}model${server} is reachable through an unguarded alternate route: ${line(a.baseline ?? base.baseline)} without credentials, ` +
            `but ${line(a.ex)} ${a.proof.summary}.`,
          exchange: a.ex,
          baseline: a.baseline ?? base.baseline,
          endpoint: { method: a.route.method, url: ctx.target.origin + a.route.path.split('?')[0] },
          notes: [`alternate route: ${a.route.method} ${a.route.path} (${a.note})`, `guarded route: ${base.route.method} ${base.route.path}`],
        }),
    );
  },
});
