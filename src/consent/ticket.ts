// The question's ticket. The person's answer comes back on a retry of the tool call (MCP multi-round-trip requests:
// the client echoes `requestState` and adds `inputResponses`), and a client controls both. So the state is minted and
// sealed here, naming one question about one call: an answer counts only on the retry of the call it was asked for,
// once, within TICKET_TTL_MS. An "accept" a client (or a prompt-injected model) sends unasked has no ticket and is
// ignored: the question is asked.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Process-wide: a 2026-era HTTP retry is served by another server instance of the same process. */
const SECRET = randomBytes(32);
export const TICKET_TTL_MS = 15 * 60_000;
const MAX_REDEEMED = 10_000;

/** Tickets already answered (nonce → expiry): each answers one question once. */
const redeemed = new Map<string, number>();

/** A call's arguments as one digest: key order does not matter, any value that does is in it. */
export function callDigest(tool: string, args: unknown): string {
  const stable = (v: unknown): unknown =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, stable((v as Record<string, unknown>)[k])]),
        )
      : Array.isArray(v)
        ? v.map(stable)
        : v;
  return createHash('sha256')
    .update(JSON.stringify([tool, stable(args)]))
    .digest('base64url');
}

const seal = (payload: string) => createHmac('sha256', SECRET).update(payload).digest('base64url');

/** A new ticket for a question about the call with this digest: the key its answer goes under, and the sealed state. */
export function mintTicket(digest: string, now = Date.now()): { key: string; state: string } {
  const nonce = randomBytes(12).toString('base64url');
  const payload = Buffer.from(JSON.stringify({ n: nonce, d: digest, e: now + TICKET_TTL_MS })).toString('base64url');
  return { key: `consent-${nonce}`, state: `${payload}.${seal(payload)}` };
}

/**
 * The key of the question a retry answers, when its state is a ticket this process minted for this very call, not
 * expired and not answered before; null otherwise. Redeeming spends the ticket.
 */
export function redeemTicket(state: string | undefined, digest: string, now = Date.now()): string | null {
  if (!state || state.length > 1024) return null;
  const [payload = '', mac = ''] = state.split('.');
  const expected = Buffer.from(seal(payload));
  const given = Buffer.from(mac);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  let ticket: { n?: unknown; d?: unknown; e?: unknown };
  try {
    ticket = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof ticket;
  } catch {
    return null;
  }
  if (typeof ticket.n !== 'string' || ticket.d !== digest || typeof ticket.e !== 'number' || ticket.e <= now || redeemed.has(ticket.n)) return null;
  for (const [nonce, expiry] of redeemed) if (expiry <= now || redeemed.size >= MAX_REDEEMED) redeemed.delete(nonce);
  redeemed.set(ticket.n, ticket.e);
  return `consent-${ticket.n}`;
}
