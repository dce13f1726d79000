// Reading a server's OpenAPI document (untrusted JSON) into routes and a credential header.
import * as z from 'zod/v4';
import type { BodyEncoding, CredentialHeader, FieldSpec, Route } from '../types.js';
import { isHeaderName, isRoutePath } from '../untrusted.js';
import { isExactPromptName, isLimitField, isPromptLike } from './body-shapes.js';

const SchemaObject: z.ZodType<{ [k: string]: unknown }> = z.record(z.string(), z.unknown());

const Operation = z.looseObject({
  security: z.array(z.record(z.string(), z.unknown())).optional(),
  requestBody: z.looseObject({ content: z.record(z.string(), z.looseObject({ schema: SchemaObject.optional() })).optional() }).optional(),
  parameters: z
    .array(z.looseObject({ in: z.string().optional(), name: z.string().optional(), required: z.boolean().optional(), schema: SchemaObject.optional() }))
    .optional(),
});

const SecurityScheme = z.looseObject({ type: z.string().optional(), in: z.string().optional(), name: z.string().optional(), scheme: z.string().optional() });

const OpenApiDoc = z.looseObject({
  openapi: z.string().optional(),
  swagger: z.string().optional(),
  paths: z.record(z.string(), z.record(z.string(), z.unknown())),
  security: z.array(z.record(z.string(), z.unknown())).optional(),
  components: z
    .looseObject({ securitySchemes: z.record(z.string(), SecurityScheme).optional(), schemas: z.record(z.string(), SchemaObject).optional() })
    .optional(),
});
type OpenApiDoc = z.infer<typeof OpenApiDoc>;

