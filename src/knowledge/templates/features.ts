// What an application snippet can contain. A rule picks the features that close it; every app snippet has an auth layer
// (API key or JWT) because an unauthenticated fix for any other rule would still leave the tutorial wrapper's hole open.
import type { RuleId } from '../../engine/types.js';
import type { RemediationContext } from '../types.js';

export type AppFeature =
  /** API key on every route: fail closed at start-up, one header, constant-time digest compare. */
  | 'auth'
  /** JWT verification instead of the API key: pinned algorithms, exp required, fail closed on a missing or short secret. */
  | 'jwt'
  /** Management routes behind a second key (X-Admin-Key, ADMIN_API_KEY), on top of the API key. */
  | 'admin'
  /** Metrics served as an ordinary route, behind the app-wide key. */
  | 'metrics'
  /** CORS allow-list from CORS_ALLOWED_ORIGINS; nothing allowed when unset; '*' refused. */
  | 'cors'
  /** Requests with an unexpected Host are refused. */
  | 'trustedHosts'
  /** Lock a client out after 10 wrong keys (PCI DSS 8.3.4). */
  | 'authLockout'
  /** Per-client inference rate limit with 429, Retry-After and RateLimit-* headers. */
  | 'rateLimit'
  /** Refuse generation limits above MAX_NEW_TOKENS. */
  | 'maxTokens'
  /** Terse error bodies; details go to the server log. */
  | 'terseErrors'
  /** Chat-template markers stripped from user text; prompts built with the tokenizer's template. */
  | 'neutralizeInput'
  /** Chat-template markers stripped from model output. */
  | 'cleanOutput'
  /** TLS in the app server itself (fail closed when the certificate files are not configured). */
  | 'tls';

/** How the generated app calls the model. */
export type ModelCall =
  /** The tutorial's transformers code (Python) or a call to an upstream OpenAI-compatible server (Express). */
  | { kind: 'default' }
  /** A fixed reply: for tests and demos; no model needed. */
  | { kind: 'stub'; reply?: string }
  /** Your own function body (indented for you): Python for the Python frameworks, JavaScript for Express. */
  | { kind: 'code'; body: string };

export interface AppRenderInput {
  rule: RuleId | null;
  features: ReadonlySet<AppFeature>;
  ctx: RemediationContext;
  model: ModelCall;
  /** One line on what in this snippet closes the rule. */
  focus: string;
  title: string;
}

/** The app's main route: the context's first inference path, or the tutorial wrapper's /generate. */
export function appRoute(ctx: RemediationContext): string {
  return ctx.paths[0] ?? '/generate';
}

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\./.test(host);
}

/** The Host values the trustedHosts feature allows by default: the scanned host, plus its loopback spellings. */
export function defaultAllowedHosts(ctx: RemediationContext): string[] {
  const hosts = new Set<string>([ctx.host.toLowerCase()]);
  if (isLoopbackHost(ctx.host)) {
    hosts.add('127.0.0.1');
    hosts.add('localhost');
  }
  return [...hosts];
}

export const DEFAULT_MAX_NEW_TOKENS = 256;
export const MAX_NEW_TOKENS = 1024;
export const RATE_LIMIT_PER_MINUTE = 60;
export const LOCKOUT_MAX_FAILURES = 10;
export const LOCKOUT_WINDOW_S = 900;
export const LOCKOUT_S = 1800;

/** Template markers of Mistral-style chat templates (docs/chat-templates.md); the same pattern the scanner looks for. */
export const TEMPLATE_MARKER_PATTERN = String.raw`\[/?INST\]|\[/?SYSTEM_PROMPT\]|\[TOOL_CALLS\]|\[/?AVAILABLE_TOOLS\]|\[/?TOOL_RESULTS\]|\[TOOL_CONTENT\]|\[ARGS\]|\[CALL_ID\]|</?s>`;

/** Indents every non-empty line. */
export function indent(code: string, spaces: number): string {
  const pad = ' '.repeat(spaces);
  return code
    .split('\n')
    .map((l) => (l.trim() ? pad + l : ''))
    .join('\n');
}

/** Joins code blocks with one blank line (two for Python top-level definitions), dropping empty ones. */
export function blocks(parts: (string | false | null | undefined)[], gap = 2): string {
  return `${parts
    .filter((p): p is string => typeof p === 'string' && p.trim() !== '')
    .map((p) => p.replace(/\s+$/, ''))
    .join('\n'.repeat(gap + 1))}\n`;
}
