// The tutorial's FastAPI/uvicorn wrapper around Mistral, in its vulnerable form and in each of the tutorial's remediations
// (docs/tutorial-wrapper.md, docs/servers/frameworks.md). The routing, error shapes and docs come
// from fastapi-app.ts; this file adds the author's code: the prompt model, the handler and the auth they wrote.
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  createFastapiApp,
  type FastapiRoute,
  type FieldType,
  fieldError,
  type Pydantic,
  parseFastapiBody,
  sendDetail,
  sendValidationError,
  starletteUrlPath,
  validateBody,
} from './fastapi-app.js';
import { type EmulatorRequest, firstHeader, type RunningTarget, sendJson, startTarget } from './harness.js';
import { mistralReply, TEST_KEY } from './mistral-model.js';

/**
 * - `depends-header`: the tutorial's fix 1, `x_api_key: str = Header(...)` in a route dependency. Missing header → 422 whose
 *   `loc` names the header; wrong → 401 `{"detail":"Invalid API key"}`; runs after routing, before body validation.
 * - `api-key-header`: `fastapi.security.APIKeyHeader`: declares a security scheme in OpenAPI; missing or empty → 403
 *   `{"detail":"Not authenticated"}`, wrong → 401.
 * - `middleware`: `@app.middleware("http")` → 401 `{"detail":"Unauthorized"}` before routing, except `publicPaths`
 *   compared with `request.url.path` (Host-header built, so `Host: x/health?` passes as `/health`).
 * - `bearer-decorator`: the tutorial's fix 3, `auth != f"Bearer {key}"` inside the endpoint, i.e. after body validation.
 */
export type WrapperAuthMode = 'none' | 'depends-header' | 'api-key-header' | 'middleware' | 'bearer-decorator';

export interface WrapperAuth {
  mode: WrapperAuthMode;
  /** Header the author reads; default `X-API-Key` (`Authorization` for bearer-decorator). */
  header?: string;
  /**
   * The configured key. `null` = the environment variable is unset and the author's fallback applies:
   * `os.getenv(..., "")` gives `""` (an empty header is accepted), `f"Bearer {os.getenv(...)}"` gives `Bearer None`.
   * Default TEST_KEY.
   */
  key?: string | null;
  /** Routes the dependency/decorator is attached to; default every inference path. */
  guarded?: string[];
  /** middleware only: paths let through (compared with Starlette's Host-built `request.url.path`). */
  publicPaths?: string[];
}

export interface FastapiWrapperOptions {
  /** POST inference routes; default `['/generate']`. */
  paths?: string[];
  /** The prompt field of the pydantic model; default `text` (the tutorial wrapper's `Prompt.text`). */
  promptField?: string;
  /** Further required body fields. */
  extraFields?: Record<string, FieldType>;
  /** An optional body field the handler honours as the generation limit; the tutorial's app has none (fixed 128). */
  maxTokensField?: string;
  /** The fixed `max_new_tokens` the handler passes to `model.generate`; default 128 as in the tutorial. */
  maxNewTokens?: number;
  /** Response field; default `generated`. */
  outputField?: string;
  auth?: WrapperAuth;
  /** `/docs`, `/redoc`, `/openapi.json` (FastAPI's defaults: on). */
  docs?: boolean;
  /** Error shapes of pydantic 1 or 2; default 2. */
  pydantic?: Pydantic;
  /** The output decodes the whole sequence of `f"[INST] {prompt} [/INST]"`, so the raw markers come back. */
  rawTemplate?: boolean;
  /** With rawTemplate: the handler strips `[INST]`/`[/INST]` and `<s>`/`</s>` from the prompt before concatenating (the usual fix). */
  stripMarkers?: boolean;
  /** A `GET /health` route answering `{"status":"ok"}`. */
  health?: boolean;
}

export const OPEN: FastapiWrapperOptions = {};
export const KEYED: FastapiWrapperOptions = { auth: { mode: 'depends-header', header: 'X-API-Key', key: TEST_KEY } };

/** `/v1/generate` → `v1_generate`, the Python function name FastAPI derives summary and operationId from. */
const endpointName = (path: string) => path.replace(/^\/+/, '').replace(/\W+/g, '_') || 'root';

