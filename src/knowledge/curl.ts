// Shell lines for manual checks and re-scans, built from validated context values only.
import { RULES } from '../engine/rules/index.js';
import type { RuleId } from '../engine/types.js';
import { isServedRouteRule, sq } from './context.js';
import type { ManualCheck, RemediationContext } from './types.js';

export interface CurlOptions {
  method?: string;
  /** Absolute URL; defaults to the context's origin + path. */
  url?: string;
  path?: string;
  /** The URL argument exactly as it goes on the line (already quoted), e.g. to expand a variable in it. */
  urlArg?: string;
  /** Literal `Name: value` headers (single-quoted on the line). */
  headers?: string[];
  /** Send the configured key (from $ENV_VAR). */
  keyed?: boolean;
  /** JSON body; defaults to the context's body for POST. `null` sends none. */
  body?: string | null;
  /** Send the path exactly as written (no ../ or // clean-up by curl). */
  pathAsIs?: boolean;
  /** Print headers instead of the status code only. */
  showHeaders?: boolean;
  /** Print the response body. */
  showBody?: boolean;
  maxTime?: number;
}

/** `-H "X-API-Key: $API_KEY"` / `-H "Authorization: Bearer $API_KEY"`: the variable expands in the user's shell. */
export function keyHeaderArg(ctx: RemediationContext, envVar = ctx.envVar): string {
  return `-H "${ctx.headerName}: ${ctx.scheme === 'Bearer' ? 'Bearer ' : ''}$${envVar}"`;
}

export function curl(ctx: RemediationContext, o: CurlOptions = {}): string {
  const method = (o.method ?? ctx.method ?? 'POST').toUpperCase();
  const url = o.url ?? `${ctx.origin}${o.path ?? ctx.path}`;
  const parts = ['curl -sS'];
  if (o.pathAsIs) parts.push('--path-as-is');
  if (o.maxTime) parts.push(`--max-time ${o.maxTime}`);
  if (o.showHeaders) parts.push('-D -', o.showBody ? '' : '-o /dev/null');
  else if (!o.showBody) parts.push(`-o /dev/null -w '%{http_code}\\n'`);
  if (method === 'HEAD') parts.push('-I');
  else if (method !== 'GET' || o.body) parts.push(`-X ${method}`);
  parts.push(o.urlArg ?? sq(url));
  for (const h of o.headers ?? []) parts.push(`-H ${sq(h)}`);
  if (o.keyed) parts.push(keyHeaderArg(ctx));
  const body = o.body === null ? null : (o.body ?? (method === 'POST' ? ctx.body : null));
  if (body) parts.push(`-H 'Content-Type: application/json'`, `-d ${sq(body)}`);
  return parts.filter(Boolean).join(' ');
}

export const check = (description: string, command: string, expect: string): ManualCheck => ({ description, command, expect });

/** The re-scan: `gatecrash scan <url> --fail-on high` (the installed CLI: README "Install"), plus what the rule needs (depth, the user's key or token). */
export function rescanCommand(rule: RuleId, ctx: RemediationContext): string {
  const meta = RULES[rule];
  // Scan from the inference route: discovery then finds the route the finding was on (an exposed or closed route
  // given as the URL would only serve as a base path).
  const target = isServedRouteRule(rule) ? ctx.url : `${ctx.origin}${ctx.paths[0] ?? ctx.path}`;
  const url = /^[A-Za-z0-9:/._~%-]+$/.test(target) ? target : sq(target);
  const parts = [`gatecrash scan ${url} --fail-on high`];
  if (meta.depth === 'deep') parts.push('--depth deep');
  if (meta.needs === 'key') parts.push(`--header "${ctx.headerName}: ${ctx.scheme === 'Bearer' ? 'Bearer ' : ''}$${ctx.envVar}"`);
  if (meta.needs === 'jwt') parts.push('--header "Authorization: Bearer $JWT"');
  return parts.join(' ');
}

/** The JSON report's verdict for one rule, for rules whose severity a high gate does not cover. */
export function ruleStatusCommand(rule: RuleId, ctx: RemediationContext): string {
  const meta = RULES[rule];
  const base = rescanCommand(rule, ctx).replace(' --fail-on high', ' --fail-on none --format json');
  return `${base} | jq -r '.rules[] | select(.rule == "${meta.id}") | .status'`;
}
