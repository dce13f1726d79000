// cors.permissive — an inference route lets any web page read its answers: a preflight (or the request itself) is answered
// with Access-Control-Allow-Origin echoing a foreign origin, or `*`. How much that matters depends on what a foreign page
// can send: nothing is needed on an open route, a browser attaches cookies by itself when credentials are allowed,
// but a header key is something the foreign page does not have.

import { normalizeUrlForId } from '../../findings.js';
import { profileById } from '../../profiles/index.js';
import type { Exchange, ExchangeResponse, Probe, Route, Severity, Surface } from '../../types.js';
import { quote } from '../../untrusted.js';
import { type CheckContext, defineCheck } from '../define.js';
import family from './index.js';

/** An origin no deployment allows on purpose (RFC 2606 reserves .example). */
export const PROBE_ORIGIN = 'https://gatecrash-cors-probe.example';

export interface CorsGrant {
  /** The origin header echoed our probe origin (any origin is allowed). */
  echo: boolean;
  wildcard: boolean;
  credentials: boolean;
}

/** What a response grants a foreign origin, or null when it grants nothing. */
export function corsGrant(res: ExchangeResponse | undefined, preflight: boolean): CorsGrant | null {
  if (!res) return null;
  // A browser treats a preflight with a non-2xx status as failed, whatever its headers say.
  if (preflight && (res.status < 200 || res.status >= 300)) return null;
  const acao = res.headers['access-control-allow-origin']?.trim();
  if (!acao) return null;
  const echo = acao === PROBE_ORIGIN;
  const wildcard = acao === '*';
  if (!echo && !wildcard) return null;
  return { echo, wildcard, credentials: (res.headers['access-control-allow-credentials'] ?? '').trim().toLowerCase() === 'true' };
}

/** Discovery decided the route's access (so it exists), or its discovery exchange was answered by something but a routing miss. */
function routeExists(route: Route, surface: Surface): boolean {
  if (route.access !== 'unknown') return true;
  if (!route.evidence?.length) return false;
  return surface.signals.all.some((ex) => route.evidence!.includes(ex.id) && ex.response && ![404, 405, 501].includes(ex.response.status));
}

/** Cookie authentication: the user's credentials are a cookie, or the learned credential is one. */
function cookieAuth(ctx: CheckContext): boolean {
  if (ctx.surface.credentialHeader.name.toLowerCase() === 'cookie') return true;
  return Object.keys(ctx.target.credentials).some((k) => k.toLowerCase() === 'cookie');
}

/** The request discovery learned the route's access with, to repeat with an Origin; null when the server stated it. */
function discoveryProbe(route: Route, surface: Surface): Probe | null {
  const ex = surface.signals.all.find((e) => route.evidence?.includes(e.id));
  if (!ex || ex.probe.credentials === 'user') return null;
  const { method, path, body, headers } = ex.probe;
  return { method, path, purpose: '', ...(body !== undefined ? { body } : {}), ...(headers ? { headers } : {}) };
}

/** Rules whose findings are model output obtained without credentials. */
const NO_CREDENTIAL_PROOFS = new Set(['auth.missing', 'auth.alternate-path']);

/**
 * Whether a page could drive the model through this route without credentials: auth.missing (or auth.alternate-path)
 * got model output from it, or the server has no authentication at all. Discovery's "open" (an empty body answered 400/422) is not enough when
 * auth.missing ran: a tokenizer route answers that way too, and it does not run the model. Only when auth.missing was
 * left out of the scan does discovery's word stand.
 */
function needsNoCredentials(ctx: CheckContext, route: Route): boolean {
  const product = ctx.surface.fingerprint.product;
  if (product !== 'unknown' && profileById(product).auth.none) return true;
  const url = normalizeUrlForId(ctx.surface.target.origin + route.path);
  if (ctx.settled.some((f) => NO_CREDENTIAL_PROOFS.has(f.rule) && f.confidence === 'confirmed' && normalizeUrlForId(f.endpoint.url) === url)) return true;
  const authMissingRan = !ctx.options.rules || ctx.options.rules.includes('auth.missing');
  return !authMissingRan && route.access === 'open';
}

type Access = 'open' | 'guarded';

interface Verdict {
  route: Route;
  access: Access;
  exchange: Exchange;
  grant: CorsGrant;
  preflight: boolean;
  severity: Severity;
  why: string;
}

