// Reading a server's OpenAPI document (untrusted JSON) into routes and a credential header.
import * as z from 'zod/v4';
import type { CredentialHeader, Route } from '../types.js';
import { PROMPT_LIKE_FIELDS } from './body-shapes.js';

const SchemaObject: z.ZodType<{ [k: string]: unknown }> = z.record(z.string(), z.unknown());

const Operation = z.looseObject({
  security: z.array(z.record(z.string(), z.unknown())).optional(),
  requestBody: z.looseObject({ content: z.record(z.string(), z.looseObject({ schema: SchemaObject.optional() })).optional() }).optional(),
  parameters: z.array(z.looseObject({ in: z.string().optional(), name: z.string().optional(), required: z.boolean().optional() })).optional(),
});

const SecurityScheme = z.looseObject({ type: z.string().optional(), in: z.string().optional(), name: z.string().optional(), scheme: z.string().optional() });

const OpenApiDoc = z.looseObject({
  openapi: z.string().optional(),
  swagger: z.string().optional(),
  paths: z.record(z.string(), z.record(z.string(), z.unknown())),
  security: z.array(z.record(z.string(), z.unknown())).optional(),
  components: z.looseObject({ securitySchemes: z.record(z.string(), SecurityScheme).optional(), schemas: z.record(z.string(), SchemaObject).optional() }).optional(),
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

type FieldType = NonNullable<Route['fields']>[string];

function fieldType(doc: OpenApiDoc, prop: unknown): FieldType {
  const p = resolveRef(doc, prop as Record<string, unknown>);
  const t = p?.type;
  if (t === 'integer' || t === 'number') return 'number';
  if (t === 'boolean') return 'boolean';
  if (t === 'array') return 'array';
  if (t === 'object' || (p && 'properties' in p)) return 'object';
  return 'string';
}

function credentialFromSchemes(doc: OpenApiDoc): CredentialHeader | null {
  for (const s of Object.values(doc.components?.securitySchemes ?? {})) {
    if (s.type === 'apiKey' && s.in === 'header' && s.name) return { name: s.name, scheme: null, source: 'openapi' };
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
    if (!path.startsWith('/')) continue;
    for (const method of METHODS) {
      if (++count > MAX_OPERATIONS) break;
      const op = Operation.safeParse(item[method]);
      if (!op.success || item[method] === undefined) continue;
      for (const p of op.data.parameters ?? []) if (p.in === 'header' && p.required && p.name) requiredHeaders.add(p.name.toLowerCase());
      const security = op.data.security ?? doc.security;
      const declaredSecurity = Array.isArray(security) && security.some((req) => Object.keys(req).length > 0);
      const route: Route = { method: method.toUpperCase(), path: basePath + path, kind: 'other', source: 'openapi', access: 'unknown', declaredSecurity };
      const schemaRaw = Object.values(op.data.requestBody?.content ?? {})[0]?.schema;
      const schema = resolveRef(doc, schemaRaw);
      const props = (schema?.properties ?? {}) as Record<string, unknown>;
      const promptField = Object.keys(props).find((k) => PROMPT_LIKE_FIELDS.includes(k.toLowerCase()));
      if (method === 'post' && promptField) {
        route.kind = 'inference';
        route.shape = 'wrapper';
        route.promptField = promptField;
        const required = Array.isArray(schema?.required) ? (schema.required as string[]) : [];
        const fields: NonNullable<Route['fields']> = {};
        for (const name of required) if (name !== promptField) fields[name] = fieldType(doc, props[name]);
        if (Object.keys(fields).length) route.fields = fields;
      } else if (/^\/(docs|redoc|openapi\.json)/.test(path)) {
        route.kind = 'docs';
      }
      routes.push(route);
    }
  }
  return { routes, credentialHeader: credentialFromSchemes(doc), requiredHeaders: [...requiredHeaders] };
}
