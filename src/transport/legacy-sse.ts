// The deprecated HTTP+SSE transport (protocol 2024-11-05) for clients that speak nothing newer: GET /sse opens the
// stream, POST /messages?sessionId=… delivers each message. Off unless `gatecrash serve --legacy-sse`.
// The SDK v2 server never serves SSE; the frozen v1 transport lives in @modelcontextprotocol/server-legacy, an optional
// peer dependency (it pulls express and friends into the tree), loaded only when the flag is given.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { McpServer } from '@modelcontextprotocol/server';
import type { SSEServerTransport } from '@modelcontextprotocol/server-legacy/sse';
import { log } from '../log.js';
import { BodyTooLarge, declaredTooLarge, jsonRpcError, readCapped, tooLarge } from './body.js';

export const SSE_PATH = '/sse';
export const MESSAGES_PATH = '/messages';
/** Each SSE session holds a server instance and a socket: bound them so a caller cannot exhaust either. */
export const MAX_SSE_SESSIONS = 32;

export class LegacySseUnavailable extends Error {
  override readonly name = 'LegacySseUnavailable';
}

export interface LegacySse {
  /** Serves GET /sse and POST /messages; false when the path is not one of them. */
  handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean>;
  sessions(): number;
  close(): Promise<void>;
}

async function loadTransport(): Promise<typeof SSEServerTransport> {
  try {
    return (await import('@modelcontextprotocol/server-legacy/sse')).SSEServerTransport;
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') {
      throw new LegacySseUnavailable(
        '--legacy-sse needs the optional package @modelcontextprotocol/server-legacy: npm install ' +
          '@modelcontextprotocol/server-legacy (or drop --legacy-sse; Streamable HTTP at /mcp serves every ' +
          'current client).',
      );
    }
    throw e;
  }
}

export async function createLegacySse(factory: () => McpServer): Promise<LegacySse> {
  const Transport = await loadTransport();
  const sessions = new Map<string, SSEServerTransport>();

  async function open(res: ServerResponse): Promise<void> {
    if (sessions.size >= MAX_SSE_SESSIONS) {
      jsonRpcError(res, 503, `Too many open SSE sessions (limit ${MAX_SSE_SESSIONS}).`);
      return;
    }
    const transport = new Transport(MESSAGES_PATH, res);
    sessions.set(transport.sessionId, transport);
    const server = factory();
    transport.onclose = () => {
      sessions.delete(transport.sessionId);
      // Closing the server aborts the session's in-flight tool calls: a closed stream has no one to answer to.
      server.close().catch(() => undefined);
    };
    await server.connect(transport);
  }

  async function post(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const id = new URL(req.url ?? '/', 'http://localhost').searchParams.get('sessionId') ?? '';
    const transport = sessions.get(id);
    if (!transport) {
      jsonRpcError(res, 404, 'Session not found: open GET /sse first.');
      return;
    }
    if (declaredTooLarge(req)) return tooLarge(res);
    let parsed: unknown;
    try {
      parsed = JSON.parse((await readCapped(req)).toString('utf8'));
    } catch (e) {
      if (e instanceof BodyTooLarge) return tooLarge(res);
      return jsonRpcError(res, 400, 'Parse error: the body is not JSON.');
    }
    await transport.handlePostMessage(req, res, parsed);
  }

  return {
    async handle(req, res, path) {
      if (path === SSE_PATH && req.method === 'GET') await open(res);
      else if (path === MESSAGES_PATH && req.method === 'POST') await post(req, res);
      else if (path === SSE_PATH || path === MESSAGES_PATH) jsonRpcError(res, 405, 'Method not allowed.', { Allow: path === SSE_PATH ? 'GET' : 'POST' });
      else return false;
      return true;
    },
    sessions: () => sessions.size,
    async close() {
      const all = [...sessions.values()];
      sessions.clear();
      await Promise.all(all.map((t) => t.close().catch((e: unknown) => log.debug({ err: (e as Error).message }, 'sse close failed'))));
    },
  };
}
