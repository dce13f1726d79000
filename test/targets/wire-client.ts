// A raw HTTP client for emulator tests (fetch cannot set Host or send a path unnormalized), and the cheap phase's view
// of a target: GETs without credentials gathered into the Signals a profile's detector reads.
import { request } from 'node:http';
import type { Exchange, Signals } from '../../src/engine/types.js';
import type { RunningTarget } from './harness.js';

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  // biome-ignore lint/suspicious/noExplicitAny: test-side convenience, bodies are checked by shape where read
  json(): any;
}

export interface SendOptions {
  headers?: Record<string, string>;
  body?: string;
  /** The Host header to send instead of 127.0.0.1:port. */
  host?: string;
}

export function send(target: RunningTarget, method: string, path: string, opts: SendOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.body !== undefined) headers['content-length'] = String(Buffer.byteLength(opts.body));
    const req = request({ host: '127.0.0.1', port: target.port, method, path, headers: { ...(opts.host ? { host: opts.host } : {}), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body) });
      });
    });
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

/** A JSON POST (`content-type: application/json` unless the caller sets one). */
export const postJson = (t: RunningTarget, path: string, body: unknown, headers: Record<string, string> = {}, host?: string) =>
  send(t, 'POST', path, {
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: Object.keys(headers).some((h) => h.toLowerCase() === 'content-type') ? headers : { 'content-type': 'application/json', ...headers },
    ...(host ? { host } : {}),
  });

/** Credential-less GETs of `paths`, as the Signals the fingerprint phase would hand a profile. */
export async function observe(target: RunningTarget, paths: readonly string[]): Promise<Signals> {
  const all: Exchange[] = [];
  for (const path of paths) {
    const r = await send(target, 'GET', path);
    const headers = Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)]));
    all.push({
      id: all.length + 1,
      probe: { method: 'GET', path, purpose: 'fingerprint' },
      request: { method: 'GET', url: `${target.url}${path}`, headers: {} },
      response: { status: r.status, headers, body: r.body, truncated: false, latencyMs: 1 },
    });
  }
  return { byPath: Object.fromEntries(all.map((e) => [e.probe.path, e])), all };
}
