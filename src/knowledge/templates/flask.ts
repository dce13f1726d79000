// Flask: an app-wide before_request hook. Flask runs it for every request, including unknown paths and wrong methods
// (the routing error is raised only at dispatch), so nothing is reached without the credential.

import { RULES } from '../../engine/rules/index.js';
import { lit } from '../context.js';
import { type AppRenderInput, appRoute, blocks } from './features.js';
import { authNames, docstring, exampleKeyExport, PyImports, pyCredentialSettings, pyGenerateText, pyHelpers, pyOutputExpr, pyPromptExpr } from './python.js';

export function renderFlask(input: AppRenderInput): string {
  const { features: f, ctx, model } = input;
  const im = new PyImports();
  const a = authNames(ctx);
  const jwtMode = f.has('jwt');
  const route = appRoute(ctx);
  const header = jwtMode ? 'Authorization' : a.header;
  const lockout = f.has('authLockout');
  im.lib('flask', 'Flask', 'jsonify', 'request').std('typing', 'Any');

  const doc = docstring([
    `${input.title} — Flask, hardened by Gatecrash${input.rule ? ` for ${input.rule} (${RULES[input.rule].title})` : ''}.`,
    '',
    input.focus,
    '',
    jwtMode
      ? 'Every request needs "Authorization: Bearer <JWT>" (HS256, exp required); the app refuses to start without JWT_SECRET.'
      : `Every request needs the ${a.header} header${a.bearer ? ' ("Bearer <key>")' : ''}, compared in constant time with ${a.envVar};` +
        `\nthe app refuses to start when ${a.envVar} is unset or empty.`,
    '',
    'Run (a production WSGI server, never the debug server):',
    `    ${jwtMode ? 'export JWT_SECRET="$(openssl rand -hex 32)"' : exampleKeyExport(a.envVar)}`,
    f.has('tls')
      ? `    gunicorn --bind 0.0.0.0:${ctx.port} --certfile ${ctx.tlsCertFile} --keyfile ${ctx.tlsKeyFile} app:app`
      : `    gunicorn --bind 127.0.0.1:${ctx.port} app:app      (or: flask --app app run --host 127.0.0.1 --port ${ctx.port})`,
  ]);

  const settings = pyCredentialSettings(a, jwtMode, f.has('admin'));

  const hook: string[] = [];
  hook.push(`@app.before_request
def require_credential() -> Any:
    """Runs before every request, whatever its path or method (deny by default). Reads only the credential header."""`);
  if (f.has('trustedHosts')) {
    hook.push(`    if host_only(request.headers.get("Host", "")) not in ALLOWED_HOSTS:
        return jsonify(detail="Invalid host header"), 400`);
  }
  if (f.has('cors')) {
    hook.push(`    origin = request.headers.get("Origin")
    if request.method == "OPTIONS" and origin in CORS_ALLOWED_ORIGINS and request.headers.get("Access-Control-Request-Method"):
        # A preflight carries no credentials by design; it is answered here and reaches no handler.
        return "", 204, {
            "Access-Control-Allow-Origin": origin,
            "Access-Control-Allow-Methods": "POST",
            "Access-Control-Allow-Headers": ${lit(`Content-Type, ${header}`)},
            "Access-Control-Max-Age": "600",
            "Vary": "Origin",
        }`);
  }
  if (lockout) {
    hook.push(`    client = request.remote_addr or "unknown"
    wait = AUTH_FAILURES.retry_after(client)
    if wait:
        return jsonify(detail="Too Many Requests"), 429, {"Retry-After": str(wait)}`);
  }
  const www = a.bearer || jwtMode ? ', {"WWW-Authenticate": "Bearer"}' : '';
  const check = jwtMode ? 'verify_jwt(values) is None' : 'not credential_matches(values, API_KEY_DIGEST, API_KEY_IS_BEARER)';
  hook.push(`    values = request.headers.getlist(${jwtMode ? '"Authorization"' : 'API_KEY_HEADER'})
    if ${check}:${
      lockout
        ? '\n        if values:  # a wrong credential is a guess; a request without one guesses nothing\n       ' + '     AUTH_FAILURES.failed(client)'
        : ''
    }
        return jsonify(detail="Unauthorized"), 401${www}`);
  if (f.has('admin')) {
    hook.push(`    if request.blueprint == "admin" and not credential_matches(
        request.headers.getlist(ADMIN_KEY_HEADER), ADMIN_KEY_DIGEST, bearer=False
    ):
        return jsonify(detail="Forbidden"), 403`);
  }
  if (lockout) hook.push('    AUTH_FAILURES.succeeded(client)');
  hook.push('    return None');
  const hookBlock = hook.join('\n');

  const afterHooks: string[] = [];
  if (f.has('cors')) {
    afterHooks.push(`@app.after_request
def cors_headers(response: Any) -> Any:
    origin = request.headers.get("Origin")
    if origin in CORS_ALLOWED_ORIGINS:
        response.headers["Access-Control-Allow-Origin"] = origin
    response.headers.add("Vary", "Origin")
    return response`);
  }

  const field = ctx.promptField;
  const h: string[] = [];
  h.push(`@app.post(${lit(route)})
def generate() -> Any:
    payload = request.get_json(silent=True)
    if payload is None:
        return jsonify(detail="Request body must be JSON"), 400
    text = payload.get(${lit(field)}) if isinstance(payload, dict) else None
    if not isinstance(text, str):
        return jsonify(detail=[{"loc": ["body", ${lit(field)}], "msg": "field required"}]), 422`);
  let maxArg = '';
  if (f.has('maxTokens')) {
    maxArg = ', max_tokens';
    h.push(`    max_tokens = payload.get("max_tokens", DEFAULT_MAX_NEW_TOKENS)
    if not isinstance(max_tokens, int) or isinstance(max_tokens, bool) or not 1 <= max_tokens <= MAX_NEW_TOKENS:
        # Refused, not clamped: the caller learns the limit and no long generation is started.
        return jsonify(detail=[{"loc": ["body", "max_tokens"], "msg": f"must be 1..{MAX_NEW_TOKENS}"}]), 422`);
  }
  let headersOut = '';
  if (f.has('rateLimit')) {
    headersOut = ', 200, limit_headers';
    h.push(`    allowed, limit_headers = INFERENCE_LIMIT.hit(request.remote_addr or "unknown")
    if not allowed:
        return jsonify(detail="Too Many Requests"), 429, limit_headers`);
  }
  h.push(`    output = generate_text(${pyPromptExpr(f, 'text')}${maxArg})
    return jsonify({${lit(ctx.outputField)}: ${pyOutputExpr(f, 'output')}})${headersOut}`);
  const handler = h.join('\n');

  const extra: string[] = [];
  if (f.has('metrics')) {
    extra.push(`@app.get("/metrics")
def metrics() -> Any:
    # An ordinary route behind the before_request check. Prometheus sends the key from its scrape config.
    from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

    return generate_latest(), 200, {"Content-Type": CONTENT_TYPE_LATEST}`);
  }
  if (f.has('admin')) {
    im.lib('flask', 'Blueprint');
    extra.push(`admin = Blueprint("admin", __name__, url_prefix="/admin")


@admin.post("/reload")
def reload_model() -> Any:
    # Your management routes go on this blueprint: they need the API key and the admin key.
    return jsonify(status="accepted")


app.register_blueprint(admin)`);
  }

  const errors: string[] = [];
  if (f.has('terseErrors')) {
    im.std('logging').lib('werkzeug.exceptions', 'HTTPException');
    errors.push(`logger = logging.getLogger("llm_api")


@app.errorhandler(Exception)
def internal_error(exc: Exception) -> Any:
    if isinstance(exc, HTTPException):  # 404, 405, 400…: their own short messages
        return jsonify(detail=exc.name), exc.code
    # Details (traceback, paths) go to the server log, never to the client.
    logger.exception("unhandled error on %s %s", request.method, request.path)
    return jsonify(detail="Internal Server Error"), 500`);
  }

  const hostHelper = f.has('trustedHosts')
    ? `def host_only(value: str) -> str:
    """The host part of a Host header, lower-cased, without the port."""
    value = value.strip().lower()
    if value.startswith("["):
        return value.split("]", 1)[0] + "]"
    return value.split(":", 1)[0]`
    : null;

  const main = f.has('tls')
    ? `if __name__ == "__main__":
    # Flask's built-in server is for development; in production use gunicorn --certfile/--keyfile or a TLS proxy.
    app.run(host="0.0.0.0", port=${ctx.port}, ssl_context=(require_file("TLS_CERT_FILE"), require_file("TLS_KEY_FILE")))`
    : `if __name__ == "__main__":
    app.run(host="127.0.0.1", port=${ctx.port})  # debug stays off: the debugger would expose a console`;

  const helpers = pyHelpers(im, f, ctx, jwtMode, hostHelper);
  const generate = pyGenerateText(im, model, ctx);

  return blocks([doc, im.render(), ...helpers, ...settings, generate, 'app = Flask(__name__)', hookBlock, ...afterHooks, handler, ...extra, ...errors, main]);
}
