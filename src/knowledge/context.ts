// Remediation contexts: the values snippet templates are filled from, learned from a finding or defaulted per framework.
// Values from a finding come from a scanned (possibly hostile) server, so each one must match a strict pattern before it
// can appear in generated code; anything else falls back to the default.

import { ADVISORIES } from '../engine/advisories.js';
import { RULES } from '../engine/rules/index.js';
import type { RuleId } from '../engine/types.js';
import { compareVersions } from '../engine/version.js';
import { FRAMEWORK_INFO, isServerFramework } from './framework-info.js';
import { frameworkForFinding, productFacts } from './frameworks.js';
import type { FindingLike, Framework, RemediationContext } from './types.js';

// ---------- validation ----------

const HEADER_NAME = /^[A-Za-z][A-Za-z0-9-]{0,63}$/;
const ENV_VAR = /^[A-Z_][A-Z0-9_]{0,63}$/;
/** A path safe inside generated code and configuration: no quotes, spaces, braces, `;`, `%`, doubled slashes or dot segments. */
const STRICT_PATH = /^\/(?:[A-Za-z0-9_~-][A-Za-z0-9._~-]*(?:\/(?=[A-Za-z0-9_~-]))?)*\/?$/;
/** A path safe inside a quoted shell word or Markdown code: printable, no quote, backslash, backtick, `!` or `$`. */
const LOOSE_PATH = /^\/[#%&(-[\]-_a-~]{0,300}$/;
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}))*\.?|\[[0-9A-Fa-f:.]+\])$/;
const MODEL = /^[A-Za-z0-9._:/@+-]{1,200}$/;
const FIELD = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const ORIGIN = /^https?:\/\/[A-Za-z0-9.-]+(?::\d{1,5})?$/;
const FILE_PATH = /^\/[A-Za-z0-9._/-]{1,200}$/;
const VERSION = /^\d{1,4}(?:\.\d{1,6}){0,3}$/;
const ADVISORY = /^(?:CVE-\d{4}-\d{4,7}|GHSA(?:-[a-z0-9]{4}){3})$/i;
const METHOD = /^[A-Z]{3,10}$/;

export const isSafeHeaderName = (v: string): boolean => HEADER_NAME.test(v);
export const isSafeEnvVar = (v: string): boolean => ENV_VAR.test(v);
export const isStrictPath = (v: string): boolean => STRICT_PATH.test(v) && v.length <= 200;
export const isLoosePath = (v: string): boolean => LOOSE_PATH.test(v);

/** A JSON body safe inside a quoted shell word: parseable, short, printable ASCII, no shell-active character. */
function safeBody(body: string | undefined): string | null {
  // Printable ASCII without quote, backslash, backtick or `$`: inert in any shell quoting a user may paste it into.
  if (!body || body.length > 1500 || !/^[\x20-\x23\x25\x26\x28-\x5b\x5d-\x5f\x61-\x7e]+$/.test(body)) return null;
  try {
    const parsed: unknown = JSON.parse(body);
    return parsed !== null && typeof parsed === 'object' ? body : null;
  } catch {
    return null;
  }
}

// ---------- quoting ----------

