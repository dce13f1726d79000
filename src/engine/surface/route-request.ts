// How to call a route: the one place a request to an inference route is built. A product route takes its API's body; a
// wrapper's route takes what it taught about itself (its method, encoding, prompt field, required fields and their bounds);
// the user's template is used as given. Every rule that sends a prompt, and discovery's prompt-less probe, build it here.

import { profileById } from '../profiles/index.js';
import type { FieldSpec, Probe, RequestTemplate, Route, Surface } from '../types.js';
import { buildBody, isLimitField, PROMPT_FIELD_GUESSES, type ProductShape, USUAL_LIMIT_FIELDS, validationProbeBody } from './body-shapes.js';

export interface RequestOptions {
  prompt: string;
  /** Generation limit; 1 unless a rule asks for another (the cost probe). A route's own minimum wins over 1. */
  maxTokens?: number;
  stream?: boolean;
}

export interface RouteRequest {
  method: string;
  /** Path and query, as sent. */
  path: string;
  body?: string;
  contentType?: string;
  /** The generation limit the request asks for; null when it carries no limit field the route is known to read. */
  tokens: number | null;
}

const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';
const TEXT_TYPE = 'text/plain; charset=utf-8';
// Fixed, so that the same request is the same bytes (the scan's dedup cache), and no prompt can contain it.
const BOUNDARY = 'gatecrash-5f0c2a9e1b7d4c3a';
const MULTIPART_TYPE = `multipart/form-data; boundary=${BOUNDARY}`;

