// What every guarded zoo app needs and must get right: the key from the environment (refusing to start without a real
// one), a constant-time comparison, and a per-address throttle of failed keys. The apps decide themselves where the check
// runs (middleware, route handler, inline); this module only holds the parts that must be the same everywhere.
import { createHash, timingSafeEqual } from 'node:crypto';

// Values a deployment gets when a variable is unset and rendered as text, or left at a template's default.
const PLACEHOLDERS = new Set(['', 'none', 'null', 'undefined', 'nil', 'false', '0', 'changeme', 'change-me', 'secret', 'your-api-key', 'api-key']);
const MIN_KEY_LENGTH = 16;

export function apiKeyFromEnv(name = 'ZOO_API_KEY') {
  const value = process.env[name];
  if (value === undefined || PLACEHOLDERS.has(value.trim().toLowerCase()) || value.trim().length < MIN_KEY_LENGTH) {
    console.error(`${name} is unset, a placeholder or shorter than ${MIN_KEY_LENGTH} characters: refusing to start without a real API key`);
    process.exit(1);
  }
  return value.trim();
}

const digest = (s) => createHash('sha256').update(s, 'utf8').digest();

/** Exact bytes, constant time (digests first, so that the key's length does not show either): no case folding, no trimming. */
export function keysEqual(presented, expected) {
  if (typeof presented !== 'string') return false;
  return timingSafeEqual(digest(presented), digest(expected));
}

/** The token of `Authorization: Bearer <token>`; undefined for any other scheme or a bare value. */
export function bearerToken(header) {
  if (typeof header !== 'string') return undefined;
  const space = header.indexOf(' ');
  if (space < 0 || header.slice(0, space).toLowerCase() !== 'bearer') return undefined;
  const token = header.slice(space + 1);
  return token || undefined;
}

/**
 * After `limit` wrong keys from one address within `windowMs`, that address is locked out (every request it sends is
 * answered 429 with Retry-After, the right key included, so guessing cannot go on during the lock-out) until the oldest
 * of those failures is older than the window.
 */
export class FailedKeyThrottle {
  constructor(limit = 10, windowMs = 60_000) {
    this.limit = limit;
    this.windowMs = windowMs;
    this.failures = new Map();
  }

  #recent(client, now) {
    const kept = (this.failures.get(client) ?? []).filter((t) => now - t < this.windowMs);
    this.failures.set(client, kept);
    return kept;
  }

  /** Seconds until `client` may try again, or null when it is not locked out. */
  retryAfter(client) {
    const now = Date.now();
    const recent = this.#recent(client, now);
    if (recent.length < this.limit) return null;
    return Math.max(1, Math.ceil((this.windowMs - (now - recent[0])) / 1000));
  }

  failed(client) {
    this.#recent(client, Date.now()).push(Date.now());
  }
}