export async function startFastapiWrapper(options: FastapiWrapperOptions = {}): Promise<RunningTarget> {
  const pyd = options.pydantic ?? 2;
  const paths = options.paths ?? ['/generate'];
  const promptField = options.promptField ?? 'text';
  const outputField = options.outputField ?? 'generated';
  const fields: Record<string, FieldType> = { [promptField]: 'string', ...options.extraFields };
  const auth = options.auth ?? { mode: 'none' };
  const mode = auth.mode;
  const headerName = auth.header ?? (mode === 'bearer-decorator' ? 'Authorization' : 'X-API-Key');
  const key = auth.key === null ? (mode === 'bearer-decorator' ? 'None' : '') : (auth.key ?? TEST_KEY);
  const guarded = new Set(mode === 'none' || mode === 'middleware' ? [] : (auth.guarded ?? paths));
  // An Authorization check compares the whole `Bearer <key>` value; a custom header carries the raw key.
  const expected = mode === 'bearer-decorator' || headerName.toLowerCase() === 'authorization' ? `Bearer ${key}` : key;

  const generate = (path: string) => (req: EmulatorRequest, res: ServerResponse, raw: IncomingMessage) => {
    const body = parseFastapiBody(req, pyd);
    if (!body.ok) return sendValidationError(res, body.errors);
    const errors: Record<string, unknown>[] = [];
    const sent = firstHeader(raw, headerName);
    if (guarded.has(path) && mode === 'depends-header') {
      // FastAPI solves the dependency's Header(...) first: missing is a validation error gathered with the body's.
      if (sent === undefined) errors.push(fieldError(pyd, 'missing', ['header', headerName.toLowerCase()], null));
      else if (sent !== expected) return sendDetail(res, 401, 'Invalid API key');
    }
    if (guarded.has(path) && mode === 'api-key-header') {
      if (!sent) return sendDetail(res, 403, 'Not authenticated');
      if (sent !== expected) return sendDetail(res, 401, 'Invalid API key');
    }
    errors.push(...validateBody({ name: 'Prompt', fields }, body, pyd));
    if (errors.length > 0) return sendValidationError(res, errors);
    if (guarded.has(path) && mode === 'bearer-decorator' && sent !== expected) return sendDetail(res, 401, 'Unauthorized');

    const obj = body.value as Record<string, unknown>;
    const asked = options.maxTokensField !== undefined ? obj[options.maxTokensField] : undefined;
    const limit = typeof asked === 'number' ? asked : (options.maxNewTokens ?? 128);
    req.markInference(limit);
    const reply = mistralReply(limit);
    const userText = options.stripMarkers ? String(obj[promptField]).replace(/\[\/?INST\]|<\/?s>/g, '') : String(obj[promptField]);
    const text = options.rawTemplate ? `[INST] ${userText} [/INST] ${reply}` : reply;
    sendJson(res, 200, { [outputField]: text });
  };

  const routes: FastapiRoute[] = paths.map((path) => ({
    methods: ['POST'],
    path,
    name: endpointName(path),
    body: { name: 'Prompt', fields },
    ...(guarded.has(path) && mode === 'depends-header' ? { headers: [headerName] } : {}),
    ...(guarded.has(path) && mode === 'api-key-header' ? { security: 'APIKeyHeader' } : {}),
    handle: generate(path),
  }));
  if (options.health) routes.push({ methods: ['GET'], path: '/health', name: 'health', handle: (_q, res) => sendJson(res, 200, { status: 'ok' }) });

  const publicPaths = new Set(auth.publicPaths ?? []);
  const handler = createFastapiApp(routes, {
    docs: options.docs ?? true,
    pydantic: pyd,
    ...(mode === 'api-key-header' ? { securitySchemes: { APIKeyHeader: { type: 'apiKey', in: 'header', name: headerName } } } : {}),
    ...(mode === 'middleware'
      ? {
          middleware: (req: EmulatorRequest, res: ServerResponse, raw: IncomingMessage) => {
            if (publicPaths.has(starletteUrlPath(req, raw))) return false;
            if (firstHeader(raw, headerName) === expected) return false;
            sendDetail(res, 401, 'Unauthorized');
            return true;
          },
        }
      : {}),
  });
  return startTarget(handler, { serverHeader: 'uvicorn' });
}
