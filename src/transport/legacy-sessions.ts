// 2025-era Streamable HTTP at /mcp, sessionful. Why not the SDK's stateless fallback: a 2025 client cancels a tool call
// by POSTing `notifications/cancelled`, which a stateless endpoint hands to a fresh server instance that never saw the
// call — the scan would run on to its deadline. With a session, the cancellation reaches the instance running the call.
// (2026-era clients cancel by closing the request's stream, which the per-request modern leg already honours.)
// Requests without a session id that are not `initialize` (curl, probes) are still served statelessly.
import { randomUUID } from 'node:crypto';
import { isInitializeRequest, legacyStatelessFallback, type McpServer, WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/server';
import { log } from '../log.js';

/** Bounds the memory a caller can pin with sessions: past it, the least recently used session is closed. */
export const MAX_SESSIONS = 64;
/** A session nobody has used for this long is closed (clients rarely send DELETE). */
export const SESSION_IDLE_MS = 30 * 60_000;

interface Session {
  transport: WebStandardStreamableHTTPServerTransport;
  server: McpServer;
  lastSeen: number;
}

export interface LegacySessions {
  fetch(request: Request): Promise<Response>;
  size(): number;
  close(): Promise<void>;
}

const jsonError = (status: number, code: number, message: string) =>
  new Response(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }), { status, headers: { 'Content-Type': 'application/json' } });

export function createLegacySessions(factory: () => McpServer, maxRequestBodySize: number, onerror: (e: Error) => void): LegacySessions {
  const sessions = new Map<string, Session>();
  const stateless = legacyStatelessFallback(factory, onerror, { maxRequestBodySize });

  const drop = (id: string) => {
    const s = sessions.get(id);
    if (!s) return;
    sessions.delete(id);
    // Closing the server aborts the session's in-flight tool calls (their signals), so no scan outlives its session.
    s.server.close().catch((e: unknown) => log.debug({ err: (e as Error).message }, 'session close failed'));
  };

  const sweep = setInterval(() => {
    const cutoff = Date.now() - SESSION_IDLE_MS;
    for (const [id, s] of sessions) if (s.lastSeen < cutoff) drop(id);
  }, 60_000);
  sweep.unref();

  async function open(request: Request, body: unknown): Promise<Response> {
    while (sessions.size >= MAX_SESSIONS) drop(sessions.keys().next().value as string); // Map order = least recently used first
    const server = factory();
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      maxRequestBodySize,
      onsessioninitialized: (id) => void sessions.set(id, { transport, server, lastSeen: Date.now() }),
      onsessionclosed: (id) => drop(id),
    });
    transport.onerror = onerror;
    await server.connect(transport);
    return transport.handleRequest(request, { parsedBody: body });
  }

  return {
    async fetch(request) {
      const id = request.headers.get('mcp-session-id');
      if (id !== null) {
        const s = sessions.get(id);
        if (!s) return jsonError(404, -32001, 'Session not found: initialize again.');
        s.lastSeen = Date.now();
        sessions.delete(id); // re-insert: keeps the map in least-recently-used order
        sessions.set(id, s);
        return s.transport.handleRequest(request);
      }
      const body: unknown =
        request.method === 'POST'
          ? await request
              .clone()
              .json()
              .catch(() => undefined)
          : undefined;
      if (isInitializeRequest(body)) return open(request, body);
      return stateless(request);
    },
    size: () => sessions.size,
    async close() {
      clearInterval(sweep);
      for (const id of [...sessions.keys()]) drop(id);
    },
  };
}
