// An API-key gateway in front of another emulator, the usual way an operator adds a key to a server that has none or
// guards too little. Two configurations:
// - `deny-by-default`: every path needs `Authorization: Bearer <key>` except an explicit public list. The remediation
//   for routes a server forgets (vLLM's /invocations and /tokenize, TGI's /chat_tokenize and KServe route, KoboldCpp's
//   /sdapi/v1/*): the fixed twin of those emulators.
// - `prefixes`: only paths under listed prefixes need the key (nginx `location /api/v1/ { … }` style). Behind it a server
//   that routes by suffix (KoboldCpp) answers `/x/api/v1/generate` from its generator: the suffix-routing bypass.
// Prefix matching runs on the normalized path, as nginx matches locations (percent-decoded, slashes merged, dot segments
// resolved), so doubled slashes or %2e tricks do not slip past it; the request goes upstream unchanged (`proxy_pass`
// without a URI). Upstream status, headers and body come back as they are.
import { request } from 'node:http';
import { firstHeader, type RunningTarget, sendJson, startTarget } from './harness.js';
import { TEST_KEY } from './mistral-model.js';

export interface AuthProxyOptions {
  /** The emulator behind the gateway (http://127.0.0.1:PORT). */
  upstream: string;
  /** Default TEST_KEY. */
  key?: string;
  mode: 'deny-by-default' | 'prefixes';
  /** `prefixes` mode: the guarded path prefixes. */
  guardedPrefixes?: string[];
  /** `deny-by-default` mode: exact paths left open (health checks); default `['/health']`. */
  publicPaths?: string[];
}

/** nginx's URI normalization before location matching. */
export function normalizePath(rawPath: string): string {
  let p = rawPath;
  try {
    p = decodeURIComponent(p);
  } catch {
    /* keep it raw, as nginx would answer 400 anyway */
  }
  p = p.replace(/\/{2,}/g, '/');
  const out: string[] = [];
  for (const seg of p.split('/').slice(1)) {
    if (seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return `/${out.join('/')}`;
}

export async function startAuthProxy(options: AuthProxyOptions): Promise<RunningTarget> {
  const key = options.key ?? TEST_KEY;
  const upstream = new URL(options.upstream);
  const publicPaths = new Set(options.publicPaths ?? ['/health']);
  const guarded = (path: string): boolean => {
    const p = normalizePath(path);
    if (options.mode === 'deny-by-default') return !publicPaths.has(p);
    return (options.guardedPrefixes ?? []).some((prefix) => p.startsWith(prefix));
  };

  return startTarget(async (req, res, raw) => {
    if (guarded(req.path) && firstHeader(raw, 'authorization') !== `Bearer ${key}`) {
      return sendJson(res, 401, { error: { message: 'Missing or invalid API key.', type: 'authentication_error' } }, { 'www-authenticate': 'Bearer' });
    }
    const headers = { ...req.headers, host: upstream.host };
    await new Promise<void>((resolve) => {
      const up = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers }, (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
        upRes.on('end', resolve);
        upRes.on('error', () => resolve());
      });
      up.on('error', (e) => {
        if (!res.headersSent) sendJson(res, 502, { error: { message: `upstream: ${e.message}`, type: 'bad_gateway' } });
        resolve();
      });
      up.end(req.body);
    });
  });
}