/** Name/value pairs as a multipart/form-data body (text parts only). */
function multipartBody(params: Params): string {
  const safe = (name: string) => name.replace(/["\r\n]/g, '_');
  const parts = params.map(([k, v]) => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${safe(k)}"\r\n\r\n${v.replaceAll(`--${BOUNDARY}`, '')}\r\n`);
  return `${parts.join('')}--${BOUNDARY}--\r\n`;
}

type Params = [string, string][];

/** Sets `a.b.c` in a nested object, creating the objects on the way. */
function setPath(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const parts = dotted.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]!] = value;
}

function clamp(n: number, spec: FieldSpec | undefined): number {
  let v = n;
  if (spec?.minimum !== undefined) v = Math.max(v, spec.minimum);
  if (spec?.maximum !== undefined) v = Math.min(v, spec.maximum);
  return spec?.type === 'integer' ? Math.ceil(v) : v;
}

const chat = (prompt: string) => [{ role: 'user', content: prompt }];

/** A value for a required field that is not the prompt: its first allowed value, a number in bounds, the prompt for text. */
function filler(name: string, spec: FieldSpec, o: RequestOptions & { model?: string; tokens: number }): unknown {
  if (spec.enum?.length) return spec.enum[0];
  if (isLimitField(name)) return o.tokens;
  // A field with numeric bounds is a number, whatever type the validator forgot to name.
  const type = spec.type ?? (spec.minimum !== undefined || spec.maximum !== undefined ? 'number' : undefined);
  switch (type) {
    case 'number':
    case 'integer':
      return clamp(1, spec);
    case 'boolean':
      return false;
    case 'array':
      return /messages$/i.test(name) ? chat(o.prompt) : [];
    case 'object':
      return {};
    default:
      return /(^|\.)model$/i.test(name) && o.model ? o.model : o.prompt;
  }
}

/** The limit the route allows that is closest to what was asked: the smallest minimum it states, capped by its maximum. */
function tokensFor(route: Route, asked: number): number {
  const limits = Object.entries(route.fields ?? {}).filter(([name]) => isLimitField(name));
  return limits.reduce((n, [, spec]) => clamp(n, spec), asked);
}

/** The fields of a wrapper's request as name/value pairs (nested names dotted), prompt included. */
function wrapperValues(route: Route, o: RequestOptions & { model?: string }, withPrompt: boolean): { values: [string, unknown][]; tokens: number | null } {
  const tokens = tokensFor(route, o.maxTokens ?? 1);
  const forbidden = new Set(route.forbidden ?? []);
  const values = new Map<string, unknown>();
  for (const [name, spec] of Object.entries(route.fields ?? {})) values.set(name, filler(name, spec, { ...o, tokens }));
  const structured = (route.encoding ?? 'json') === 'json';
  if (withPrompt && route.promptField) {
    const spec = route.fields?.[route.promptField];
    values.set(route.promptField, route.promptField === 'messages' || spec?.type === 'array' ? chat(o.prompt) : o.prompt);
  } else if (withPrompt && !route.strict) {
    // The prompt under every usual name at once: the wrapper reads its own and ignores the others.
    for (const name of PROMPT_FIELD_GUESSES) if (!forbidden.has(name) && !values.has(name)) values.set(name, o.prompt);
    if (structured && !forbidden.has('messages') && !values.has('messages')) values.set('messages', chat(o.prompt));
  }
  if (!route.exactSchema && !route.strict) for (const name of USUAL_LIMIT_FIELDS) if (!forbidden.has(name) && !values.has(name)) values.set(name, tokens);
  const limited = [...values.keys()].some(isLimitField);
  return { values: [...values.entries()], tokens: limited ? tokens : null };
}

function withParams(path: string, params: Params): string {
  if (params.length === 0) return path;
  const q = path.indexOf('?');
  const search = new URLSearchParams(q === -1 ? '' : path.slice(q + 1));
  for (const [k, v] of params) search.set(k, v);
  return `${q === -1 ? path : path.slice(0, q)}?${search.toString()}`;
}

const asParam = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

function wrapperRequest(route: Route, o: RequestOptions & { model?: string }, withPrompt: boolean): RouteRequest {
  const { values, tokens } = wrapperValues(route, o, withPrompt);
  const encoding = route.encoding ?? 'json';
  const beside = Object.entries(route.query ?? {}).map(([k, spec]): [string, string] => [k, asParam(filler(k, spec, { ...o, tokens: tokens ?? 1 }))]);
  const path = withParams(route.path, beside);
  switch (encoding) {
    case 'query':
      return {
        method: route.method,
        path: withParams(
          path,
          values.map(([k, v]) => [k, asParam(v)]),
        ),
        tokens,
      };
    case 'form':
      return { method: route.method, path, body: new URLSearchParams(values.map(([k, v]) => [k, asParam(v)])).toString(), contentType: FORM_TYPE, tokens };
    case 'multipart':
      return { method: route.method, path, body: multipartBody(values.map(([k, v]) => [k, asParam(v)])), contentType: MULTIPART_TYPE, tokens };
    case 'text':
      return { method: route.method, path, body: withPrompt ? o.prompt : '', contentType: TEXT_TYPE, tokens: null };
    case 'json': {
      const body: Record<string, unknown> = {};
      for (const [k, v] of values) setPath(body, k, v);
      return { method: route.method, path, body: JSON.stringify(body), contentType: JSON_TYPE, tokens };
    }
  }
}

/** The user's template with the prompt and the limit filled in: JSON-escaped inside a JSON body, URL-encoded in the path. */
export function fillTemplate(t: RequestTemplate, prompt: string, tokens: number): RouteRequest {
  const path = t.path.replaceAll('{{prompt}}', encodeURIComponent(prompt)).replaceAll('{{max_tokens}}', String(tokens));
  if (t.body === undefined) return { method: t.method, path, tokens: t.path.includes('{{max_tokens}}') ? tokens : null };
  const jsonish = /^\s*[[{]/.test(t.body);
  const quoted = JSON.stringify(prompt);
  const body = jsonish
    ? t.body.replaceAll('"{{prompt}}"', quoted).replaceAll('{{prompt}}', quoted.slice(1, -1)).replaceAll('{{max_tokens}}', String(tokens))
    : t.body.replaceAll('{{prompt}}', prompt).replaceAll('{{max_tokens}}', String(tokens));
  let isJson = false;
  try {
    JSON.parse(body);
    isJson = true;
  } catch {
    // sent as text, as the user wrote it
  }
  const limited = t.body.includes('{{max_tokens}}') || t.path.includes('{{max_tokens}}');
  return { method: t.method, path, body, contentType: isJson ? JSON_TYPE : TEXT_TYPE, tokens: limited ? tokens : null };
}

/** The one-token request to a route (a generation limit of `maxTokens` when a rule asks for one). */
export function requestFor(route: Route, surface: Pick<Surface, 'fingerprint'>, o: RequestOptions): RouteRequest {
  const { product, models } = surface.fingerprint;
  const model = profileById(String(product))?.namesModel === false ? undefined : models[0];
  const shape = route.shape ?? 'wrapper';
  if (shape === 'template' && route.template) return fillTemplate(route.template, o.prompt, o.maxTokens ?? 1);
  if (shape === 'wrapper' || shape === 'template') return wrapperRequest(route, { ...o, ...(model ? { model } : {}) }, true);
  const n = o.maxTokens ?? 1;
  const body = buildBody(shape as ProductShape, { prompt: o.prompt, ...(model ? { model } : {}), maxTokens: n, stream: o.stream ?? false });
  return { method: route.method, path: route.path, body: JSON.stringify(body), contentType: JSON_TYPE, tokens: n };
}

/**
 * Discovery's request to a route: no prompt, so a server can only refuse (401/403), validate (400/422) or route (404/405) it,
 * and every limit it may read at one token, so a server that fills a missing prompt with a default still cannot run long.
 */
export function promptlessRequestFor(route: Route): RouteRequest {
  const shape = route.shape ?? 'wrapper';
  if (shape === 'wrapper' || shape === 'template') return wrapperRequest(route, { prompt: '' }, false);
  return { method: route.method, path: route.path, body: JSON.stringify(validationProbeBody(shape)), contentType: JSON_TYPE, tokens: 1 };
}

/** A probe carrying a built request (its content type beside any other header the rule sets). */
export function probeOf(req: RouteRequest, extra: Omit<Probe, 'method' | 'path' | 'body'>): Probe {
  const headers = { ...(req.contentType ? { 'content-type': req.contentType } : {}), ...(extra.headers ?? {}) };
  return {
    ...extra,
    method: req.method,
    path: req.path,
    ...(req.body !== undefined ? { body: req.body } : {}),
    ...(Object.keys(headers).length ? { headers } : {}),
  };
}
