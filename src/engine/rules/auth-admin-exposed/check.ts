// auth.admin-exposed — management routes (pull/delete models, replace weights, pause, flush caches…) answer callers without
// credentials. They are NEVER invoked: exposure is proven by the calibrated method differential.
// A harmless method goes to a route known to be guarded and to each management route; only when the guarded route is refused
// (401/403: auth runs before routing) and the management route answers with a routing or validation status (405, 400, 422,
// a 404 unlike the server's generic one) did the request reach the router behind an auth layer that let it through. When
// the guarded route answers 405/422 too, auth runs after routing (per-route FastAPI dependencies): nothing can be concluded.
// For a server with no authentication at all (Ollama), the fingerprint plus a read-only sibling answering is the proof.

import { line, noBaseline, refusedBaselines } from '../../probes/differential.js';
import { profileById } from '../../profiles/index.js';
import { isRefused } from '../../surface/answer.js';
import { parseJson } from '../../surface/json.js';
import { exchangeAt } from '../../surface/signals-read.js';
import type { Exchange, Finding, Route, RouteSpec, ServerProfile, Surface } from '../../types.js';
import { quote } from '../../untrusted.js';
import { type CheckContext, DEPTH_ORDER, defineCheck } from '../define.js';
import family from './index.js';

/** Management routes probed at standard depth (the profile lists the most consequential first); deep probes all. */
const MAX_MANAGEMENT_ROUTES = 6;

/**
 * Harmless methods, in order. OPTIONS first: no handler acts on it. GET second, for servers whose auth lets OPTIONS through
 * (vLLM and llama.cpp skip it for CORS), and never to a route known to act on GET.
 */
const HARMLESS = ['OPTIONS', 'GET'] as const;

/** A path no server routes, for the server's own generic 404. */
const NOWHERE = '/gatecrash-no-such-route';

/** Read-only siblings of Ollama's management routes. */
const OLLAMA_SIBLINGS = ['/api/tags', '/api/ps'];

function concretePath(spec: RouteSpec, surface: Surface): string {
  const model = surface.fingerprint.models[0] ?? 'model';
  return spec.path
    .split('?')[0]!
    .replace('{model}', encodeURIComponent(model))
    .replace('{version}', '1')
    .replace('{id}', '0')
    .replace('{name}', 'gatecrash-probe')
    .replace('{digest}', `sha256:${'0'.repeat(64)}`);
}

/** A 404 body with the path taken out, so that "Cannot GET /pause" and "Cannot GET /nowhere" compare equal. */
function shapeOf404(ex: Exchange): string {
  return (ex.response?.body ?? '').split(ex.probe.path).join('<path>').trim();
}

interface Exposed {
  spec: RouteSpec;
  ex: Exchange;
}

interface Calibration {
  /** The harmless method the guarded route refused, or null when it refused none (auth after routing). */
  method: (typeof HARMLESS)[number] | null;
  ex: Exchange | null;
  tried: Exchange[];
}

async function calibrate(ctx: CheckContext, guarded: Route): Promise<Calibration> {
  const tried: Exchange[] = [];
  for (const method of HARMLESS) {
    const ex = await ctx.send({
      method,
      path: guarded.path,
      purpose: `admin exposure calibration: ${method} ${guarded.path} (a guarded route) must be refused`,
    });
    tried.push(ex);
    if (isRefused(ex)) return { method, ex, tried };
  }
  return { method: null, ex: null, tried };
}

