// transport.cleartext — the API answers over plain http:// on a host other than this machine: keys and prompts cross the
// network in clear. Decided from what discovery already observed; sends nothing.

import { classifyAddress } from '../../http/guard.js';
import { describeServer } from '../../surface/inference.js';
import type { Exchange, Route, Surface } from '../../types.js';

import { defineCheck } from '../define.js';
import family from './index.js';

/**
 * Whether traffic to this target stays on the machine. The pinned address, when known, is the truth (a name that
 * resolves to 127.0.0.1 never leaves the host; `localhost` mapped elsewhere does). Without it: an IP literal is judged
 * as an address, and `localhost` / `*.localhost` are loopback by definition (RFC 6761). Any other name is not.
 */
export function isLoopbackTarget(hostname: string, address?: string): boolean {
  if (address) return classifyAddress(address).cls === 'loopback';
  const host = hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  const literal = classifyAddress(host);
  return literal.range !== 'unparseable' && literal.cls === 'loopback';
}

/** Not a redirect (a plain-HTTP listener that only redirects to https carries nothing sensitive). */
function answeredInPlace(ex: Exchange | undefined): boolean {
  const s = ex?.response?.status;
  return s !== undefined && !(s >= 300 && s < 400);
}

/**
 * Inference routes whose access discovery decided first (prompts travel there), then any guarded route (keys travel
 * there); the proof is the discovery exchange of that route, answered over plain HTTP. A route whose access the server
 * stated itself (no exchange of its own) is proven by the cheap-phase answer that stated it.
 */
function provingExchange(surface: Surface): { route: Route; exchange: Exchange } | null {
  const byId = new Map(surface.signals.all.map((ex) => [ex.id, ex]));
  const ranked = [
    ...surface.routes.filter((r) => r.kind === 'inference' && r.access !== 'unknown'),
    ...surface.routes.filter((r) => r.kind !== 'inference' && r.access === 'guarded'),
  ];
  for (const route of ranked) {
    for (const id of route.evidence ?? []) {
      const ex = byId.get(id);
      if (answeredInPlace(ex)) return { route, exchange: ex! };
    }
  }
  const stated = ranked.find((r) => !r.evidence?.length);
  const answer = surface.signals.all.find((ex) => ex.response && ex.response.status >= 200 && ex.response.status < 300);
  return stated && answer ? { route: stated, exchange: answer } : null;
}

export default defineCheck(family, {
  id: 'transport-cleartext',
  depth: 'quick',
  async run(ctx) {
    const url = ctx.target.url;
    if (url.protocol !== 'http:') return [];
    if (isLoopbackTarget(url.hostname, ctx.target.address)) return [];
    const proof = provingExchange(ctx.surface);
    if (!proof) {
      ctx.mark(
        'transport.cleartext',
        'inconclusive',
        'The target is plain http:// but no inference or guarded route answered, so nothing sensitive was seen crossing it.',
      );
      return [];
    }
    const { route, exchange } = proof;
    const { server } = describeServer(ctx.surface);
    const where = ctx.target.address && ctx.target.address !== url.hostname.replace(/^\[|\]$/g, '') ? `${url.hostname} (${ctx.target.address})` : url.hostname;
    const what = route.kind === 'inference' ? 'prompts, outputs and any API key' : 'the API key';
    return [
      ctx.finding({
        rule: 'transport.cleartext',
        confidence: 'confirmed',
        description:
          `The API${server} answers over plain HTTP on ${where}, which is not this machine: ${what} sent to ` +
          `${route.method} ${route.path} cross the network unencrypted (${exchange.request.method} ` +
          `${new URL(exchange.request.url).pathname} was answered ${exchange.response!.status} over http://).`,
        exchange,
        notes: [`target scheme: http:`, `resolved address: ${ctx.target.address ?? 'unknown'}`, `route learned from ${route.source}`],
      }),
    ];
  },
});
