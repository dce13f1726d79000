// Common harness for target emulators: start on an ephemeral loopback port, record every request, stop cleanly.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Server as NetServer, Socket } from 'node:net';
import { createPooledServer, type PoolStats, type WorkerPoolShape } from './worker-pool.js';

export interface RecordedRequest {
  method: string;
  /** Raw request target as received (path + query, not normalized). */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Set by the emulator when the request ran (emulated) inference. */
  inference?: boolean;
  /** Tokens the emulated model was asked to generate, when it ran. */
  maxTokens?: number;
  /** Set by the emulator when a management handler (pull, update weights, slot save…) was reached with a body that could act. */
  management?: boolean;
}

export interface EmulatorRequest extends RecordedRequest {
  /** The path without query. */
  path: string;
  query: URLSearchParams;
  /** Parsed JSON body, or undefined when absent or invalid (see `jsonError`). */
  json?: unknown;
  jsonError?: string;
  /** Mark this request as having run inference (for "no inference sent" assertions). */
  markInference(maxTokens?: number): void;
  /** Mark this request as a management invocation (for "the target was never changed" assertions). */
  markManagement(): void;
}

// Handlers may return whatever their last write returns (often `return sendJson(…)`); the harness ignores it.
export type EmulatorHandler = (req: EmulatorRequest, res: ServerResponse, raw: IncomingMessage) => unknown;

export interface RunningTarget {
  /** http://127.0.0.1:PORT (no trailing slash) */
  url: string;
  port: number;
  requests: RecordedRequest[];
  inferenceCount(): number;
  /** Requests that reached a management handler in a way that could act. */
  managementCount(): number;
  /** The worker pool's counters, when the target runs behind one (`StartOptions.pool`). */
  pool?: PoolStats;
  /**
   * Serves a connection accepted by another listener, as if this emulator had accepted it: one emulator answers on many
   * addresses and ports (fleet tests), with one handler and one request record.
   */
  serve(socket: Socket): void;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Server response header added to every answer (e.g. 'uvicorn'); omitted when undefined. */
  serverHeader?: string;
  host?: string;
  /** Serve connections with a fixed pool of keep-alive workers and split, Nagle-delayed writes (see worker-pool.ts). */
  pool?: WorkerPoolShape;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

/**
 * The first value of a request header as the wire carried it (Starlette's `headers.get`, axum's `HeaderMap::get` and
 * cpp-httplib's `get_header_value` all return the first occurrence, while Node joins repeats with ', ').
 */
export function firstHeader(raw: IncomingMessage, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (let i = 0; i + 1 < raw.rawHeaders.length; i += 2) {
    if ((raw.rawHeaders[i] as string).toLowerCase() === lower) return raw.rawHeaders[i + 1];
  }
  return undefined;
}

export async function startTarget(handler: EmulatorHandler, options: StartOptions = {}): Promise<RunningTarget> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const listener = (raw: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    raw.on('data', (c: Buffer) => chunks.push(c));
    raw.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const rawUrl = raw.url ?? '/';
      const q = rawUrl.indexOf('?');
      const record: RecordedRequest = { method: raw.method ?? 'GET', url: rawUrl, headers: { ...raw.headers }, body };
      requests.push(record);
      let json: unknown;
      let jsonError: string | undefined;
      if (body.length > 0) {
        try {
          json = JSON.parse(body);
        } catch (e) {
          jsonError = (e as Error).message;
        }
      }
      const req: EmulatorRequest = {
        ...record,
        path: q === -1 ? rawUrl : rawUrl.slice(0, q),
        query: new URLSearchParams(q === -1 ? '' : rawUrl.slice(q + 1)),
        json,
        ...(jsonError !== undefined ? { jsonError } : {}),
        markInference(maxTokens?: number) {
          record.inference = true;
          if (maxTokens !== undefined) record.maxTokens = maxTokens;
        },
        markManagement() {
          record.management = true;
        },
      };
      if (options.serverHeader) res.setHeader('server', options.serverHeader);
      Promise.resolve(handler(req, res, raw)).catch((e: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { error: `emulator error: ${(e as Error).message}` });
        else res.destroy();
      });
    });
  };
  const pooled = options.pool ? createPooledServer(listener, options.pool) : undefined;
  const server: NetServer = pooled?.server ?? createServer(listener);
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, options.host ?? '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    inferenceCount: () => requests.filter((r) => r.inference).length,
    managementCount: () => requests.filter((r) => r.management).length,
    ...(pooled ? { pool: pooled.stats } : {}),
    serve: (socket) => server.emit('connection', socket),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
