// auth.method-override — another method, or a method-override header, skips an auth check that guards only POST.
// Two shapes of the bug: the auth layer looks at one method while the router dispatches on another (an override header or
// `_method` read by one and not the other: Express's method-override registered after the guard, a gateway that checks the
// real method in front of an app that honours the override), or the auth layer guards POST only while the handler also
// serves GET/HEAD. Every request carries the baseline's one-token body (except HEAD), so a bypass is proven by model output
// (or, firm, by the handler's own validation of that body). HEAD returns no body: it is reported as firm only when the same
// route refuses GET (calibrated) yet answers HEAD with a JSON entity.

import { type GuardedBaseline, line, noBaseline, type Proof, proveVariant, refusedBaselines, sendVariant, type Trick } from '../../probes/differential.js';
import { isNotRouted, isRefused } from '../../surface/answer.js';
import { describeServer } from '../../surface/inference.js';
import type { Exchange, Finding } from '../../types.js';
import { type CheckContext, defineCheck } from '../define.js';
import family from './index.js';

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
 * Every override spelling in one request (the three headers and `_method=`), the usual case being a server that reads none
 * of them; when that request gets through, one request per spelling names the one the server honours. The spellings agree
 * on the method, so a server that reads any one of them (or several, as Express's method-override stacked twice does) is
 * routed the same way as by that spelling alone.
 */
async function tryOverrides(ctx: CheckContext, base: GuardedBaseline, method: string, override: string): Promise<Hit | null> {
  const param = `_method=${override}`;
  const spelling = (headers: string[], inQuery: boolean) => {
    const path = inQuery ? withQuery(base.route.path, param) : base.route.path;
    const named = [...headers.map((h) => `${h}: ${override}`), ...(inQuery ? [param] : [])].join(', ');
    const trick: Trick = {
      method,
      path,
      headers: Object.fromEntries(headers.map((h) => [h, override])),
      purpose: `method override: ${method} ${path} with ${named}`,
    };
    return { trick, variant: named, how: `${method} ${path}${headers.length ? ` with ${headers.map((h) => `${h}: ${override}`).join(', ')}` : ''}` };
  };
  const tryOne = ({ trick, variant, how }: ReturnType<typeof spelling>) => attempt(ctx, base, trick, variant, how);
  const all = await tryOne(spelling(OVERRIDE_HEADERS, true));
  if (!all) return null;
  for (const one of [...OVERRIDE_HEADERS.map((h) => spelling([h], false)), spelling([], true)]) {
    const hit = await tryOne(one);
    if (hit) return hit;
  }
  return all;
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

  // 1. The same request as GET: an auth check that guards POST only, on a handler that also serves GET. Discovery already
  // sent GET without a body (the same request, so it is not sent again): when the auth layer or the router turned that away,
  // the body cannot change their answer, and the GET with the body is not sent.
  const bare = await sendVariant(ctx, base, { method: 'GET', withBody: false, purpose: `method switch: GET ${base.route.path} without a body` });
  const getTrick: Trick = { method: 'GET', purpose: `method switch: GET ${base.route.path} with the same body` };
  const decided = isRefused(bare) || isNotRouted(bare);
  const get = decided ? bare : await sendVariant(ctx, base, getTrick);
  const viaGet = decided ? null : await attempt(ctx, base, getTrick, 'GET', 'GET with the same body'); // the request above, sent once
  if (viaGet) return [viaGet];

  // 2. HEAD, calibrated by GET being refused on the same route (else a 2xx HEAD could be anything).
  if (isRefused(get)) {
    const head = await sendVariant(ctx, base, { method: 'HEAD', withBody: false, purpose: `method switch: HEAD ${base.route.path}` });
    if (headAnswered(head)) {
      const res = head.response!;
      const summary = `answered ${res.status} with a ${res.headers['content-length']}-byte JSON entity while GET is refused (${line(get)})`;
      hits.push({ variant: 'HEAD', how: 'HEAD', ex: head, baseline: base.baseline, proof: { confidence: 'firm', summary }, steps: [get] });
    }
  }

  // 3. POST carrying an override to a method the auth layer lets through, while the router still sees POST.
  const postOverride = await tryOverrides(ctx, base, 'POST', 'GET');
  if (postOverride) hits.push(postOverride);

  // 4. GET passed the auth layer and met the router (404/405): an override to POST may reach the POST handler behind it.
  if (isNotRouted(get)) {
    const getOverride = await tryOverrides(ctx, base, 'GET', 'POST');
    if (getOverride) hits.push({ ...getOverride, steps: [get, ...getOverride.steps] });
  }
  return hits;
}

export default defineCheck(family, {
  id: 'auth-method-override',
  depth: 'standard',
  async run(ctx) {
    const [base] = await refusedBaselines(ctx);
    if (!base) {
      const why = await noBaseline(ctx);
      ctx.mark('auth.method-override', why.status, why.reason, why.defersTo);
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