function judge(ctx: CheckContext, route: Route, access: Access, exchange: Exchange, grant: CorsGrant, preflight: boolean): Verdict {
  const verdict = (severity: Severity, why: string): Verdict => ({ route, access, exchange, grant, preflight, severity, why });
  const granted = grant.echo
    ? `echoes any Origin${grant.credentials ? ' with Access-Control-Allow-Credentials: true' : ''}`
    : 'answers Access-Control-Allow-Origin: *';
  if (access === 'open') {
    return verdict(
      'medium',
      `it needs no credentials and ${granted}: any web page a visitor opens can drive the model from the visitor's browser and read the output`,
    );
  }
  // `*` is never combined with credentials by a browser; only an echoed origin carries the cookie along.
  if (cookieAuth(ctx) && grant.echo && grant.credentials) {
    return verdict('medium', `it authenticates with a cookie and ${granted}: any web page can use a signed-in visitor's session`);
  }
  return verdict(
    'low',
    `it ${granted}; it is guarded by the ${ctx.surface.credentialHeader.name} header, which a foreign ` +
      `page cannot supply, so this only matters once the key sits in browser code`,
  );
}

const RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };

export default defineCheck(family, {
  id: 'cors-permissive',
  depth: 'standard',
  // Their proof that a route needs no credentials decides between medium and low.
  after: ['auth-missing', 'auth-alternate-path'],
  async run(ctx) {
    const existing = ctx.surface.routes.filter((r) => r.kind === 'inference' && routeExists(r, ctx.surface));
    const open = existing.find((r) => needsNoCredentials(ctx, r));
    const guarded = existing.find((r) => r.access === 'guarded' && r !== open);
    // CORS is nearly always one server-wide policy: one open and one guarded route tell both cases apart.
    const routes: [Route, Access][] = [];
    if (open) routes.push([open, 'open']);
    if (guarded) routes.push([guarded, 'guarded']);
    if (routes.length === 0) {
      ctx.mark('cors.permissive', 'inconclusive', 'No inference route with a known access level was found to test its CORS policy.');
      return [];
    }
    const verdicts: Verdict[] = [];
    for (const [route, access] of routes) {
      const preflight: Probe = {
        method: 'OPTIONS',
        path: route.path,
        headers: { origin: PROBE_ORIGIN, 'access-control-request-method': route.method, 'access-control-request-headers': 'content-type' },
        purpose: `CORS preflight from a foreign origin to ${route.method} ${route.path}`,
      };
      const pre = await ctx.send(preflight);
      let grant = corsGrant(pre.response, true);
      if (grant) {
        verdicts.push(judge(ctx, route, access, pre, grant, true));
        continue;
      }
      // Some servers skip preflights but stamp every answer: discovery's own request to the route again, from a foreign
      // origin. Discovery chose it so that it never runs the model (a prompt-less, one-token-capped body or a body-less
      // GET); an invented body could (KoboldCpp and LocalAI generate from `{}` with their default prompt).
      const discovery = discoveryProbe(route, ctx.surface);
      if (!discovery) continue;
      const simple = await ctx.send({
        ...discovery,
        headers: { ...discovery.headers, origin: PROBE_ORIGIN },
        purpose: `CORS: discovery's ${discovery.method} ${route.path} again from a foreign origin`,
      });
      grant = corsGrant(simple.response, false);
      if (grant) verdicts.push(judge(ctx, route, access, simple, grant, false));
    }
    if (verdicts.length === 0) return [];
    verdicts.sort((a, b) => RANK[a.severity] - RANK[b.severity]);
    const best = verdicts[0]!;
    const others = verdicts.slice(1).map((v) => v.exchange);
    const path = new URL(best.exchange.request.url).pathname;
    return [
      ctx.finding({
        rule: 'cors.permissive',
        confidence: 'confirmed',
        severity: best.severity,
        description: `Permissive CORS on ${best.route.method} ${path}: ${best.why}.`,
        exchange: best.exchange,
        endpoint: { method: best.route.method, url: ctx.surface.target.origin + best.route.path },
        ...(others.length ? { extra: others } : {}),
        notes: [
          `probe origin: ${PROBE_ORIGIN}`,
          `${best.preflight ? 'preflight (OPTIONS)' : 'request'} answered Access-Control-Allow-Origin: ` +
            `${quote(best.exchange.response!.headers['access-control-allow-origin'] ?? '', 80)}`,
          `Access-Control-Allow-Credentials: ` +
            `${best.exchange.response!.headers['access-control-allow-credentials'] === undefined ? '(absent)' : quote(best.exchange.response!.headers['access-control-allow-credentials'], 40)}`,
          `route access: ${best.access}`,
        ],
      }),
    ];
  },
});
