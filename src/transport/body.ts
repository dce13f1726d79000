// Request body cap: a caller (or a page that found the port) must not make the server buffer without bound.
import type { IncomingMessage, ServerResponse } from 'node:http';

export const MAX_BODY_BYTES = 1024 * 1024;

export class BodyTooLarge extends Error {
  override readonly name = 'BodyTooLarge';
}

/** True when the declared Content-Length already exceeds the cap: answer 413 without reading a byte. */
export function declaredTooLarge(req: IncomingMessage, max = MAX_BODY_BYTES): boolean {
  const declared = Number(req.headers['content-length']);
  return Number.isFinite(declared) && declared > max;
}

/** Reads the body up to `max` bytes; past it, stops reading and rejects with BodyTooLarge (chunked bodies have no length). */
export async function readCapped(req: IncomingMessage, max = MAX_BODY_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > max) throw new BodyTooLarge(`request body over ${max} bytes`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

export function jsonRpcError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  const body = JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null });
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)), ...headers });
  res.end(body);
}

/**
 * 413 for an oversized body. The connection is closed afterwards: the unread remainder of the body would otherwise be
 * parsed as the next request on a kept-alive socket.
 */
export function tooLarge(res: ServerResponse, max = MAX_BODY_BYTES): void {
  jsonRpcError(res, 413, `Request body too large (limit ${max} bytes).`, { Connection: 'close' });
}