/** The calibrated method differential against every management route of the profile. */
async function methodDifferential(ctx: CheckContext, profile: ServerProfile, guarded: Route): Promise<Finding[]> {
  const cal = await calibrate(ctx, guarded);
  if (!cal.method || !cal.ex) {
    ctx.mark(
      'auth.admin-exposed',
      'inconclusive',
      `Auth runs after routing here (${cal.tried.map(line).join('; ')}), so a harmless request cannot tell a guarded management route from an open one.`,
    );
    return [];
  }
  const method = cal.method;
  const refused = cal.ex;
  const deep = DEPTH_ORDER[ctx.options.depth] >= DEPTH_ORDER.deep;
  const seen = new Set<string>();
  const specs = profile.managementRoutes
    .filter((spec) => {
      const p = concretePath(spec, ctx.surface);
      if (seen.has(p)) return false;
      seen.add(p);
      // A route that acts on GET (SGLang's /flush_cache, LMDeploy's /terminate) is never sent GET.
      return !(method === 'GET' && spec.actsOnGet);
    })
    .slice(0, deep ? undefined : MAX_MANAGEMENT_ROUTES);
  const answers = await Promise.all(
    specs.map((spec) => {
      const path = concretePath(spec, ctx.surface);
      return ctx.send({ method, path, purpose: `admin exposure: ${method} ${path} (never the acting ${spec.method}; no body)` });
    }),
  );
  let generic404: string | null = null;
  if (answers.some((ex) => ex.response?.status === 404)) {
    const nowhere = await ctx.send({ method, path: NOWHERE, purpose: `admin exposure: ${method} ${NOWHERE} for the server's generic 404` });
    generic404 = nowhere.response?.status === 404 ? shapeOf404(nowhere) : null;
  }
  const exposed: Exposed[] = [];
  answers.forEach((ex, i) => {
    const spec = specs[i]!;
    const s = ex.response?.status;
    if (s === undefined || isRefused(ex)) return;
    const reached =
      s === 405 ||
      s === 400 ||
      s === 422 ||
      // A 404 that is not the generic one: the route exists and answered "no such model/slot/blob".
      (s === 404 && generic404 !== null && shapeOf404(ex) !== generic404) ||
      // A read-only management route (LiteLLM /key/info) answered its own GET.
      (method === 'GET' && spec.method === 'GET' && s >= 200 && s < 300);
    if (reached) exposed.push({ spec, ex });
  });
  const [first, ...rest] = exposed;
  if (!first) return [];
  const name = ctx.surface.fingerprint.productName ?? profile.name;
  const list = exposed.map((e) => `${e.spec.method} ${concretePath(e.spec, ctx.surface)} (${e.spec.note ?? 'management'})`);
  return [
    ctx.finding({
      rule: 'auth.admin-exposed',
      confidence: 'firm',
      description:
        `${name} management routes are reachable without credentials: ${line(refused)} (auth runs before routing), but ${line(first.ex)}` +
        `${rest.length ? ` and ${rest.length} more` : ''}: the request passed the auth layer and reached the router. Exposed: ${list.join('; ')}. ` +
        'Anyone who can reach the port can call them. They were not invoked.',
      exchange: first.ex,
      baseline: refused,
      ...(rest.length ? { extra: rest.map((e) => e.ex) } : {}),
      endpoint: { method: first.spec.method, url: ctx.target.origin + concretePath(first.spec, ctx.surface) },
      notes: [`calibration: ${cal.tried.map(line).join('; ')}`, ...list.map((l) => `reachable without credentials: ${l}`)],
    }),
  ];
}

/** Ollama: no authentication exists; a read-only sibling answering without credentials shows the listener is reachable. */
async function noAuthServer(ctx: CheckContext, profile: ServerProfile): Promise<Finding[]> {
  let sibling: Exchange | undefined;
  for (const path of OLLAMA_SIBLINGS) {
    const ex = exchangeAt(ctx.surface.signals, path) ?? (await ctx.send({ method: 'GET', path, purpose: `admin exposure: read-only sibling GET ${path}` }));
    const s = ex.response?.status;
    const json = parseJson(ex.response?.body);
    if (s !== undefined && s >= 200 && s < 300 && json !== null && typeof json === 'object') {
      sibling = ex;
      break;
    }
  }
  if (!sibling) return [];
  const fp = ctx.surface.fingerprint;
  const [first] = profile.managementRoutes;
  if (!first) return [];
  const list = profile.managementRoutes.map((r) => `${r.method} ${r.path}`);
  return [
    ctx.finding({
      rule: 'auth.admin-exposed',
      confidence: 'firm',
      description:
        `${profile.name}${fp.version ? ` ${quote(fp.version, 40)}` : ''} has no authentication at all, so ` +
        `its model-management routes (${list.join(', ')}) accept anyone ` +
        `who can reach the port: the server was identified (${fp.signals[0] ?? profile.name}) and its ` +
        `read-only sibling ${line(sibling)} answered without credentials. ` +
        'The management routes were not invoked.',
      exchange: sibling,
      endpoint: { method: first.method, url: ctx.target.origin + concretePath(first, ctx.surface) },
      notes: [`fingerprint: ${fp.signals.join('; ')}`, ...profile.managementRoutes.map((r) => `management route: ${r.method} ${r.path} (${r.note ?? ''})`)],
    }),
  ];
}

export default defineCheck(family, {
  id: 'auth-admin-exposed',
  depth: 'standard',
  async run(ctx) {
    const fp = ctx.surface.fingerprint;
    if (fp.product === 'unknown') {
      ctx.mark('auth.admin-exposed', 'skipped', 'Management routes come from a server profile, and the server was not identified (try --hint).');
      return [];
    }
    const profile = profileById(fp.product);
    if (profile.managementRoutes.length === 0) return [];
    // The route the differential compares with: a guarded inference route that refused a request without credentials.
    const [ref] = await refusedBaselines(ctx);
    if (ref) return methodDifferential(ctx, profile, ref.route);
    if (profile.auth.none && fp.confidence >= 0.5) return noAuthServer(ctx, profile);
    const why = await noBaseline(ctx);
    ctx.mark('auth.admin-exposed', why.status, `${why.reason} The calibrated method differential needs a guarded route to compare with.`);
    return [];
  },
});
