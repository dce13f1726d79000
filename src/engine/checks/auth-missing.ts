// auth.missing — the seed's case: an inference route returns model output to a request with no credentials.
import type { Finding } from '../types.js';
import { DEPTH_ORDER } from '../rules.js';
import { describeServer } from '../surface/inference.js';
import { detectModelFamily } from '../surface/model-family.js';
import { authMissingAttempts, authMissingRoutes } from '../surface/inference-reuse.js';
import { defineCheck } from './define.js';

export default defineCheck({
  id: 'auth-missing',
  rules: ['auth.missing'],
  depth: 'quick',
  async run(ctx) {
    const quick = DEPTH_ORDER[ctx.options.depth] === 0;
    // The same selection and probes the LLM and cost rules reuse from the dedup cache (surface/inference-reuse.ts).
    const routes = authMissingRoutes(ctx.surface.routes, quick);
    const results = await authMissingAttempts(ctx.send, ctx.surface, routes, ctx.options.prompt);
    const { server } = describeServer(ctx.surface);
    // When no model id named the family, the output may: Mistral's [INST] markers in generated text are proof enough.
    const familyId = ctx.surface.fingerprint.modelFamily ?? detectModelFamily({ modelIds: [], outputs: results.flatMap((r) => (r.output ? [r.output.text] : [])) });
    const family = familyId ? `${familyId.charAt(0).toUpperCase()}${familyId.slice(1)} ` : '';
    const findings: Finding[] = [];
    results.forEach(({ exchange, output }, i) => {
      if (!output) return;
      const route = routes[i]!;
      findings.push(
        ctx.finding({
          rule: 'auth.missing',
          confidence: 'confirmed',
          title: `Missing authentication on ${family}inference endpoint`,
          description:
            `Missing authentication on ${family}inference endpoint${server}: ${route.method} ${new URL(exchange.request.url).pathname} ` +
            `returned model output (${JSON.stringify(output.text.slice(0, 60))}) to a request that carried no credentials.`,
          exchange,
          notes: [`route learned from ${route.source}`, `body shape: ${route.shape ?? 'wrapper'}${route.promptField ? ` (prompt field '${route.promptField}')` : ''}`],
        }),
      );
    });
    if (routes.length === 0 && !ctx.surface.routes.some((r) => r.kind === 'inference')) {
      ctx.mark('auth.missing', 'inconclusive', 'No inference route was found; pass the inference URL itself (e.g. http://host:8000/generate) or a --hint.');
    }
    return findings;
  },
});
