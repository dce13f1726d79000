// A miniature FastAPI/Starlette app under uvicorn, as the FastAPI wrapper and vLLM emulators need it:
// uvicorn's percent-decoded path, Starlette's routing (405 with `allow`, 307 slash redirects, 404), FastAPI's
// 422 bodies for pydantic 1 and 2, `/docs`, `/redoc` and an `/openapi.json` generated from the routes (docs/servers/frameworks.md).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type EmulatorHandler, type EmulatorRequest, sendJson, sendText } from './harness.js';
import { isRecord } from './mistral-model.js';

export type FieldType = 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object';
export type Pydantic = 1 | 2;

/** A pydantic request model: every listed field is required. */
export interface BodyModel {
  name: string;
  fields: Record<string, FieldType>;
}

export interface FastapiRoute {
  methods: string[];
  /** Starlette path: `{name}` matches one segment, `{name:path}` the rest. */
  path: string;
  /** The Python endpoint's name: the OpenAPI summary and operationId come from it. */
  name: string;
  handle(req: EmulatorRequest, res: ServerResponse, raw: IncomingMessage, params: Record<string, string>): void | Promise<void>;
  body?: BodyModel;
  /** Required `Header(...)` parameters, listed in OpenAPI as header parameters. */
  headers?: string[];
  /** The securitySchemes entry this operation requires (fastapi.security classes declare one). */
  security?: string;
  /** include_in_schema=False leaves it out of /openapi.json. */
  inSchema?: boolean;
}

export interface FastapiAppOptions {
  /** docs_url/redoc_url/openapi_url left at their defaults (on) or set to None (off). */
  docs?: boolean;
  title?: string;
  pydantic?: Pydantic;
  securitySchemes?: Record<string, unknown>;
  /** Starlette middleware: runs before routing; return true when it answered. */
  middleware?: (req: EmulatorRequest, res: ServerResponse, raw: IncomingMessage) => boolean | Promise<boolean>;
  /** Starlette's CORSMiddleware with allow_origins/methods/headers = ["*"] and no credentials, inside `middleware`. */
  corsAllowAll?: boolean;
}

/**
 * Starlette CORSMiddleware, everything allowed, credentials off: a preflight (OPTIONS + Origin +
 * Access-Control-Request-Method) is answered `200 OK` here; other requests with an Origin get `ACAO: *`
 * (the origin itself, plus `Vary: Origin`, when the request carries a cookie). Returns true when it answered.
 */
function starletteCorsAllowAll(req: EmulatorRequest, res: ServerResponse, raw: IncomingMessage): boolean {
  const origin = raw.headers.origin;
  if (origin === undefined) return false;
  if (req.method === 'OPTIONS' && raw.headers['access-control-request-method'] !== undefined) {
    const requested = raw.headers['access-control-request-headers'];
    sendText(res, 200, 'OK', {
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT',
      'access-control-max-age': '600',
      ...(requested !== undefined ? { 'access-control-allow-headers': requested } : {}),
    });
    return true;
  }
  if (raw.headers.cookie !== undefined) {
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('vary', 'Origin');
  } else {
    res.setHeader('access-control-allow-origin', '*');
  }
  return false;
}

// ---------- uvicorn / Starlette request views ----------

/** uvicorn hands Starlette `unquote(raw_path)`: `%2F` is a real `/` by the time routes and middleware see it. */
export function uvicornPath(rawPath: string): string {
  return rawPath.replace(/(?:%[0-9a-fA-F]{2})+/g, (seq) =>
    Buffer.from(
      seq
        .slice(1)
        .split('%')
        .map((h) => parseInt(h, 16)),
    ).toString('utf8'),
  );
}

