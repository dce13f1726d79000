// How a server says it is limiting a client, read the same way by every rule that asks (auth.brute-force through the
// wrong-credential burst, cost.no-rate-limit): a 429, or a header announcing a limit.
import type { Exchange } from '../types.js';

/** Headers by which a server announces a limit: `x-ratelimit-*` (OpenAI, Kong), IETF `ratelimit-*` / `ratelimit`, `retry-after`. */
export function rateLimitHeaders(ex: Exchange | undefined): string[] {
  return Object.keys(ex?.response?.headers ?? {}).filter((h) => /^(?:x-)?rate-?limit(?:-|$)/i.test(h) || h.toLowerCase() === 'retry-after');
}

/** The sign of a throttle in one answer ('429' or the header's name), or null. */
export function throttleSign(ex: Exchange): string | null {
  if (ex.response?.status === 429) return '429';
  return rateLimitHeaders(ex)[0] ?? null;
}
