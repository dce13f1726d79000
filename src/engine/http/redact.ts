// Redaction: a user's credential never leaves the process. Every exchange is redacted as it is recorded,
// so findings, logs, reports and errors built from exchanges can only ever show `[REDACTED]`.

export const REDACTED = '[REDACTED]';

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The secret values hidden inside credential header values: the whole value and the token after a scheme. */
export function secretsFromCredentials(credentials: Record<string, string>): string[] {
  const out: string[] = [];
  for (const value of Object.values(credentials)) {
    const v = value.trim();
    if (!v) continue;
    out.push(v);
    const m = /^(?:bearer|basic|token|apikey|api-key)\s+(.+)$/i.exec(v);
    if (m?.[1]) out.push(m[1].trim());
  }
  return out;
}

export class Redactor {
  private readonly secrets = new Set<string>();
  private patterns: { secret: string; re: RegExp }[] | null = null;

  constructor(secrets: Iterable<string> = []) {
    for (const s of secrets) this.add(s);
  }

  /** Adds a secret and the spellings it may travel in (URL-encoded for query strings). Matching ignores case. */
  add(secret: string): void {
    if (!secret) return;
    const before = this.secrets.size;
    this.secrets.add(secret);
    let encoded = secret;
    try {
      encoded = encodeURIComponent(secret);
    } catch {
      // A lone surrogate has no URL-encoded spelling (URIError); the raw spelling is still redacted.
    }
    if (encoded !== secret) this.secrets.add(encoded);
    if (this.secrets.size !== before) this.patterns = null;
  }

  get size(): number {
    return this.secrets.size;
  }

  redact(text: string): string;
  redact(text: string | undefined): string | undefined;
  redact(text: string | undefined): string | undefined {
    if (text === undefined || this.secrets.size === 0) return text;
    // One pattern per secret, longest first, so that a secret containing another is replaced whole. Not one
    // alternation: a long non-ASCII credential (8 KiB of emoji, URL-encoded sixfold) makes V8 refuse the combined
    // pattern as too large — at first use, not at construction — and a redactor that throws takes the scan down.
    this.patterns ??= [...this.secrets].sort((a, b) => b.length - a.length).map((s) => ({ secret: s, re: new RegExp(escapeRegExp(s), 'gi') }));
    let out = text;
    for (const { secret, re } of this.patterns) {
      try {
        out = out.replace(re, REDACTED);
      } catch {
        out = out.split(secret).join(REDACTED); // V8 refused the pattern: still removed, case-sensitively
      }
    }
    return out;
  }

  redactHeaders(headers: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(headers)) out[k] = this.redact(v);
    return out;
  }
}