export interface OpenApiRoutes {
  routes: Route[];
  credentialHeader: CredentialHeader | null;
  /** Header parameters the operations require, by lower-case name (FastAPI `Header(...)` shows up here). */
  requiredHeaders: string[];
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const MAX_OPERATIONS = 200;

function resolveRef(doc: OpenApiDoc, schema: Record<string, unknown> | undefined, depth = 0): Record<string, unknown> | undefined {
  if (!schema || depth > 5) return schema;
  const ref = schema.$ref;
  if (typeof ref === 'string' && ref.startsWith('#/components/schemas/')) {
    return resolveRef(doc, doc.components?.schemas?.[ref.slice('#/components/schemas/'.length)], depth + 1);
  }
  const allOf = schema.allOf;
  if (Array.isArray(allOf) && allOf.length === 1) return resolveRef(doc, allOf[0] as Record<string, unknown>, depth + 1);
  return schema;
}

/** What the schema says of a field: its type, its allowed values, its bounds (the first allowed value is what gets sent). */
function fieldSpec(doc: OpenApiDoc, prop: unknown): FieldSpec {
  const p = resolveRef(doc, prop as Record<string, unknown>);
  // pydantic v2 writes Optional[X] as anyOf [X, null]: the non-null branch is the field.
  const anyOf = Array.isArray(p?.anyOf) ? (p.anyOf as Record<string, unknown>[]).find((x) => x?.type !== 'null') : undefined;
  const s = anyOf ? (resolveRef(doc, anyOf) ?? p) : p;
  const spec: FieldSpec = {};
  const t = s?.type;
  if (t === 'integer') spec.type = 'integer';
  else if (t === 'number') spec.type = 'number';
  else if (t === 'boolean') spec.type = 'boolean';
  else if (t === 'array') spec.type = 'array';
  else if (t === 'object' || (s && 'properties' in s)) spec.type = 'object';
  else spec.type = 'string';
  const values = Array.isArray(s?.enum) ? s.enum : s && 'const' in s ? [s.const] : null;
  if (values?.length) spec.enum = values.filter((v): v is string | number | boolean => ['string', 'number', 'boolean'].includes(typeof v)).slice(0, 20);
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const min = num(s?.minimum) ?? (num(s?.exclusiveMinimum) !== undefined ? num(s?.exclusiveMinimum)! + 1 : undefined);
  const max = num(s?.maximum) ?? (num(s?.exclusiveMaximum) !== undefined ? num(s?.exclusiveMaximum)! - 1 : undefined);
  if (min !== undefined) spec.minimum = min;
  if (max !== undefined) spec.maximum = max;
  return spec;
}

function encodingOf(contentType: string | undefined): BodyEncoding {
  if (!contentType) return 'json';
  if (/multipart\/form-data/i.test(contentType)) return 'multipart';
  if (/x-www-form-urlencoded/i.test(contentType)) return 'form';
  if (/^text\//i.test(contentType)) return 'text';
  return 'json';
}

/** The property that carries the prompt: a prompt-like text or chat list, or one inside an object property (`input.text`). */
function promptProperty(doc: OpenApiDoc, props: Record<string, unknown>): string | undefined {
  // A usual name (`prompt`) before a compound one (`system_query` beside it is not the user's turn).
  const keys = Object.keys(props).sort((a, b) => Number(!isExactPromptName(a)) - Number(!isExactPromptName(b)));
  const flat = keys.find((k) => isPromptLike(k) && ['string', 'array'].includes(fieldSpec(doc, props[k]).type ?? 'string'));
  if (flat) return flat;
  for (const [name, prop] of Object.entries(props)) {
    const inner = (resolveRef(doc, prop as Record<string, unknown>)?.properties ?? null) as Record<string, unknown> | null;
    const nested = inner && Object.keys(inner).find((k) => isPromptLike(k) && fieldSpec(doc, inner[k]).type === 'string');
    if (nested) return `${name}.${nested}`;
  }
  return undefined;
}

function credentialFromSchemes(doc: OpenApiDoc): CredentialHeader | null {
  for (const s of Object.values(doc.components?.securitySchemes ?? {})) {
    if (s.type === 'apiKey' && s.in === 'header' && s.name && isHeaderName(s.name)) return { name: s.name, scheme: null, source: 'openapi' };
    if (s.type === 'http' && s.scheme?.toLowerCase() === 'bearer') return { name: 'Authorization', scheme: 'Bearer', source: 'openapi' };
    if (s.type === 'oauth2' || s.type === 'openIdConnect') return { name: 'Authorization', scheme: 'Bearer', source: 'openapi' };
  }
  return null;
}

/** Every operation with its method, security requirement and, for POST bodies with a prompt-like field, the fields to fill. */
export function routesFromOpenApi(json: unknown, basePath = ''): OpenApiRoutes | null {
  const parsed = OpenApiDoc.safeParse(json);
  if (!parsed.success) return null;
  const doc = parsed.data;
  const routes: Route[] = [];
  const requiredHeaders = new Set<string>();
  let count = 0;
  for (const [path, item] of Object.entries(doc.paths)) {
    // A path the document names is the server's choice: taken only in a path's strict syntax, so it carries no sentence.
    if (!isRoutePath(path)) continue;
    for (const method of METHODS) {
      if (++count > MAX_OPERATIONS) break;
      const op = Operation.safeParse(item[method]);
      if (!op.success || item[method] === undefined) continue;
      for (const p of op.data.parameters ?? [])
        if (p.in === 'header' && p.required && p.name && isHeaderName(p.name)) requiredHeaders.add(p.name.toLowerCase());
      const security = op.data.security ?? doc.security;
      const declaredSecurity = Array.isArray(security) && security.some((req) => Object.keys(req).length > 0);
      const route: Route = { method: method.toUpperCase(), path: basePath + path, kind: 'other', source: 'openapi', access: 'unknown', declaredSecurity };
      const [contentType, media] = Object.entries(op.data.requestBody?.content ?? {})[0] ?? [];
      const schema = resolveRef(doc, media?.schema);
      const props = (schema?.properties ?? {}) as Record<string, unknown>;
      const required = new Set(Array.isArray(schema?.required) ? (schema.required as string[]) : []);
      const queryParams = (op.data.parameters ?? []).filter((p) => p.in === 'query' && p.name);
      const bodyPrompt = promptProperty(doc, props);
      const queryPrompt = queryParams.find((p) => isPromptLike(p.name!))?.name;
      if ((method === 'post' || method === 'put') && bodyPrompt) {
        // Required fields beside the prompt, and every limit field the schema declares (set to one token, or its minimum).
        const fields: NonNullable<Route['fields']> = {};
        const top = bodyPrompt.split('.')[0]!;
        for (const name of Object.keys(props)) if (name !== top && (required.has(name) || isLimitField(name))) fields[name] = fieldSpec(doc, props[name]);
        const promptSpec = fieldSpec(doc, props[top]);
        if (promptSpec.type === 'array') fields[bodyPrompt] = promptSpec;
        Object.assign(route, { kind: 'inference', shape: 'wrapper', promptField: bodyPrompt, encoding: encodingOf(contentType), exactSchema: true });
        if (Object.keys(fields).length) route.fields = fields;
        const query: NonNullable<Route['query']> = {};
        for (const p of queryParams) if (p.required) query[p.name!] = fieldSpec(doc, p.schema);
        if (Object.keys(query).length) route.query = query;
      } else if ((method === 'get' || method === 'post') && queryPrompt) {
        // Plain parameters of a FastAPI endpoint are query parameters, GET or POST.
        const fields: NonNullable<Route['fields']> = {};
        for (const p of queryParams) if (p.name !== queryPrompt && (p.required || isLimitField(p.name!))) fields[p.name!] = fieldSpec(doc, p.schema);
        Object.assign(route, { kind: 'inference', shape: 'wrapper', promptField: queryPrompt, encoding: 'query', exactSchema: true });
        if (Object.keys(fields).length) route.fields = fields;
      } else if (/^\/(docs|redoc|openapi\.json)/.test(path)) {
        route.kind = 'docs';
      }
      routes.push(route);
    }
  }
  return { routes, credentialHeader: credentialFromSchemes(doc), requiredHeaders: [...requiredHeaders] };
}

/** A documented path with `{parameters}` in it (`/openai/deployments/{deployment}/chat/completions`). */
export function hasPathTemplate(path: string): boolean {
  return /\{[^}/]+\}/.test(path);
}

/** The concrete path fits the documented one, each `{parameter}` standing for one non-empty path segment. */
export function pathFitsTemplate(template: string, path: string): boolean {
  if (!hasPathTemplate(template)) return template === path;
  const pattern = template
    .split(/\{[^}/]+\}/)
    .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  return new RegExp(`^${pattern}$`).test(path);
}
