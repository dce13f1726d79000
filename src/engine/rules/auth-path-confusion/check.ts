// auth.path-confusion — another spelling of a guarded path reaches the handler without credentials.
// The bug is a guard that matches the literal path (a prefix, an exact string, a case) while the router normalizes it
// (case-insensitive routes, optional trailing slash, collapsed slashes, decoded %2f/%2e, stripped ;params, suffix matching).
// Proof is differential: model output (confirmed) or the handler's own validation of our body (firm), never a bare 2xx.

import { IGNORED_PREFIX, line, noBaseline, proveVariant, refusedBaselines, routesBySuffix } from '../../probes/differential.js';
import { describeServer } from '../../surface/inference.js';
import type { Finding } from '../../types.js';
import { defineCheck } from '../define.js';
import family from './index.js';

export interface Spelling {
  id: string;
  label: string;
  path: string;
}

/**
 * The spellings of a guarded path worth one request each. Each must still name the same
 * route for a normalizing router, and differ from the path for a literal guard. The query, if any, is kept.
 */
export function spellings(pathWithQuery: string): Spelling[] {
  const q = pathWithQuery.indexOf('?');
  const path = q === -1 ? pathWithQuery : pathWithQuery.slice(0, q);
  const query = q === -1 ? '' : pathWithQuery.slice(q);
  const segs = path.split('/').filter(Boolean);
  if (segs.length === 0) return [];
  const out: Spelling[] = [];
  const add = (id: string, label: string, p: string) => {
    if (p !== path && !out.some((s) => s.path === p + query)) out.push({ id, label, path: p + query });
  };
  const first = segs[0]!;
  if (/[a-z]/.test(first)) add('upper-case', 'upper-case first segment', `/${first.toUpperCase()}/${segs.slice(1).join('/')}`.replace(/\/$/, ''));
  add('double-slash', 'doubled leading slash', `/${path}`);
  add('trailing-slash', 'trailing slash', `${path}/`);
  add('dot-segment', '/./ segment', `/.${path}`);
  add('encoded-dot', '%2e segment', `/%2e${path}`);
  if (segs.length > 1) {
    const cut = path.lastIndexOf('/');
    add('encoded-slash', '%2f instead of the last slash', `${path.slice(0, cut)}%2F${path.slice(cut + 1)}`);
  }
  add('semicolon', ';param suffix', `${path};gc=1`);
  add('ignored-prefix', 'a prefix a suffix-matching router ignores', `${IGNORED_PREFIX}${path}`);
  return out;
}

export default defineCheck(family, {
  id: 'auth-path-confusion',
  depth: 'standard',
  async run(ctx) {
    const [base] = await refusedBaselines(ctx);
    if (!base) {
      const why = await noBaseline(ctx);
      ctx.mark('auth.path-confusion', why.status, why.reason, why.defersTo);
      return [];
    }
    // On a server known to route by suffix the prefixed spelling is a documented alternate route: auth.alternate-path reports it.
    const suffixRouted = routesBySuffix(ctx.surface);
    const tried = spellings(base.route.path).filter((s) => !(suffixRouted && s.id === 'ignored-prefix'));
    const results = await Promise.all(tried.map((s) => proveVariant(ctx, base, { path: s.path, purpose: `path confusion (${s.label}): ${s.path}` })));
    const accepted = results.flatMap((v, i) => (v ? [{ s: tried[i]!, v }] : []));
    // Model output first: it is the stronger proof and becomes the finding's main evidence.
    accepted.sort((a, b) => (a.v.proof.confidence === b.v.proof.confidence ? 0 : a.v.proof.confidence === 'confirmed' ? -1 : 1));
    const [firstHit, ...others] = accepted;
    if (!firstHit) return [];
    const { family, server } = describeServer(ctx.surface);
    const finding: Finding = ctx.finding({
      rule: 'auth.path-confusion',
      confidence: firstHit.v.proof.confidence,
      description:
        `Path normalization reaches the guarded ${family}inference endpoint${server} without credentials: ${line(firstHit.v.baseline)}, but ` +
        `${firstHit.s.path} (${firstHit.s.label}) ${firstHit.v.proof.summary}` +
        (others.length ? `; also accepted: ${others.map((o) => `${o.s.path} (${o.s.label})`).join(', ')}` : '') +
        '. The auth check matches the literal path while the router normalizes it.',
      exchange: firstHit.v.ex,
      baseline: firstHit.v.baseline,
      ...(others.length || firstHit.v.steps.length ? { extra: [...firstHit.v.steps, ...others.map((o) => o.v.ex)] } : {}),
      endpoint: { method: base.route.method, url: ctx.target.origin + base.route.path.split('?')[0] },
      notes: accepted.map((a) => `accepted spelling: ${a.s.path} (${a.s.label}; ${a.v.proof.confidence})`),
    });
    return [finding];
  },
});
