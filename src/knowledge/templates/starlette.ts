// Starlette: a pure ASGI middleware that checks the credential before routing. It also works unchanged in front of a
// FastAPI app (app.add_middleware(RequireCredential, …)), where it covers mounts and docs routes that dependencies miss.

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

export function renderStarlette(input: AppRenderInput): string {
  const { features: f, ctx, model } = input;
  const im = new PyImports();
  const a = authNames(ctx);
  const jwtMode = f.has('jwt');
  const route = appRoute(ctx);
  const header = jwtMode ? 'Authorization' : a.header;
  im.lib('starlette.applications', 'Starlette')
    .lib('starlette.concurrency', 'run_in_threadpool')
    .lib('starlette.middleware', 'Middleware')
    .lib('starlette.requests', 'Request')
    .lib('starlette.responses', 'JSONResponse')
    .lib('starlette.routing', 'Route')
    .lib('starlette.types', 'ASGIApp', 'Receive', 'Scope', 'Send')
    .std('json')
    .std('typing', 'List', 'Optional', 'Tuple');

  const doc = docstring([
    `${input.title} — Starlette (pure ASGI middleware), hardened by Gatecrash${input.rule ? ` for ${input.rule} (${RULES[input.rule].title})` : ''}.`,
    '',
    input.focus,
    '',
    jwtMode
      ? 'Every HTTP and WebSocket request needs "Authorization: Bearer <JWT>" before routing; no JWT_SECRET, no start.'
      : `Every HTTP and WebSocket request needs the ${a.header} header${a.bearer ? ' ("Bearer <key>")' : ''} before routing, compared in constant` +
        `\ntime with ${a.envVar}; the app refuses to start when ${a.envVar} is unset or empty.`,
    'The same middleware protects a FastAPI app: app.add_middleware(RequireCredential, ...).',
    '',
    'Run:',
    `    ${jwtMode ? 'export JWT_SECRET="$(openssl rand -hex 32)"' : exampleKeyExport(a.envVar)}`,
    f.has('tls')
      ? `    TLS_CERT_FILE=${ctx.tlsCertFile} TLS_KEY_FILE=${ctx.tlsKeyFile} python app.py`
      : `    uvicorn app:app --host 127.0.0.1 --port ${ctx.port}`,
  ]);

  const settings = pyCredentialSettings(a, jwtMode, f.has('admin'));

  const lockout = f.has('authLockout');
  const middlewareClass = `class RequireCredential:
    """Pure ASGI middleware: every HTTP and WebSocket request must carry the credential before routing, so no route,
    path spelling, method or mounted app is reached without it (deny by default). It reads only the credential
    header: never the path, never the Host header (Starlette builds a request's URL from Host)."""

    def __init__(
        self,
        app: ASGIApp,
        header: str,
        expected_digest: Optional[bytes] = None,
        bearer: bool = False,
        status: int = 401,${jwtMode ? '\n        jwt: bool = False,' : ''}${lockout ? '\n        lockout: Optional[FailedAuthLimiter] = None,' : ''}
    ) -> None:
        self.app = app
        self.header = header.lower().encode("latin-1")
        self.expected_digest = expected_digest
        self.bearer = bearer
        self.status = status${jwtMode ? '\n        self.jwt = jwt' : ''}${lockout ? '\n        self.lockout = lockout' : ''}

    def accepts(self, values: List[str]) -> bool:${jwtMode ? '\n        if self.jwt:\n            return verify_jwt(values) is not None' : ''}
        return self.expected_digest is not None and credential_matches(values, self.expected_digest, self.bearer)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):  # lifespan events carry no request
            await self.app(scope, receive, send)
            return
        values = [v.decode("latin-1") for k, v in scope["headers"] if k == self.header]
${
  lockout
    ? `        client = (scope.get("client") or ("unknown", 0))[0]
        wait = self.lockout.retry_after(client) if self.lockout else 0
        if wait:
            await self.refuse(scope, send, 429, "Too Many Requests", [(b"retry-after", str(wait).encode())])
            return
`
    : ''
}        if self.accepts(values):
${lockout ? '            if self.lockout:\n                self.lockout.succeeded(client)\n' : ''}            await self.app(scope, receive, send)
            return
${
  lockout
    ? '        if self.lockout and values:  # a wrong credential is a guess; a request without one guesses ' +
      'nothing\n            self.lockout.failed(client)\n'
    : ''
}        extra = [(b"www-authenticate", b"Bearer")] if ${jwtMode ? '(self.bearer or self.jwt)' : 'self.bearer'} and self.status == 401 else []
        await self.refuse(scope, send, self.status, "Unauthorized" if self.status == 401 else "Forbidden", extra)

    @staticmethod
    async def refuse(scope: Scope, send: Send, status: int, detail: str, extra: List[Tuple[bytes, bytes]]) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        body = json.dumps({"detail": detail}).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())] + extra
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})`;

  const field = ctx.promptField;
  const handlerLines: string[] = [];
  handlerLines.push(`async def generate(request: Request) -> JSONResponse:
    try:
        payload = await request.json()
    except ValueError:
        return JSONResponse({"detail": "Request body must be JSON"}, status_code=400)
    text = payload.get(${lit(field)}) if isinstance(payload, dict) else None
    if not isinstance(text, str):
        return JSONResponse({"detail": [{"loc": ["body", ${lit(field)}], "msg": "field required"}]}, status_code=422)`);
  let maxArg = '';
  if (f.has('maxTokens')) {
    maxArg = ', max_tokens';
    handlerLines.push(`    max_tokens = payload.get("max_tokens", DEFAULT_MAX_NEW_TOKENS)
    if not isinstance(max_tokens, int) or isinstance(max_tokens, bool) or not 1 <= max_tokens <= MAX_NEW_TOKENS:
        # Refused, not clamped: the caller learns the limit and no long generation is started.
        return JSONResponse({"detail": [{"loc": ["body", "max_tokens"], "msg": f"must be 1..{MAX_NEW_TOKENS}"}]}, status_code=422)`);
  }
  let respHeaders = '';
  if (f.has('rateLimit')) {
    respHeaders = ', headers=limit_headers';
    handlerLines.push(`    allowed, limit_headers = INFERENCE_LIMIT.hit(request.client.host if request.client else "unknown")
    if not allowed:
        return JSONResponse({"detail": "Too Many Requests"}, status_code=429, headers=limit_headers)`);
  }
  handlerLines.push(`    output = await run_in_threadpool(generate_text, ${pyPromptExpr(f, 'text')}${maxArg})
    return JSONResponse({${lit(ctx.outputField)}: ${pyOutputExpr(f, 'output')}}${respHeaders})`);
  const handler = handlerLines.join('\n');

  const routes = [`    Route(${lit(route)}, generate, methods=["POST"]),`];
  const extra: string[] = [];
  if (f.has('metrics')) {
    im.lib('starlette.responses', 'Response');
    extra.push(`async def metrics(request: Request) -> Response:
    # An ordinary route behind RequireCredential like every other. Prometheus sends the key from its scrape config.
    from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)`);
    routes.push('    Route("/metrics", metrics, methods=["GET"]),');
  }
  if (f.has('admin')) {
    im.lib('starlette.routing', 'Mount');
    extra.push(`async def reload_model(request: Request) -> JSONResponse:
    # Your management routes go under the /admin mount: they need the API key and the admin key.
    return JSONResponse({"status": "accepted"})`);
    routes.push(`    Mount(
        "/admin",
        routes=[Route("/reload", reload_model, methods=["POST"])],
        middleware=[Middleware(RequireCredential, header=ADMIN_KEY_HEADER, expected_digest=ADMIN_KEY_DIGEST, status=403)],
    ),`);
  }

  const mw: string[] = [];
  if (f.has('cors')) {
    im.lib('starlette.middleware.cors', 'CORSMiddleware');
    mw.push(`        # Outermost: answers preflights (which carry no credentials) for listed origins only.
        Middleware(
            CORSMiddleware,
            allow_origins=sorted(CORS_ALLOWED_ORIGINS),
            allow_methods=["POST"],
            allow_headers=["Content-Type", ${lit(header)}],
            allow_credentials=False,
        ),`);
  }
  if (f.has('trustedHosts')) {
    im.lib('starlette.middleware.trustedhost', 'TrustedHostMiddleware');
    mw.push('        Middleware(TrustedHostMiddleware, allowed_hosts=ALLOWED_HOSTS),');
  }
  const authArgs = jwtMode ? 'header="Authorization", jwt=True' : 'header=API_KEY_HEADER, expected_digest=API_KEY_DIGEST, bearer=API_KEY_IS_BEARER';
  mw.push(`        Middleware(RequireCredential, ${authArgs}${lockout ? ', lockout=AUTH_FAILURES' : ''}),`);

  const errors: string[] = [];
  let handlersArg = '';
  if (f.has('terseErrors')) {
    im.std('logging');
    errors.push(`logger = logging.getLogger("llm_api")


async def internal_error(request: Request, exc: Exception) -> JSONResponse:
    # Details (traceback, paths) go to the server log, never to the client.
    logger.exception("unhandled error on %s %s", request.method, request.scope.get("path"))
    return JSONResponse({"detail": "Internal Server Error"}, status_code=500)`);
    handlersArg = '\n    exception_handlers={Exception: internal_error},';
  }

  const app = `app = Starlette(
    routes=[
${routes.join('\n')}
    ],
    middleware=[
${mw.join('\n')}
    ],${handlersArg}
)`;

  const main = pyUvicornTlsMain(im, f, ctx);

  const helpers = pyHelpers(im, f, ctx, jwtMode);
  const generate = pyGenerateText(im, model, ctx);

  return blocks([doc, im.render(), ...helpers, ...settings, middlewareClass, generate, handler, ...extra, ...errors, app, main]);
}
