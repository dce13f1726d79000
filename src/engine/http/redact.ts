// Redaction: a user's credential never leaves the process. Every exchange is redacted as it is recorded, and the prose
// around it (findings, rule reasons, errors, progress) goes through the same redactor, so output can only show `[REDACTED]`.
//
// Whole values, where they stand. A real secret (long, not a word) is replaced wherever it occurs, in any case: it cannot
// be part of an innocent word. A weak one — too short, or a word such as `key` or `wrong` — would be found inside
// `X-API-Key` and "Wrong keys are never throttled", and the holes would spell the key out; so it is replaced only where it
// stands as a value: a whole header value, after `=` (query strings, forms, cookies), after `: ` at the end of a value,
// as a whole JSON string, and after an auth scheme (`Bearer …`). The report says when a credential is that weak
// (`weakness`, ScanReport.notices).

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
    const token = tokenAfterScheme(v);
    if (token) out.push(token);
  }
  return out;
}

function tokenAfterScheme(value: string): string | undefined {
  return /^(?:bearer|basic|token|apikey|api-key)\s+(.+)$/i.exec(value.trim())?.[1]?.trim();
}

/** Placeholder and default values people put in a key variable; never a real secret, and common in ordinary text. */
const COMMON = new Set([
  'password',
  'passw0rd',
  'password1',
  'password123',
  'changeme',
  'changeit',
  'letmein',
  'secret',
  'secret123',
  'supersecret',
  'admin',
  'admin123',
  'test',
  'test123',
  'testing',
  'default',
  'example',
  'apikey',
  'api-key',
  'api_key',
  'token',
  'qwerty',
  'qwerty123',
  'none',
  'null',
  'undefined',
  'dummy',
  'sample',
  'placeholder',
]);

/** Why a credential is no real secret, or null: shorter than 8 characters, or a word (or words) of up to 16 letters. */
export function weakness(secret: string): 'short' | 'word' | null {
  const s = secret.trim();
  if (s.length < 8) return 'short';
  if (COMMON.has(s.toLowerCase()) || /^\d{1,12}$/.test(s)) return 'word';
  if (s.length <= 16 && /^[A-Za-z]+(?:[-_ .][A-Za-z]+)*$/.test(s)) return 'word';
  return null;
}

/** The sentence a report carries about a weak credential (the value itself is never shown). */
export function weakCredentialNotice(headerName: string, value: string): string | null {
  const secret = tokenAfterScheme(value) ?? value.trim();
  const why = weakness(secret);
  if (!why) return null;
  const what =
    why === 'short'
      ? `is ${secret.length} character${secret.length === 1 ? '' : 's'} long, too short to be a real secret`
      : 'is a common word or placeholder, not a real secret';
  return (
    `The credential in ${headerName} ${what}: it is redacted where it stands as a value (a header, a query or form value, ` +
    `a whole JSON string, after "Bearer"), not inside ordinary text, where it cannot be told apart from a word. Scan with the real key.`
  );
}

/** Characters that end a value: after them, what follows is no longer the value. */
const VALUE_END = `(?=$|[\\s&;,#"'}\\]<>)])`;
const COLON_VALUE_END = `(?=$|[\\r\\n;,"'}\\]<>)])`;

function weakPatterns(secret: string): RegExp[] {
  const s = escapeRegExp(secret);
  return [
    // The whole text (a header value).
    new RegExp(`^(\\s*)${s}(\\s*)$`, 'gi'),
    // After an auth scheme.
    new RegExp(`(\\b(?:bearer|basic|token|apikey|api-key)\\s+)${s}${VALUE_END}`, 'gi'),
    // After '=' (query strings, forms, cookies, key=value lines).
    new RegExp(`(=\\s*)${s}${VALUE_END}`, 'gi'),
    // After ': ' when the value ends there ("Invalid API key: wrong", "X-API-Key: key" lines in a body).
    new RegExp(`(:\\s*)${s}${COLON_VALUE_END}`, 'gi'),
    // A whole JSON (or quoted) string that is a value, not a property name.
    new RegExp(`(")${s}(?="(?!\\s*:))`, 'gi'),
    new RegExp(`(')${s}(?=')`, 'gi'),
  ];
}

export class Redactor {
  private readonly secrets = new Set<string>();
  private compiled: { secret: string; strong: boolean; patterns: RegExp[] }[] | null = null;

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
    if (this.secrets.size !== before) this.compiled = null;
  }

  get size(): number {
    return this.secrets.size;
  }

  private patterns(): { secret: string; strong: boolean; patterns: RegExp[] }[] {
    // One pattern (or a few) per secret, longest first, so that a secret containing another is replaced whole. Not one
    // alternation: a long non-ASCII credential (8 KiB of emoji, URL-encoded sixfold) makes V8 refuse the combined pattern as
    // too large — at first use, not at construction — and a redactor that throws takes the scan down.
    this.compiled ??= [...this.secrets]
      .sort((a, b) => b.length - a.length)
      .map((secret) => {
        const strong = weakness(secret) === null;
        return { secret, strong, patterns: strong ? [new RegExp(escapeRegExp(secret), 'gi')] : weakPatterns(secret) };
      });
    return this.compiled;
  }

  redact(text: string): string;
  redact(text: string | undefined): string | undefined;
  redact(text: string | undefined): string | undefined {
    if (text === undefined || this.secrets.size === 0) return text;
    let out = text;
    for (const { secret, strong, patterns } of this.patterns()) {
      for (const re of patterns) {
        try {
          out = strong
            ? out.replace(re, REDACTED)
            : out.replace(re, (_m, before: string = '', after?: string) => `${before}${REDACTED}${typeof after === 'string' ? after : ''}`);
        } catch {
          if (strong) out = out.split(secret).join(REDACTED); // V8 refused the pattern: still removed, case-sensitively
        }
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