/** A single-quoted shell word. */
export function sq(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A Python or JavaScript string literal (JSON's escapes are valid in both). */
export function lit(value: string): string {
  return JSON.stringify(value);
}

/** `X-API-Key`, `Authorization`: the usual spelling of a header name learned in lower case. */
export function canonicalHeaderName(name: string): string {
  const known: Record<string, string> = {
    authorization: 'Authorization',
    'x-api-key': 'X-API-Key',
    'api-key': 'Api-Key',
    'x-goog-api-key': 'X-Goog-Api-Key',
    'xi-api-key': 'Xi-Api-Key',
    'ocp-apim-subscription-key': 'Ocp-Apim-Subscription-Key',
  };
  const lower = name.toLowerCase();
  return (
    known[lower] ??
    lower
      .split('-')
      .map((p) => (p ? p[0]!.toUpperCase() + p.slice(1) : p))
      .join('-')
  );
}

// ---------- defaults ----------

/** A context from defaults only: the framework's product, on loopback. Overrides are validated like finding values. */
export function defaultContext(framework: Framework, overrides: Partial<RemediationContext> = {}): RemediationContext {
  const product = overrides.product ?? productForFramework(framework);
  const facts = productFacts(product);
  const appLike = framework === 'fastapi' || framework === 'starlette' || framework === 'flask' || framework === 'express';
  // The tutorial's own choices: X-API-Key for its FastAPI fix, Authorization: Bearer for its decorator.
  const ownChoice = !overrides.product && (appLike || framework === 'wrapper');
  const headerName = ownChoice ? (framework === 'wrapper' ? 'Authorization' : 'X-API-Key') : facts.headerName;
  const scheme = ownChoice ? (framework === 'wrapper' ? 'Bearer' : null) : facts.scheme;
  const port = facts.port;
  const path = facts.inferencePaths[0] ?? '/generate';
  const origin = `http://127.0.0.1:${port}`;
  const model = facts.model;
  const promptField = 'text';
  const base: RemediationContext = {
    url: `${origin}${path}`,
    origin,
    host: '127.0.0.1',
    port,
    path,
    paths: [...facts.inferencePaths],
    method: 'POST',
    headerName,
    scheme,
    envVar: FRAMEWORK_INFO[framework].envVar,
    upstreamPort: port + 1,
    model,
    promptField,
    outputField: 'generated',
    body: facts.body(model, promptField),
    product,
    allowedOrigin: 'https://app.example.com',
    tlsCertFile: '/etc/ssl/certs/llm-api.crt',
    tlsKeyFile: '/etc/ssl/private/llm-api.key',
    keysFile: '/etc/nginx/llm-api-keys.map',
    advisory: null,
    fixedVersion: null,
  };
  return applyOverrides(base, overrides);
}

function productForFramework(framework: Framework): string {
  return isServerFramework(framework) ? framework : 'fastapi';
}

/** Applies overrides that pass validation; anything else keeps the base value. URL-derived fields are recomputed. */
export function applyOverrides(base: RemediationContext, o: Partial<RemediationContext>): RemediationContext {
  const ctx: RemediationContext = { ...base, paths: [...base.paths] };
  if (o.url !== undefined) {
    const parsed = parseUrl(o.url);
    if (parsed) {
      ctx.origin = parsed.origin;
      ctx.host = parsed.host;
      ctx.port = parsed.port;
      if (parsed.path && isLoosePath(parsed.path)) ctx.path = parsed.path;
      ctx.url = `${parsed.origin}${ctx.path}`;
      if (o.upstreamPort === undefined) ctx.upstreamPort = upstreamFor(parsed.port);
    }
  }
  if (o.path !== undefined && isLoosePath(o.path)) {
    ctx.path = o.path;
    ctx.url = `${ctx.origin}${o.path}`;
  }
  if (o.paths !== undefined) {
    const strict = o.paths.filter(isStrictPath);
    if (strict.length) ctx.paths = [...new Set(strict)];
  }
  if (o.method !== undefined && METHOD.test(o.method.toUpperCase())) ctx.method = o.method.toUpperCase();
  if (o.headerName !== undefined && HEADER_NAME.test(o.headerName)) ctx.headerName = canonicalHeaderName(o.headerName);
  if (o.scheme !== undefined) ctx.scheme = o.scheme === 'Bearer' ? 'Bearer' : null;
  if (o.envVar !== undefined && ENV_VAR.test(o.envVar)) ctx.envVar = o.envVar;
  if (o.upstreamPort !== undefined && Number.isInteger(o.upstreamPort) && o.upstreamPort > 0 && o.upstreamPort < 65536) {
    ctx.upstreamPort = o.upstreamPort;
  }
  if (o.port !== undefined && Number.isInteger(o.port) && o.port > 0 && o.port < 65536) ctx.port = o.port;
  if (o.model !== undefined && MODEL.test(o.model)) ctx.model = o.model;
  if (o.promptField !== undefined && FIELD.test(o.promptField)) ctx.promptField = o.promptField;
  if (o.outputField !== undefined && FIELD.test(o.outputField)) ctx.outputField = o.outputField;
  if (o.body !== undefined) ctx.body = safeBody(o.body) ?? ctx.body;
  else if (o.promptField !== undefined && FIELD.test(o.promptField) && (ctx.product === 'fastapi' || ctx.product === null)) {
    ctx.body = JSON.stringify({ [o.promptField]: 'Hello' });
  }
  if (o.product !== undefined) ctx.product = o.product && /^[a-z0-9-]{1,40}$/.test(o.product) ? o.product : null;
  if (o.allowedOrigin !== undefined && ORIGIN.test(o.allowedOrigin)) ctx.allowedOrigin = o.allowedOrigin;
  if (o.tlsCertFile !== undefined && FILE_PATH.test(o.tlsCertFile)) ctx.tlsCertFile = o.tlsCertFile;
  if (o.tlsKeyFile !== undefined && FILE_PATH.test(o.tlsKeyFile)) ctx.tlsKeyFile = o.tlsKeyFile;
  if (o.keysFile !== undefined && FILE_PATH.test(o.keysFile)) ctx.keysFile = o.keysFile;
  if (o.advisory !== undefined) ctx.advisory = o.advisory && ADVISORY.test(o.advisory) ? o.advisory.toUpperCase() : null;
  if (o.fixedVersion !== undefined) ctx.fixedVersion = o.fixedVersion && VERSION.test(o.fixedVersion) ? o.fixedVersion : null;
  if (o.host !== undefined && HOST.test(o.host)) ctx.host = o.host;
  return ctx;
}

function upstreamFor(port: number): number {
  return port >= 65535 ? port - 1 : port + 1;
}

function parseUrl(raw: string): { origin: string; host: string; port: number; path: string } | null {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return null;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  if (!HOST.test(u.hostname)) return null;
  const port = u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
  return { origin: `${u.protocol}//${u.host}`, host: u.hostname, port, path: u.pathname };
}

// ---------- learning from a finding ----------

const CREDENTIAL_HEADERS = ['authorization', 'x-api-key', 'api-key', 'x-goog-api-key', 'xi-api-key', 'ocp-apim-subscription-key'];

type MessageLike = {
  request?: { url?: string; headers?: Record<string, string>; body?: string };
  response?: { headers?: Record<string, string>; body?: string };
};

function messagesOf(f: FindingLike): MessageLike[] {
  const ev = f.evidence;
  if (!ev) return [];
  const list: MessageLike[] = [];
  if (ev.request || ev.response) list.push({ ...(ev.request ? { request: ev.request } : {}), ...(ev.response ? { response: ev.response } : {}) });
  if (ev.baseline) list.push(ev.baseline);
  for (const x of ev.extra ?? []) list.push(x);
  return list;
}

function headerValue(headers: Record<string, string> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return v;
  return undefined;
}

/** The credential header a finding's evidence reveals: a credential header it sent, a 422 naming it, WWW-Authenticate. */
export function credentialHeaderFromFinding(f: FindingLike): { name: string; scheme: 'Bearer' | null } | null {
  const messages = messagesOf(f);
  for (const m of messages) {
    for (const name of CREDENTIAL_HEADERS) {
      const v = headerValue(m.request?.headers, name);
      if (v === undefined) continue;
      if (name === 'authorization') return { name: 'Authorization', scheme: /^bearer\b/i.test(v.trim()) || v.trim() === '' ? 'Bearer' : null };
      return { name: canonicalHeaderName(name), scheme: null };
    }
  }
  for (const m of messages) {
    const loc = /"loc"\s*:\s*\[\s*"header"\s*,\s*"([A-Za-z0-9_-]{1,64})"\s*\]/.exec(m.response?.body ?? '');
    if (loc?.[1]) {
      // FastAPI names Header() parameters with underscores in the model and hyphens on the wire.
      const name = loc[1].replace(/_/g, '-');
      if (HEADER_NAME.test(name)) {
        return name.toLowerCase() === 'authorization' ? { name: 'Authorization', scheme: 'Bearer' } : { name: canonicalHeaderName(name), scheme: null };
      }
    }
  }
  for (const note of f.evidence?.notes ?? []) {
    const m = /credential header[:\s]+["'`]?([A-Za-z][A-Za-z0-9-]{0,63})/i.exec(note);
    if (m?.[1]) return m[1].toLowerCase() === 'authorization' ? { name: 'Authorization', scheme: 'Bearer' } : { name: canonicalHeaderName(m[1]), scheme: null };
  }
  for (const m of messages) {
    if (/^\s*bearer\b/i.test(headerValue(m.response?.headers, 'www-authenticate') ?? '')) return { name: 'Authorization', scheme: 'Bearer' };
  }
  return null;
}

function pathOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).pathname;
  } catch {
    return null;
  }
}