/** Python's urlsplit(url).path for an http URL. */
function urlsplitPath(url: string): string {
  let rest = url.slice(url.indexOf(':') + 1);
  if (rest.startsWith('//')) {
    rest = rest.slice(2);
    const netlocEnd = rest.search(/[/?#]/);
    rest = netlocEnd === -1 ? '' : rest.slice(netlocEnd);
  }
  const cut = rest.search(/[?#]/);
  return cut === -1 ? rest : rest.slice(0, cut);
}

/**
 * Starlette's `request.url.path`: `URL(scope=scope)` rebuilds `http://{Host header}{path}?{query}` and splits it
 * again, so `Host: x/health?` makes any path look like `/health` (the construction behind CVE-2026-48746).
 */
export function starletteUrlPath(req: EmulatorRequest, raw: IncomingMessage): string {
  const path = uvicornPath(req.path);
  const host = raw.headers.host;
  if (host === undefined) return path;
  const q = req.url.indexOf('?');
  return urlsplitPath(`http://${host}${path}${q === -1 ? '' : req.url.slice(q)}`);
}

// ---------- responses ----------

/** FastAPI's HTTPException body: `{"detail": …}`, application/json. */
export function sendDetail(res: ServerResponse, status: number, detail: unknown, headers: Record<string, string> = {}): void {
  sendJson(res, status, { detail }, headers);
}

export function sendValidationError(res: ServerResponse, errors: unknown[]): void {
  sendDetail(res, 422, errors);
}

/** One pydantic error entry; pydantic 1 and 2 word and order them differently (docs/servers/frameworks.md). */
export function fieldError(pyd: Pydantic, kind: 'missing' | FieldType | 'model', loc: (string | number)[], input: unknown): Record<string, unknown> {
  if (pyd === 1) {
    const v1: Record<string, [string, string]> = {
      missing: ['field required', 'value_error.missing'],
      string: ['str type expected', 'type_error.str'],
      number: ['value is not a valid float', 'type_error.float'],
      integer: ['value is not a valid integer', 'type_error.integer'],
      boolean: ['value could not be parsed to a boolean', 'type_error.bool'],
      array: ['value is not a valid list', 'type_error.list'],
      object: ['value is not a valid dict', 'type_error.dict'],
      model: ['value is not a valid dict', 'type_error.dict'],
    };
    const [msg, type] = v1[kind] as [string, string];
    return { loc, msg, type };
  }
  const v2: Record<string, [string, string]> = {
    missing: ['missing', 'Field required'],
    string: ['string_type', 'Input should be a valid string'],
    number: ['float_parsing', 'Input should be a valid number, unable to parse string as a number'],
    integer: ['int_parsing', 'Input should be a valid integer, unable to parse string as an integer'],
    boolean: ['bool_parsing', 'Input should be a valid boolean, unable to interpret input'],
    array: ['list_type', 'Input should be a valid list'],
    object: ['dict_type', 'Input should be a valid dictionary'],
    model: ['model_attributes_type', 'Input should be a valid dictionary or object to extract fields from'],
  };
  const [type, msg] = v2[kind] as [string, string];
  return { type, loc, msg, input };
}

// ---------- request bodies ----------

export type ParsedBody = { ok: true; present: boolean; value: unknown } | { ok: false; errors: Record<string, unknown>[] };

/** The message Python's json module gives for the same mistake. */
function pythonJsonMessage(nodeMessage: string, text: string, pos: number): string {
  if (/after JSON/.test(nodeMessage)) return 'Extra data';
  const before = text.slice(0, pos).trimEnd();
  if (before.endsWith('{') || (before.endsWith(',') && before.lastIndexOf('{') > before.lastIndexOf('['))) {
    return 'Expecting property name enclosed in double quotes';
  }
  return 'Expecting value';
}

/**
 * FastAPI reads the body before it solves any dependency: JSON is parsed when the content type is absent or JSON,
 * and a decode error is a 422 at once — before an auth dependency could refuse the request.
 */
export function parseFastapiBody(req: EmulatorRequest, pyd: Pydantic): ParsedBody {
  if (req.body.length === 0) return { ok: true, present: false, value: undefined };
  const ct = req.headers['content-type'];
  const mime = (typeof ct === 'string' ? (ct.split(';')[0] ?? '') : '').trim().toLowerCase();
  const isJson = mime === '' || mime === 'application/json' || (mime.startsWith('application/') && mime.endsWith('+json'));
  if (!isJson) return { ok: true, present: true, value: req.body };
  if (req.jsonError === undefined) return { ok: true, present: true, value: req.json };
  const m = /position (\d+)/.exec(req.jsonError);
  const pos = m ? Number(m[1]) : req.body.length;
  const msg = pythonJsonMessage(req.jsonError, req.body, pos);
  const lineno = req.body.slice(0, pos).split('\n').length;
  const colno = pos - req.body.lastIndexOf('\n', pos - 1);
  const error =
    pyd === 1
      ? {
          loc: ['body', pos],
          msg: `${msg}: line ${lineno} column ${colno} (char ${pos})`,
          type: 'value_error.jsondecode',
          ctx: { msg, doc: req.body, pos, lineno, colno },
        }
      : { type: 'json_invalid', loc: ['body', pos], msg: 'JSON decode error', input: {}, ctx: { error: msg } };
  return { ok: false, errors: [error] };
}

function typeMatches(pyd: Pydantic, type: FieldType, v: unknown): boolean {
  switch (type) {
    case 'string': // pydantic 1 coerces numbers to str; pydantic 2 (lax) does not
      return typeof v === 'string' || (pyd === 1 && typeof v === 'number');
    case 'number':
      return typeof v === 'number' || (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)));
    case 'integer':
      return (typeof v === 'number' && Number.isInteger(v)) || (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v));
    case 'boolean':
      return typeof v === 'boolean' || v === 0 || v === 1 || (typeof v === 'string' && /^(true|false|yes|no|on|off|1|0)$/i.test(v));
    case 'array':
      return Array.isArray(v);
    case 'object':
      return isRecord(v);
  }
}

/** Validation errors of the body against the model (empty when valid). */
export function validateBody(model: BodyModel, body: { present: boolean; value: unknown }, pyd: Pydantic): Record<string, unknown>[] {
  if (!body.present) return [fieldError(pyd, 'missing', ['body'], null)];
  if (!isRecord(body.value)) return [fieldError(pyd, 'model', ['body'], body.value)];
  const obj = body.value;
  const errors: Record<string, unknown>[] = [];
  for (const [name, type] of Object.entries(model.fields)) {
    if (!(name in obj)) errors.push(fieldError(pyd, 'missing', ['body', name], obj));
    else if (!typeMatches(pyd, type, obj[name])) errors.push(fieldError(pyd, type, ['body', name], obj[name]));
  }
  return errors;
}

// ---------- docs ----------

const SWAGGER_HTML = (title: string) => `
    <!DOCTYPE html>
    <html>
    <head>
    <link type="text/css" rel="stylesheet" href="https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui.css">
    <link rel="shortcut icon" href="https://fastapi.tiangolo.com/img/favicon.png">
    <title>${title} - Swagger UI</title>
    </head>
    <body>
    <div id="swagger-ui">
    </div>
    <script src="https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-bundle.js"></script>
    <script>
    const ui = SwaggerUIBundle({
        url: '/openapi.json',
    "dom_id": "#swagger-ui",
"layout": "BaseLayout",
"deepLinking": true,
"showExtensions": true,
"showCommonExtensions": true,
oauth2RedirectUrl: window.location.origin + '/docs/oauth2-redirect',
    presets: [
        SwaggerUIBundle.presets.apis,
        SwaggerUIBundle.SwaggerUIStandalonePreset
        ],
    })
    </script>
    </body>
    </html>
    `;

const REDOC_HTML = (title: string) => `
    <!DOCTYPE html>
    <html>
    <head>
    <title>${title} - ReDoc</title>
    <meta charset="utf-8"/>
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <link href="https://fonts.googleapis.com/css?family=Montserrat:300,400,700|Roboto:300,400,700" rel="stylesheet">
    <link rel="shortcut icon" href="https://fastapi.tiangolo.com/img/favicon.png">
    </head>
    <body>
    <noscript>
        ReDoc requires Javascript to function. Please enable it to browse the documentation.
    </noscript>
    <redoc spec-url="/openapi.json"></redoc>
    <script src="https://cdn.jsdelivr.net/npm/redoc@next/bundles/redoc.standalone.js"> </script>
    </body>
    </html>
    `;

const titleCase = (s: string) => s.replace(/_/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase());

const JSON_SCHEMA_TYPE: Record<FieldType, Record<string, unknown>> = {
  string: { type: 'string' },
  number: { type: 'number' },
  integer: { type: 'integer' },
  boolean: { type: 'boolean' },
  array: { type: 'array', items: {} },
  object: { type: 'object' },
};

/** The document FastAPI's `get_openapi` would produce for these routes. */
export function openapiDocument(routes: FastapiRoute[], options: FastapiAppOptions): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const schemas: Record<string, unknown> = {};
  let validates = false;
  for (const r of routes) {
    if (r.inSchema === false) continue;
    for (const method of r.methods) {
      const op: Record<string, unknown> = {
        summary: titleCase(r.name),
        operationId: `${`${r.name}${r.path}`.replace(/\W/g, '_')}_${method.toLowerCase()}`,
      };
      if (r.headers?.length) {
        op.parameters = r.headers.map((h) => ({
          name: h.toLowerCase(),
          in: 'header',
          required: true,
          schema: { type: 'string', title: titleCase(h.replace(/-/g, '_')).replace(/ /g, '-') },
        }));
      }
      if (r.body) {
        op.requestBody = { content: { 'application/json': { schema: { $ref: `#/components/schemas/${r.body.name}` } } }, required: true };
        schemas[r.body.name] = {
          properties: Object.fromEntries(Object.entries(r.body.fields).map(([f, t]) => [f, { ...JSON_SCHEMA_TYPE[t], title: titleCase(f) }])),
          type: 'object',
          required: Object.keys(r.body.fields),
          title: r.body.name,
        };
      }
      const responses: Record<string, unknown> = { '200': { description: 'Successful Response', content: { 'application/json': { schema: {} } } } };
      if (r.body || r.headers?.length || /\{/.test(r.path)) {
        validates = true;
        responses['422'] = {
          description: 'Validation Error',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/HTTPValidationError' } } },
        };
      }
      op.responses = responses;
      if (r.security) op.security = [{ [r.security]: [] }];
      paths[r.path] ??= {};
      paths[r.path]![method.toLowerCase()] = op;
    }
  }
  if (validates) {
    schemas.HTTPValidationError = {
      properties: { detail: { items: { $ref: '#/components/schemas/ValidationError' }, type: 'array', title: 'Detail' } },
      type: 'object',
      title: 'HTTPValidationError',
    };
    schemas.ValidationError = {
      properties: {
        loc: { items: { anyOf: [{ type: 'string' }, { type: 'integer' }] }, type: 'array', title: 'Location' },
        msg: { type: 'string', title: 'Message' },
        type: { type: 'string', title: 'Error Type' },
      },
      type: 'object',
      required: ['loc', 'msg', 'type'],
      title: 'ValidationError',
    };
  }
  const components: Record<string, unknown> = {};
  if (Object.keys(schemas).length) components.schemas = schemas;
  if (options.securitySchemes) components.securitySchemes = options.securitySchemes;
  return {
    // FastAPI emitted 3.0.2 in the pydantic-1 era and 3.1.0 since 0.99.
    openapi: options.pydantic === 1 ? '3.0.2' : '3.1.0',
    info: { title: options.title ?? 'FastAPI', version: '0.1.0' },
    paths,
    ...(Object.keys(components).length ? { components } : {}),
  };
}

// ---------- routing ----------

function compile(path: string): RegExp {
  const escapeRegex = (t: string) => t.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
  let src = '';
  let last = 0;
  for (const m of path.matchAll(/\{(\w+)(:path)?\}/g)) {
    src += `${escapeRegex(path.slice(last, m.index))}(?<${m[1]}>${m[2] ? '.*' : '[^/]+'})`;
    last = (m.index ?? 0) + m[0].length;
  }
  return new RegExp(`^${src}${escapeRegex(path.slice(last))}$`);
}

const allowedMethods = (r: FastapiRoute) => (r.methods.includes('GET') && !r.methods.includes('HEAD') ? [...r.methods, 'HEAD'] : r.methods);

/** A request handler with FastAPI's routing order: docs routes first (FastAPI adds them at setup), then the app's. */
export function createFastapiApp(routes: FastapiRoute[], options: FastapiAppOptions = {}): EmulatorHandler {
  const title = options.title ?? 'FastAPI';
  const docRoutes: FastapiRoute[] =
    options.docs === false
      ? []
      : [
          {
            methods: ['GET'],
            path: '/openapi.json',
            name: 'openapi',
            inSchema: false,
            handle: (_q, res) => sendJson(res, 200, openapiDocument(routes, options)),
          },
          {
            methods: ['GET'],
            path: '/docs',
            name: 'swagger_ui_html',
            inSchema: false,
            handle: (_q, res) => sendText(res, 200, SWAGGER_HTML(title), { 'content-type': 'text/html; charset=utf-8' }),
          },
          {
            methods: ['GET'],
            path: '/docs/oauth2-redirect',
            name: 'swagger_ui_redirect',
            inSchema: false,
            handle: (_q, res) =>
              sendText(res, 200, '<!doctype html><html lang="en-US"><head><title>Swagger UI: OAuth2 Redirect</title></head></html>', {
                'content-type': 'text/html; charset=utf-8',
              }),
          },
          {
            methods: ['GET'],
            path: '/redoc',
            name: 'redoc_html',
            inSchema: false,
            handle: (_q, res) => sendText(res, 200, REDOC_HTML(title), { 'content-type': 'text/html; charset=utf-8' }),
          },
        ];
  const table = [...docRoutes, ...routes].map((r) => ({ route: r, re: compile(r.path) }));
  return async (req, res, raw) => {
    if (options.middleware && (await options.middleware(req, res, raw))) return;
    if (options.corsAllowAll && starletteCorsAllowAll(req, res, raw)) return;
    const path = uvicornPath(req.path);
    let partial: FastapiRoute | undefined;
    for (const { route, re } of table) {
      const m = re.exec(path);
      if (!m) continue;
      if (allowedMethods(route).includes(req.method)) return route.handle(req, res, raw, { ...m.groups });
      partial ??= route;
    }
    if (partial) return sendDetail(res, 405, 'Method Not Allowed', { allow: allowedMethods(partial).join(', ') });
    if (path !== '/') {
      // Starlette's redirect_slashes: the other spelling of the path exists → 307 to it, URL built from the Host header.
      const other = path.endsWith('/') ? path.slice(0, -1) : `${path}/`;
      if (table.some(({ re }) => re.test(other))) {
        const q = req.url.indexOf('?');
        const location = `http://${raw.headers.host ?? '127.0.0.1'}${other}${q === -1 ? '' : req.url.slice(q)}`;
        res.writeHead(307, { location, 'content-length': 0 });
        res.end();
        return;
      }
    }
    sendDetail(res, 404, 'Not Found');
  };
}
