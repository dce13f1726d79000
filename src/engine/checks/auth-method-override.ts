// auth.method-override — another method, or a method-override header, skips an auth check that guards only POST.
// Two shapes of the bug: the auth layer looks at one method while the router dispatches on another (an override header or
// `_method` read by one and not the other: Express's method-override registered after the guard, a gateway that checks the
// real method in front of an app that honours the override), or the auth layer guards POST only while the handler also
// serves GET/HEAD. Every request carries the baseline's one-token body (except HEAD), so a bypass is proven by model output
// (or, firm, by the handler's own validation of that body). HEAD returns no body: it is reported as firm only when the same
// route refuses GET (calibrated) yet answers HEAD with a JSON entity.
import type { Exchange, Finding } from '../types.js';
import { defineCheck, type CheckContext } from './define.js';
import { isRefusal, isRoutingMiss, line, noBaseline, proveVariant, refusedBaselines, sendVariant, type GuardedBaseline, type Proof, type Trick } from './differential.js';
import { describeServer } from '../surface/inference.js';

const OVERRIDE_HEADERS = ['X-HTTP-Method-Override', 'X-HTTP-Method', 'X-Method-Override'];

function withQuery(path: string, param: string): string {
  return path + (path.includes('?') ? '&' : '?') + param;
}

interface Hit {
  variant: string;
  how: string;
  ex: Exchange;
  baseline: Exchange;
  proof: Proof;
  steps: Exchange[];
}

async function attempt(ctx: CheckContext, base: GuardedBaseline, t: Trick, variant: string, how: string): Promise<Hit | null> {
  const v = await proveVariant(ctx, base, t);
  return v ? { variant, how, ex: v.ex, baseline: v.baseline, proof: v.proof, steps: v.steps } : null;
}

/**
 * Sends the override headers together (one request when the server ignores them all, the usual case); when that gets
 * through, one request per header names the one the server honours.
 */
async function tryOverrideHeaders(ctx: CheckContext, base: GuardedBaseline, method: string, override: string): Promise<Hit | null> {
  const purpose = (h: string) => `method override: ${method} ${base.route.path} with ${h}: ${override}`;
  const together = Object.fromEntries(OVERRIDE_HEADERS.map((h) => [h, override]));
  const all = await attempt(ctx, base, { method, headers: together, purpose: purpose(OVERRIDE_HEADERS.join(', ')) }, `override headers: ${override}`, `${method} with ${OVERRIDE_HEADERS.map((h) => `${h}: ${override}`).join(', ')}`);
  if (!all) return null;
  for (const h of OVERRIDE_HEADERS) {
    const one = await attempt(ctx, base, { method, headers: { [h]: override }, purpose: purpose(h) }, `${h}: ${override}`, `${method} with ${h}: ${override}`);
    if (one) return one;
  }
  return all;
}

function tryMethodQuery(ctx: CheckContext, base: GuardedBaseline, method: string, override: string): Promise<Hit | null> {
  const path = withQuery(base.route.path, `_method=${override}`);
  return attempt(ctx, base, { method, path, purpose: `method override: ${method} ${path}` }, `_method=${override}`, `${method} ${path}`);
}

/** HEAD answered with a JSON entity (status 2xx, JSON content type, non-zero length): a handler ran and produced JSON. */
function headAnswered(ex: Exchange): boolean {
  const res = ex.response;
  if (!res || res.status < 200 || res.status >= 300) return false;
  const type = res.headers['content-type'] ?? '';
  const length = Number(res.headers['content-length'] ?? '0');
  return /json/i.test(type) && length > 0;
}

async function probeRoute(ctx: CheckContext, base: GuardedBaseline): Promise<Hit[]> {
  if (base.route.method.toUpperCase() !== 'POST') return [];
  const hits: Hit[] = [];

  // 1. The same request as GET: an auth check that guards POST only, on a handler that also serves GET.
  const getTrick: Trick = { method: 'GET', purpose: `method switch: GET ${base.route.path} with the same body` };
  const get = await sendVariant(ctx, base, getTrick);
  const viaGet = await attempt(ctx, base, getTrick, 'GET', 'GET with the same body'); // the first request is the one above, sent once
  if (viaGet) return [viaGet];

  // 2. HEAD, calibrated by GET being refused on the same route (else a 2xx HEAD could be anything).
  if (isRefusal(get)) {
    const head = await sendVariant(ctx, base, { method: 'HEAD', withBody: false, purpose: `method switch: HEAD ${base.route.path}` });
    if (headAnswered(head)) {
      const res = head.response!;
      const summary = `answered ${res.status} with a ${res.headers['content-length']}-byte JSON entity while GET is refused (${line(get)})`;
      hits.push({ variant: 'HEAD', how: 'HEAD', ex: head, baseline: base.baseline, proof: { confidence: 'firm', summary }, steps: [get] });
    }
  }

  // 3. POST carrying an override to a method the auth layer lets through, while the router still sees POST.
  const postOverride = (await tryOverrideHeaders(ctx, base, 'POST', 'GET')) ?? (await tryMethodQuery(ctx, base, 'POST', 'GET'));
  if (postOverride) hits.push(postOverride);

  // 4. GET passed the auth layer and met the router (404/405): an override to POST may reach the POST handler behind it.
  if (isRoutingMiss(get)) {
    const getOverride = (await tryOverrideHeaders(ctx, base, 'GET', 'POST')) ?? (await tryMethodQuery(ctx, base, 'GET', 'POST'));
    if (getOverride) hits.push({ ...getOverride, steps: [get, ...getOverride.steps] });
  }
  return hits;
}

export default defineCheck({
  id: 'auth-method-override',
  rules: ['auth.method-override'],
  depth: 'standard',
  async run(ctx) {
    const [base] = await refusedBaselines(ctx);
    if (!base) {
      const why = noBaseline(ctx.surface);
      ctx.mark('auth.method-override', why.status, why.reason);
      return [];
    }
    const hits = await probeRoute(ctx, base);
    const { family, server } = describeServer(ctx.surface);
    return hits.map(
      (h): Finding =>
        ctx.finding({
          rule: 'auth.method-override',
          confidence: h.proof.confidence,
          description:
            `Authentication skipped by ${h.how} on the guarded ${family}inference endpoint${server}: ${line(h.baseline)} without credentials, ` +
            `but ${line(h.ex)} ${h.proof.summary}.`,
          exchange: h.ex,
          baseline: h.baseline,
          ...(h.steps.length ? { extra: h.steps } : {}),
          endpoint: { method: base.route.method, url: ctx.target.origin + base.route.path.split('?')[0] },
          variant: h.variant,
          notes: [`accepted: ${h.how}`],
        }),
    );
  },
});
