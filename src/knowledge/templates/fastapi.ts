// FastAPI: an app-wide dependency (every APIRoute, present and future) plus docs routes turned off, because the docs
// routes are plain Starlette routes that app dependencies never cover.

import { RULES } from '../../engine/rules/index.js';
import { lit } from '../context.js';
import { type AppRenderInput, appRoute, blocks } from './features.js';
import {
  authNames,
  docstring,
  exampleKeyExport,
  PyImports,
  pyCredentialSettings,
  pyGenerateText,
  pyHelpers,
  pyOutputExpr,
  pyPromptExpr,
  pyUvicornTlsMain,
} from './python.js';

export function renderFastApi(input: AppRenderInput): string {
  const { features: f, ctx, model } = input;
  const im = new PyImports();
  const a = authNames(ctx);
  const jwtMode = f.has('jwt');
  const route = appRoute(ctx);
  const header = jwtMode ? 'Authorization' : a.header;
  im.lib('fastapi', 'Depends', 'FastAPI', 'HTTPException', 'Request').lib('pydantic', 'BaseModel').std('typing', 'Dict');

  const doc = docstring([
    `${input.title} — FastAPI, hardened by Gatecrash${input.rule ? ` for ${input.rule} (${RULES[input.rule].title})` : ''}.`,
    '',
    input.focus,
    '',
    jwtMode
      ? 'Every route needs "Authorization: Bearer <JWT>" (HS256, exp required); the app refuses to start without JWT_SECRET.'
      : `Every route needs the ${a.header} header${a.bearer ? ' ("Bearer <key>")' : ''}, compared in constant time with ${a.envVar};` +
        `\nthe app refuses to start when ${a.envVar} is unset or empty. The docs routes are off.`,
    '',
    'Run:',
    `    ${jwtMode ? 'export JWT_SECRET="$(openssl rand -hex 32)"' : exampleKeyExport(a.envVar)}`,
    f.has('tls')
      ? `    TLS_CERT_FILE=${ctx.tlsCertFile} TLS_KEY_FILE=${ctx.tlsKeyFile} python app.py`
      : `    uvicorn app:app --host 127.0.0.1 --port ${ctx.port}`,
  ]);

  const settings = pyCredentialSettings(a, jwtMode, f.has('admin'));

  const authDep = jwtMode ? fastapiJwtDependency(f) : fastapiKeyDependency(f, a.bearer);
  if (f.has('authLockout') || f.has('rateLimit')) im.std('typing', 'Dict');

  const appArgs = [
    '    title="LLM inference API",',
    `    # App-wide: every route registered on this app, now or later, runs the check first.`,
    `    dependencies=[Depends(${jwtMode ? 'require_jwt' : 'require_api_key'})],`,
    '    # The docs routes are plain Starlette routes: app dependencies do not cover them. Off in production.',
    '    docs_url=None,',
    '    redoc_url=None,',
    '    openapi_url=None,',
  ];
  const appBlock = `app = FastAPI(\n${appArgs.join('\n')}\n)`;

  const middleware: string[] = [];
  if (f.has('trustedHosts')) {
    im.lib('starlette.middleware.trustedhost', 'TrustedHostMiddleware');
    middleware.push('app.add_middleware(TrustedHostMiddleware, allowed_hosts=ALLOWED_HOSTS)');
  }
  if (f.has('cors')) {
    im.lib('fastapi.middleware.cors', 'CORSMiddleware');
    // Added last = outermost: preflights carry no credentials and must be answered before the auth check.
    middleware.push(`# Added last, so outermost: it answers preflights (which carry no credentials) for listed origins only.
app.add_middleware(
    CORSMiddleware,
    allow_origins=sorted(CORS_ALLOWED_ORIGINS),
    allow_methods=["POST"],
    allow_headers=["Content-Type", ${lit(header)}],
    allow_credentials=False,
)`);
  }

  const errors: string[] = [];
  if (f.has('terseErrors')) {
    im.std('logging').lib('fastapi.exceptions', 'RequestValidationError').lib('fastapi.responses', 'JSONResponse');
    errors.push(`logger = logging.getLogger("llm_api")


@app.exception_handler(RequestValidationError)
async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    # Field locations and messages only: no parser internals (a JSON decoder's message), no echo of the body.
    errors = [
        {"loc": ["body"], "msg": "Request body must be valid JSON"}
        if "json" in str(e.get("type", ""))
        else {"loc": list(e.get("loc", [])), "msg": str(e.get("msg", "invalid"))}
        for e in exc.errors()
    ]
    return JSONResponse({"detail": errors}, status_code=422)


@app.exception_handler(Exception)
async def internal_error(request: Request, exc: Exception) -> JSONResponse:
    # Details (traceback, paths) go to the server log, never to the client.
    logger.exception("unhandled error on %s %s", request.method, request.scope.get("path"))
    return JSONResponse({"detail": "Internal Server Error"}, status_code=500)`);
  }

  // The request model and the route.
  const bodyFields = [`    ${ctxField(input)}: str`];
  if (f.has('maxTokens')) {
    im.lib('pydantic', 'Field');
    bodyFields.push('    max_tokens: int = Field(DEFAULT_MAX_NEW_TOKENS, ge=1, le=MAX_NEW_TOKENS)  # above the cap: 422, not a silent clamp');
  }
  const requestModel = `class GenerateRequest(BaseModel):\n${bodyFields.join('\n')}`;

  const routeDeps = f.has('rateLimit') ? ', dependencies=[Depends(rate_limit)]' : '';
  const maxArg = f.has('maxTokens') ? ', body.max_tokens' : '';
  const promptExpr = pyPromptExpr(f, `body.${ctxField(input)}`);
  const outputExpr = pyOutputExpr(f, `generate_text(prompt${maxArg})`);
  const routeBlock = `@app.post(${lit(route)}${routeDeps})
def generate(body: GenerateRequest) -> Dict[str, str]:
    # A plain def: FastAPI runs it in a thread pool, so a blocking model call does not stall the event loop.
    prompt = ${promptExpr}
    return {${lit(ctx.outputField)}: ${outputExpr}}`;

  if (f.has('rateLimit')) im.lib('fastapi', 'Response');
  const rateLimitDep = f.has('rateLimit')
    ? `def rate_limit(request: Request, response: Response) -> None:
    allowed, headers = INFERENCE_LIMIT.hit(request.client.host if request.client else "unknown")
    if not allowed:
        raise HTTPException(status_code=429, detail="Too Many Requests", headers=headers)
    response.headers.update(headers)`
    : null;

  const extraRoutes: string[] = [];
  if (f.has('metrics')) {
    im.lib('fastapi', 'Response');
    extraRoutes.push(`@app.get("/metrics", include_in_schema=False)
def metrics() -> Response:
    # An ordinary route, so the app-wide key check covers it. Never app.mount() a metrics app: mounts skip app
    # dependencies. Prometheus sends the key with \`authorization\` / \`http_headers\` in its scrape config.
    from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)`);
  }
  if (f.has('admin')) {
    im.lib('fastapi', 'APIRouter');
    extraRoutes.push(`admin = APIRouter(prefix="/admin", dependencies=[Depends(require_admin_key)])


@admin.post("/reload")
def reload_model() -> Dict[str, str]:
    # Your management routes go on this router: they need the API key and the admin key.
    return {"status": "accepted"}


app.include_router(admin)`);
  }

  const adminDep = f.has('admin')
    ? `async def require_admin_key(request: Request) -> None:
    if not credential_matches(request.headers.getlist(ADMIN_KEY_HEADER), ADMIN_KEY_DIGEST, bearer=False):
        raise HTTPException(status_code=403, detail="Forbidden")`
    : null;

  const main = pyUvicornTlsMain(im, f, ctx);

  const helpers = pyHelpers(im, f, ctx, jwtMode);
  const generate = pyGenerateText(im, model, ctx);

  return blocks([
    doc,
    im.render(),
    ...helpers,
    ...settings,
    authDep,
    adminDep,
    rateLimitDep,
    appBlock,
    ...middleware,
    ...errors,
    generate,
    requestModel,
    routeBlock,
    ...extraRoutes,
    main,
  ]);
}

