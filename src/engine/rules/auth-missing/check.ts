// auth.missing — an inference route returns model output to a request with no credentials. Each route is called the way it
// wants (surface/inference.ts) and its last answer read through surface/answer.ts: model output is the finding, a refusal
// is a guarded route, a route that is not there is no route. Anything else (a validation error no shape satisfied, a 200
// with nothing readable, no answer at all) decides nothing, and the rule says so instead of passing.

import { describeAnswer } from '../../surface/answer.js';
import { describeServer, type InferenceAttempt, MAX_SHAPE_ATTEMPTS } from '../../surface/inference.js';
import { authMissingAttempts, authMissingRoutes } from '../../surface/inference-reuse.js';
import { detectModelFamily } from '../../surface/model-family.js';
import type { Finding, Surface } from '../../types.js';
import { quote } from '../../untrusted.js';
import { DEPTH_ORDER, defineCheck } from '../define.js';
import family from './index.js';

/** How to get a verdict where the scan could not: the fixes a reason names. */
const TEMPLATE_HINT = 'pass the request the route expects with --request \'POST /path {"field": "{{prompt}}"}\'';

/** Why no inference route was found, and what to pass instead. */
export function noRouteReason(surface: Surface): string {
  const guessed = surface.guessed.length ? ` (${surface.guessed.length} usual wrapper paths were tried: ${surface.guessed.slice(0, 4).join(', ')}, …)` : '';
  return `No inference route was found${guessed}: give the inference URL itself (e.g. http://host:8000/generate), a --hint, or ${TEMPLATE_HINT}.`;
}

/** Why one route's answers decide nothing, in words that name what to do. */
function undecided(a: InferenceAttempt): string | null {
  const where = `${a.route.method} ${a.route.path.split('?')[0]}`;
  const tries = a.steps.length > 1 ? ` after ${a.steps.length} request shapes` : '';
  switch (a.answer.kind) {
    case 'model-output':
    case 'refused':
      return null;
    case 'not-routed':
      return a.route.source === 'given-url' || a.route.source === 'template' ? `${where} answered ${describeAnswer(a.answer)}: there is no route there` : null;
    case 'rejected-input':
    case 'wrong-method':
      return `${where} rejected every request${tries} (last: ${describeAnswer(a.answer)}; at most ${MAX_SHAPE_ATTEMPTS} are tried); ${TEMPLATE_HINT}`;
    case 'handler':
    case 'unreadable':
      return `${where} answered ${describeAnswer(a.answer)}${tries}: no generated text could be read in it; check the URL or ${TEMPLATE_HINT}`;
    case 'server-error':
      // A 500 to every shape is a handler that failed on the body it was given (a bare `req.body.field.trim()`): it was
      // reached, and names nothing; a 502-504 is a proxy whose backend did not answer.
      return (a.answer.status ?? 0) >= 502
        ? `${where} answered ${describeAnswer(a.answer)}${tries}: the server behind the proxy did not answer`
        : `${where} answered ${describeAnswer(a.answer)}${tries}: the handler failed on every request shape and named no field; ${TEMPLATE_HINT}`;
    case 'no-answer':
      return `${where} got no answer (${a.exchange.error ?? 'no response'})`;
    default:
      return `${where} answered ${describeAnswer(a.answer)}${tries}`;
  }
}

export default defineCheck(family, {
  id: 'auth-missing',
  depth: 'quick',
  async run(ctx) {
    const quick = DEPTH_ORDER[ctx.options.depth] === 0;
    // The same selection and probes the LLM and cost rules reuse from the dedup cache (surface/inference-reuse.ts).
    const routes = authMissingRoutes(ctx.surface.routes, quick);
    const results = await authMissingAttempts(ctx.send, ctx.surface, routes, ctx.options.prompt);
    const { server } = describeServer(ctx.surface);
    // When no model id named the family, the output may: Mistral's [INST] markers in generated text are proof enough.
    const familyId =
      ctx.surface.fingerprint.modelFamily ?? detectModelFamily({ modelIds: [], outputs: results.flatMap((r) => (r.output ? [r.output.text] : [])) });
    const family = familyId ? `${familyId.charAt(0).toUpperCase()}${familyId.slice(1)} ` : '';
    const findings: Finding[] = [];
    for (const attempt of results) {
      const { exchange, output, route } = attempt;
      if (!output) continue;
      const tokens = attempt.request.tokens;
      findings.push(
        ctx.finding({
          rule: 'auth.missing',
          confidence: 'confirmed',
          title: `Missing authentication on ${family}inference endpoint`,
          description:
            `Missing authentication on ${family}inference endpoint${server}: ${exchange.request.method} ${new URL(exchange.request.url).pathname} ` +
            `returned model output (${quote(output.text, 60)}) to a request that carried no credentials.`,
          exchange,
          ...(attempt.steps.length > 1 ? { extra: attempt.steps.slice(0, -1) } : {}),
          notes: [
            `route learned from ${route.source}`,
            `request: ${route.shape ?? 'wrapper'}${route.encoding && route.encoding !== 'json' ? ` (${route.encoding})` : ''}${route.promptField ? `, prompt field ${route.source.startsWith('profile:') ? `'${route.promptField}'` : quote(route.promptField, 40)}` : ''}`,
            `generation limit asked: ${tokens === null ? 'none the route is known to read' : `${tokens} token${tokens === 1 ? '' : 's'}`}`,
            `model output read from ${output.where === 'body' || output.where === 'stream events' ? output.where : quote(output.where, 60)}`,
          ],
        }),
      );
    }
    if (findings.length) return findings;
    if (!ctx.surface.routes.some((r) => r.kind === 'inference')) {
      ctx.mark('auth.missing', 'inconclusive', noRouteReason(ctx.surface));
      return [];
    }
    const open = results.map(undecided).filter((r): r is string => r !== null);
    if (open.length) ctx.mark('auth.missing', 'inconclusive', `Not every inference route was decided: ${open.slice(0, 3).join('; ')}.`);
    else if (results.length === 0 && !ctx.surface.routes.some((r) => r.kind === 'inference' && r.access === 'guarded'))
      ctx.mark('auth.missing', 'inconclusive', noRouteReason(ctx.surface));
    return findings;
  },
});
