// The bearer token every MCP-over-HTTP caller must present. A local HTTP MCP server that fetches URLs is reachable by
// every process and browser tab on the machine; the token is what makes "on localhost" not mean "anyone on localhost".
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** 256 random bits, URL-safe: fits an Authorization header and an mcp.json env substitution unquoted. */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Shortest token we accept from the operator: a guessable token is no token. */
export const MIN_TOKEN_LENGTH = 16;

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * Constant-time check of `Authorization: Bearer <token>`. Both sides are hashed first so the comparison runs on equal
 * lengths and its time reveals neither the token's length nor a matching prefix.
 */
export function bearerMatches(header: string | string[] | undefined, token: string): boolean {
  if (typeof header !== 'string') return false; // absent, or repeated (Node joins repeats only for some headers)
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  const presented = m?.[1] ?? '';
  const ok = timingSafeEqual(digest(presented), digest(token));
  return ok && presented.length > 0;
}

/** Answers 401 with a JSON-RPC error body, as the MCP authorization spec expects from a protected resource. */
export function requireBearer(token: string): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    if (bearerMatches(req.headers.authorization, token)) return true;
    const body = JSON.stringify({
      jsonrpc: '2.0',
      error: { code: -32001, message: 'Unauthorized: send Authorization: Bearer <token> (gatecrash serve printed it, or set GATECRASH_TOKEN).' },
      id: null,
    });
    res.writeHead(401, { 'Content-Type': 'application/json', 'WWW-Authenticate': 'Bearer realm="gatecrash"', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
    return false;
  };
}