function ctxField(input: AppRenderInput): string {
  return input.ctx.promptField;
}

function fastapiKeyDependency(f: ReadonlySet<string>, bearer: boolean): string {
  const www = bearer ? ', headers={"WWW-Authenticate": "Bearer"}' : '';
  const lockoutPre = f.has('authLockout')
    ? `    client = request.client.host if request.client else "unknown"
    wait = AUTH_FAILURES.retry_after(client)
    if wait:
        raise HTTPException(status_code=429, detail="Too Many Requests", headers={"Retry-After": str(wait)})
`
    : '';
  const fail = f.has('authLockout')
    ? '        if values:  # a wrong key is a guess; a request without the header guesses nothing\n            AUTH_FAILURES.failed(client)\n'
    : '';
  const ok = f.has('authLockout') ? '    AUTH_FAILURES.succeeded(client)\n' : '';
  return `async def require_api_key(request: Request) -> None:
    """Runs before every route. Reads only the credential header: never the path, never the Host header."""
${lockoutPre}    values = request.headers.getlist(API_KEY_HEADER)
    if not credential_matches(values, API_KEY_DIGEST, API_KEY_IS_BEARER):
${fail}        raise HTTPException(status_code=401, detail="Missing or invalid API key"${www})
${ok}`.replace(/\n+$/, '');
}

function fastapiJwtDependency(f: ReadonlySet<string>): string {
  const lockoutPre = f.has('authLockout')
    ? `    client = request.client.host if request.client else "unknown"
    wait = AUTH_FAILURES.retry_after(client)
    if wait:
        raise HTTPException(status_code=429, detail="Too Many Requests", headers={"Retry-After": str(wait)})
`
    : '';
  return `async def require_jwt(request: Request) -> None:
    """Runs before every route: a verified, unexpired token or 401."""
${lockoutPre}    values = request.headers.getlist("Authorization")
    claims = verify_jwt(values)
    if claims is None:${f.has('authLockout') ? '\n        if values:\n            AUTH_FAILURES.failed(client)' : ''}
        raise HTTPException(status_code=401, detail="Unauthorized", headers={"WWW-Authenticate": "Bearer"})
    request.state.claims = claims`;
}
