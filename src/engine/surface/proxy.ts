// Who answered in front of the server: a reverse proxy or gateway (nginx, Caddy, Envoy, Traefik, a CDN) that replaced the
// backend's Server header or answered for it. Named as "served through"; the backend is still named when its own traits
// show through (an Express header, FastAPI's error bodies). Pure: the cheap phase's answers only.
import type { Signals } from '../types.js';
import { responses } from './signals-read.js';

interface ProxySign {
  name: string;
  /** Matched against one response: its headers (lower-case names) and body. */
  test: (headers: Record<string, string>, body: string, status: number) => boolean;
  /** What the report says it saw. */
  seen: string;
}

const SIGNS: ProxySign[] = [
  {
    name: 'nginx',
    test: (h, b) => /^nginx\b/i.test(h['server'] ?? '') || /<center>nginx(\/[\d.]+)?<\/center>/i.test(b),
    seen: 'server: nginx, or an nginx error page',
  },
  { name: 'Caddy', test: (h) => /^caddy\b/i.test(h['server'] ?? ''), seen: 'server: Caddy' },
  { name: 'Envoy', test: (h) => /^envoy\b/i.test(h['server'] ?? '') || 'x-envoy-upstream-service-time' in h, seen: 'server: envoy or x-envoy-* headers' },
  { name: 'Apache httpd', test: (h) => /^apache\b/i.test(h['server'] ?? ''), seen: 'server: Apache' },
  {
    name: 'HAProxy',
    test: (h, b) => /^haproxy\b/i.test(h['server'] ?? '') || /<h1>50[234] [^<]*<\/h1>\s*No server is available to handle this request\./i.test(b),
    seen: 'an HAProxy banner or error page',
  },
  { name: 'Cloudflare', test: (h) => /^cloudflare$/i.test(h['server'] ?? '') || 'cf-ray' in h, seen: 'server: cloudflare / cf-ray' },
  {
    name: 'Traefik',
    test: (h, b, s) => s === 404 && b.trim() === '404 page not found' && !h['server'] && (h['content-type'] ?? '').startsWith('text/plain'),
    seen: "Go's plain '404 page not found' with no server header (Traefik's default answer)",
  },
];

/** The proxy that answered, with what showed it; null when no answer carries a proxy's mark. */
export function servedThrough(signals: Signals): { name: string; signal: string } | null {
  const all = responses(signals);
  for (const sign of SIGNS) {
    const hit = all.find(({ res }) => sign.test(res.headers, res.body.slice(0, 2048), res.status));
    if (hit) return { name: sign.name, signal: `served through ${sign.name}: ${sign.seen} (${hit.where})` };
  }
  return null;
}