/** Whether the rule's finding sits on an inference route that stays (true) or on a route the fix closes (false). */
export function isServedRouteRule(rule: RuleId): boolean {
  return RULES[rule].onServedRoute === true;
}

/**
 * The first version past every advisory Gatecrash knows for a product. The advisories are the engine's own table (pure
 * data, like the rule catalog), so a fix never recommends a version the scan would still flag.
 */
export function safeVersionFor(product: string | null): string | null {
  let best: string | null = null;
  for (const a of ADVISORIES) {
    if (a.product !== product) continue;
    if (!best || (compareVersions(a.affected.fixed, best) ?? 0) > 0) best = a.affected.fixed;
  }
  return best;
}

/** The version that fixes one advisory, by id (any case). */
export function fixedVersionOf(advisory: string): string | null {
  return ADVISORIES.find((a) => a.id === advisory.toUpperCase())?.affected.fixed ?? null;
}

export interface ContextOptions {
  /** The framework the snippet is for (decides the key variable); defaults to the finding's fingerprint. */
  framework?: Framework;
  /** The scan's learned credential header (ScanReport.surface.credentialHeader), when the caller has the report. */
  credentialHeader?: { name: string; scheme: 'Bearer' | null };
  overrides?: Partial<RemediationContext>;
}

/**
 * The context a finding supports: its URL, port and path; the credential header its evidence shows; the model and prompt
 * field of the request it sent; the routes a proxy must keep serving.
 */
export function contextFromFinding(finding: FindingLike, options: ContextOptions = {}): RemediationContext {
  const framework = options.framework ?? frameworkForFinding(finding);
  const stated = finding.server?.product && finding.server.product !== 'unknown' ? finding.server.product : null;
  // A server framework's fix is for that server, whatever the fingerprint said; apps and proxies follow the fingerprint.
  const isServer = FRAMEWORK_INFO[framework].kind === 'server';
  const base = defaultContext(framework, isServer ? {} : stated ? { product: stated } : {});
  // Without a fingerprint, the framework's own product (vllm → vLLM's routes and header; apps → the tutorial's wrapper).
  const product = base.product;
  const o: Partial<RemediationContext> = {};
  const rule = finding.rule as RuleId;
  const endpointUrl = finding.endpoint?.url ?? finding.evidence?.request?.url;
  if (endpointUrl) o.url = endpointUrl.split('?')[0]!;
  if (finding.endpoint?.method) o.method = finding.endpoint.method;

  const findingPath = pathOf(endpointUrl);
  const baselinePath = pathOf(finding.evidence?.baseline?.request?.url);
  const served: string[] = [];
  if (baselinePath && baselinePath !== findingPath) served.push(baselinePath);
  if (findingPath && isServedRouteRule(rule)) served.push(findingPath);
  const facts = productFacts(product);
  o.paths = [...served, ...facts.inferencePaths].filter(isStrictPath);

  const cred = options.credentialHeader ?? credentialHeaderFromFinding(finding);
  if (cred) {
    o.headerName = cred.name;
    o.scheme = cred.scheme;
  }

  const reqBody = finding.evidence?.request?.body ?? finding.evidence?.baseline?.request?.body;
  const body = safeBody(reqBody);
  if (body) {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    if (typeof parsed['model'] === 'string') o.model = parsed['model'];
    const stringFields = Object.entries(parsed)
      .filter(([, v]) => typeof v === 'string')
      .map(([k]) => k);
    if ((!product || product === 'fastapi') && stringFields.length === 1 && stringFields[0]) o.promptField = stringFields[0];
    // Bodies of bypass variants can carry the trick itself; only a plain one-token request is reused for manual checks.
    if (isServedRouteRule(rule)) o.body = body;
  }
  const respBody = finding.evidence?.response?.body;
  if (respBody && (!product || product === 'fastapi')) {
    try {
      const parsed: unknown = JSON.parse(respBody);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        const known = ['generated', 'generated_text', 'text', 'output', 'response', 'completion', 'answer', 'content'];
        const hit = Object.keys(parsed).find((k) => known.includes(k));
        if (hit) o.outputField = hit;
      }
    } catch {
      // not JSON: keep the default output field
    }
  }

  const advisory = finding.advisory ?? /\b(CVE-\d{4}-\d{4,7}|GHSA(?:-[a-z0-9]{4}){3})\b/i.exec(`${finding.variant ?? ''} ${finding.description ?? ''}`)?.[1];
  if (advisory) {
    o.advisory = advisory;
    // The version the finding's remedy names (the one that fixes every advisory it lists), else the first "fixed in".
    const stated =
      /\bupgrade .+? to v?(\d+(?:\.\d+){1,3}) or later/i.exec(finding.remediation ?? '')?.[1] ??
      /\bfixed (?:in |version )?v?(\d+(?:\.\d+){1,3})/i.exec(`${finding.description ?? ''} ${finding.remediation ?? ''}`)?.[1];
    o.fixedVersion = stated ?? fixedVersionOf(advisory);
  }
  return applyOverrides(applyOverrides(base, o), options.overrides ?? {});
}
