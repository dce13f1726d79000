// Python building blocks shared by the FastAPI, Starlette, Flask and wrapper snippets. Targets Python ≥ 3.8 and both the
// old (FastAPI 0.92 / Starlette 0.26 / pydantic 1, Debian 12) and current releases of each framework.
import { lit } from '../context.js';
import type { RemediationContext } from '../types.js';
import {
  type AppFeature,
  DEFAULT_MAX_NEW_TOKENS,
  defaultAllowedHosts,
  indent,
  LOCKOUT_MAX_FAILURES,
  LOCKOUT_S,
  LOCKOUT_WINDOW_S,
  MAX_NEW_TOKENS,
  type ModelCall,
  RATE_LIMIT_PER_MINUTE,
  TEMPLATE_MARKER_PATTERN,
} from './features.js';

/** Collects imports so each block can ask for what it uses. */
export class PyImports {
  private readonly plain = new Set<string>();
  private readonly from = new Map<string, Set<string>>();
  private readonly thirdPartyFrom = new Map<string, Set<string>>();
  private readonly thirdPartyPlain = new Set<string>();

  std(module: string, ...names: string[]): this {
    if (!names.length) this.plain.add(module);
    else for (const n of names) (this.from.get(module) ?? this.from.set(module, new Set()).get(module)!).add(n);
    return this;
  }

  lib(module: string, ...names: string[]): this {
    if (!names.length) this.thirdPartyPlain.add(module);
    else for (const n of names) (this.thirdPartyFrom.get(module) ?? this.thirdPartyFrom.set(module, new Set()).get(module)!).add(n);
    return this;
  }

  render(): string {
    const section = (plain: Set<string>, from: Map<string, Set<string>>): string[] => [
      ...[...plain].sort().map((m) => `import ${m}`),
      ...[...from.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([m, ns]) => `from ${m} import ${[...ns].sort().join(', ')}`),
    ];
    const std = section(this.plain, this.from);
    const third = section(this.thirdPartyPlain, this.thirdPartyFrom);
    return [std.join('\n'), third.join('\n')].filter(Boolean).join('\n\n');
  }
}

export interface PyAuthNames {
  /** Header the key is read from, as clients send it. */
  header: string;
  bearer: boolean;
  envVar: string;
}

export function authNames(ctx: RemediationContext): PyAuthNames {
  return { header: ctx.headerName, bearer: ctx.scheme === 'Bearer', envVar: ctx.envVar };
}

/** The module-level credential settings every Python app template starts from: read at import, so no key means no app. */
export function pyCredentialSettings(a: PyAuthNames, jwtMode: boolean, admin: boolean): string[] {
  const settings: string[] = [];
  if (!jwtMode) {
    settings.push(`API_KEY_HEADER = ${lit(a.header)}
API_KEY_IS_BEARER = ${a.bearer ? 'True' : 'False'}
API_KEY_DIGEST = require_secret(${lit(a.envVar)})`);
  }
  if (admin) {
    settings.push(`# Management routes need a second, separate key on top of the API key.
ADMIN_KEY_HEADER = "X-Admin-Key"
ADMIN_KEY_DIGEST = require_secret("ADMIN_API_KEY")`);
  }
  return settings;
}

/** The run line shown in docstrings and apply steps. */
export function exampleKeyExport(envVar: string): string {
  return `export ${envVar}="$(openssl rand -hex 32)"`;
}

export function docstring(lines: string[]): string {
  return `"""${lines.join('\n')}\n"""`;
}

/** Key constants and the fail-closed loader. */
export function pySecretLoader(im: PyImports): string {
  im.std('hashlib').std('os');
  return `# Renderings of an unset variable that must never become the key (the tutorial's os.getenv(NAME, "") and f"{None}").
_UNSET_RENDERINGS = frozenset({"", "None", "null", "undefined"})


def require_secret(name: str) -> bytes:
    """Fail closed: without a real key the app does not start. Returns the key's SHA-256 digest."""
    value = os.environ.get(name)
    if value is None or value.strip() in _UNSET_RENDERINGS:
        raise SystemExit(f"{name} is not set: refusing to start without an API key")
    return hashlib.sha256(value.encode("utf-8")).digest()`;
}

/** Parsing and the constant-time comparison. */
export function pyCredentialCheck(im: PyImports): string {
  im.std('hashlib').std('hmac').std('typing', 'List', 'Optional');
  return `def presented_credential(value: str, bearer: bool) -> Optional[bytes]:
    """The credential in one header value: the token after "Bearer " (scheme in any case), or the raw value."""
    if bearer:
        scheme, _, token = value.partition(" ")
        value = token if scheme.lower() == "bearer" else ""
    return value.encode("utf-8") if value else None


def credential_matches(values: List[str], expected_digest: bytes, bearer: bool) -> bool:
    """True only for exactly one header carrying exactly the key. Both sides are SHA-256 digests, so compare_digest
    compares equal lengths and its time does not depend on the key or on how much of it a guess got right."""
    if len(values) == 1:
        presented = presented_credential(values[0], bearer)
        if presented is not None:
            return hmac.compare_digest(hashlib.sha256(presented).digest(), expected_digest)
    return False`;
}

export function pyLockout(im: PyImports): string {
  im.std('threading').std('time').std('typing', 'Dict', 'List');
  return `class FailedAuthLimiter:
    """PCI DSS 8.3.4: a client that sends MAX_FAILURES wrong keys within WINDOW_S seconds is refused (429 with
    Retry-After) for LOCKOUT_S seconds, even with the right key. In memory and per process: with several workers or
    hosts, enforce it at the proxy or in a shared store instead."""

    def __init__(self, max_failures: int = ${LOCKOUT_MAX_FAILURES}, window_s: float = ${LOCKOUT_WINDOW_S}.0, lockout_s: float = ${LOCKOUT_S}.0) -> None:
        self.max_failures = max_failures
        self.window_s = window_s
        self.lockout_s = lockout_s
        self._failures: Dict[str, List[float]] = {}
        self._locked_until: Dict[str, float] = {}
        self._lock = threading.Lock()

    def retry_after(self, client: str) -> int:
        """Seconds the client must wait; 0 when it may try."""
        now = time.monotonic()
        with self._lock:
            until = self._locked_until.get(client)
            if until is None:
                return 0
            if until <= now:
                del self._locked_until[client]
                return 0
            return int(until - now) + 1

    def failed(self, client: str) -> None:
        now = time.monotonic()
        with self._lock:
            recent = [t for t in self._failures.get(client, []) if now - t < self.window_s]
            recent.append(now)
            if len(recent) >= self.max_failures:
                self._locked_until[client] = now + self.lockout_s
                recent = []
            self._failures[client] = recent
            if len(self._failures) > 100000:  # a spray of addresses must not grow memory without bound
                self._failures = {c: ts for c, ts in self._failures.items() if ts and now - ts[-1] < self.window_s}

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._failures.pop(client, None)


AUTH_FAILURES = FailedAuthLimiter()`;
}

export function pyRateLimiter(im: PyImports): string {
  im.std('threading').std('time').std('typing', 'Dict', 'List', 'Tuple');
  return `class RateLimiter:
    """At most LIMIT inference requests per client per WINDOW_S seconds (sliding window). In memory and per process:
    with several workers or hosts, enforce it at the proxy or in a shared store instead."""

    def __init__(self, limit: int = ${RATE_LIMIT_PER_MINUTE}, window_s: float = 60.0) -> None:
        self.limit = limit
        self.window_s = window_s
        self._hits: Dict[str, List[float]] = {}
        self._lock = threading.Lock()

    def hit(self, client: str) -> Tuple[bool, Dict[str, str]]:
        """Counts one request. Returns whether it may run and the RateLimit-* (and Retry-After) headers to send."""
        now = time.monotonic()
        with self._lock:
            recent = [t for t in self._hits.get(client, []) if now - t < self.window_s]
            allowed = len(recent) < self.limit
            if allowed:
                recent.append(now)
            self._hits[client] = recent
            if len(self._hits) > 100000:
                self._hits = {c: ts for c, ts in self._hits.items() if ts and now - ts[-1] < self.window_s}
        reset = int(self.window_s - (now - recent[0])) + 1 if recent else int(self.window_s)
        headers = {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(max(self.limit - len(recent), 0)),
            "RateLimit-Reset": str(reset),
        }
        if not allowed:
            headers["Retry-After"] = str(reset)
        return allowed, headers


INFERENCE_LIMIT = RateLimiter()`;
}

export function pyTemplateMarkers(im: PyImports): string {
  im.std('re');
  return `# Mistral-style chat-template markers. User text must never carry them into a prompt, and output must not leak them.
TEMPLATE_MARKERS = re.compile(r"${TEMPLATE_MARKER_PATTERN}", re.IGNORECASE)


def strip_template_markers(text: str) -> str:
    """Removes template markers until none is left, so "[[INST]INST]" cannot reassemble into one."""
    while True:
        cleaned = TEMPLATE_MARKERS.sub("", text)
        if cleaned == text:
            return cleaned
        text = cleaned`;
}

export function pyCorsOrigins(im: PyImports): string {
  im.std('os').std('typing', 'FrozenSet');
  return `def allowed_origins(name: str) -> FrozenSet[str]:
    """Web origins allowed to call the API from a browser: none unless listed. '*' is refused: list the origins."""
    raw = os.environ.get(name)
    origins = frozenset(o.strip() for o in raw.split(",") if o.strip()) if raw else frozenset()
    if "*" in origins:
        raise SystemExit(f"{name} must list origins explicitly, not '*'")
    return origins


CORS_ALLOWED_ORIGINS = allowed_origins("CORS_ALLOWED_ORIGINS")`;
}

export function pyAllowedHosts(im: PyImports, ctx: RemediationContext): string {
  im.std('os');
  return `# Host values this API answers to. Anything else (e.g. "Host: ${ctx.host}/health?") is refused before any handler runs.
ALLOWED_HOSTS = [h.strip().lower() for h in os.environ.get("ALLOWED_HOSTS", ${lit(defaultAllowedHosts(ctx).join(','))}).split(",") if h.strip()]`;
}

export function pyTokenLimits(): string {
  return `DEFAULT_MAX_NEW_TOKENS = ${DEFAULT_MAX_NEW_TOKENS}
MAX_NEW_TOKENS = ${MAX_NEW_TOKENS}  # larger requests are refused, never silently run`;
}

export function pyJwt(im: PyImports): string {
  im.std('os').std('typing', 'Any', 'Dict', 'List', 'Optional').lib('jwt');
  return `# PyJWT (pip install pyjwt; Debian: python3-jwt).
JWT_ALGORITHMS = ["HS256"]  # pinned: tokens with "alg": "none" or another algorithm are refused
JWT_AUDIENCE = os.environ.get("JWT_AUDIENCE")  # optional; when set, the token's aud must match


def require_jwt_secret(name: str) -> bytes:
    """Fail closed: no secret, or one short enough to guess, and the app does not start."""
    value = os.environ.get(name)
    if value is None or len(value.encode("utf-8")) < 32:
        raise SystemExit(f"{name} must hold at least 32 bytes: refusing to start")
    return value.encode("utf-8")


JWT_SECRET = require_jwt_secret("JWT_SECRET")


def verify_jwt(values: List[str]) -> Optional[Dict[str, Any]]:
    """The token's claims when exactly one Bearer token is present and it verifies: signature (constant-time inside
    PyJWT), algorithm, exp (required), nbf and aud. None otherwise."""
    if len(values) == 1:
        token = presented_credential(values[0], bearer=True)
        if token is not None:
            try:
                return jwt.decode(
                    token.decode("utf-8"),
                    JWT_SECRET,
                    algorithms=JWT_ALGORITHMS,
                    audience=JWT_AUDIENCE,
                    options={"require": ["exp"]},
                )
            except jwt.InvalidTokenError:
                return None
    return None`;
}

/** The model call, injectable: handlers look `generate_text` up at call time, so tests may replace it. */
export function pyGenerateText(im: PyImports, model: ModelCall, ctx: RemediationContext): string {
  const signature = 'def generate_text(prompt: str, max_new_tokens: int = DEFAULT_MAX_NEW_TOKENS) -> str:';
  if (model.kind === 'stub') {
    return `${signature}
    """Stub model for tests and demos: replace it with the real model call."""
    return ${lit(model.reply ?? 'Hello! How can I assist you today?')}`;
  }
  if (model.kind === 'code') {
    return `${signature}
    """The model call (injected)."""
${indent(model.body, 4)}`;
  }
  im.std('threading').std('typing', 'Any', 'Dict');
  return `MODEL_ID = ${lit(ctx.model.startsWith('/') ? 'mistralai/Mistral-7B-Instruct-v0.3' : ctx.model)}
_model_lock = threading.Lock()
_loaded: Dict[str, Any] = {}


${signature}
    """The model call. Replace it with yours, or inject one in tests (\`app_module.generate_text = fake\`).
    Loaded on first use, so the auth layer is in place before any model code runs. The prompt is built by the
    tokenizer's chat template (control tokens), never by pasting "[INST]" around user text."""
    with _model_lock:
        if not _loaded:
            from transformers import AutoModelForCausalLM, AutoTokenizer

            _loaded["tokenizer"] = AutoTokenizer.from_pretrained(MODEL_ID)
            _loaded["model"] = AutoModelForCausalLM.from_pretrained(MODEL_ID)
    tokenizer, model = _loaded["tokenizer"], _loaded["model"]
    input_ids = tokenizer.apply_chat_template(
        [{"role": "user", "content": prompt}], add_generation_prompt=True, return_tensors="pt"
    )
    output_ids = model.generate(input_ids, max_new_tokens=max_new_tokens)
    return tokenizer.decode(output_ids[0][input_ids.shape[-1]:], skip_special_tokens=True)`;
}

/** The handler's prompt and output expressions for the features that touch them. */
export function pyPromptExpr(features: ReadonlySet<AppFeature>, raw: string): string {
  return features.has('neutralizeInput') ? `strip_template_markers(${raw})` : raw;
}
export function pyOutputExpr(features: ReadonlySet<AppFeature>, raw: string): string {
  return features.has('cleanOutput') ? `strip_template_markers(${raw}).strip()` : raw;
}

/** TLS helper for uvicorn-served apps: fail closed when the files are not configured. */
export function pyTlsFiles(im: PyImports): string {
  im.std('os');
  return `def require_file(name: str) -> str:
    """Fail closed: the app serves TLS or nothing."""
    path = os.environ.get(name)
    if not path or not os.path.isfile(path):
        raise SystemExit(f"{name} must name a readable file: refusing to serve without TLS")
    return path`;
}

/**
 * The module-level helpers a Python app template needs for its features, in the order they are printed. `extra` is a
 * framework's own helper (Flask's host check), printed after the shared host allow-list.
 */
export function pyHelpers(
  im: PyImports,
  f: ReadonlySet<AppFeature>,
  ctx: RemediationContext,
  jwtMode: boolean,
  extra: string | null = null,
): (string | null)[] {
  return [
    pySecretLoader(im),
    pyCredentialCheck(im),
    jwtMode ? pyJwt(im) : null,
    f.has('authLockout') ? pyLockout(im) : null,
    f.has('rateLimit') ? pyRateLimiter(im) : null,
    f.has('neutralizeInput') || f.has('cleanOutput') ? pyTemplateMarkers(im) : null,
    f.has('cors') ? pyCorsOrigins(im) : null,
    f.has('trustedHosts') ? pyAllowedHosts(im, ctx) : null,
    extra,
    f.has('tls') ? pyTlsFiles(im) : null,
    pyTokenLimits(),
  ];
}

/** With TLS in the app server itself, the ASGI templates start uvicorn from `__main__` with the certificate files. */
export function pyUvicornTlsMain(im: PyImports, f: ReadonlySet<AppFeature>, ctx: RemediationContext): string | null {
  if (!f.has('tls')) return null;
  im.lib('uvicorn');
  return `if __name__ == "__main__":
    # TLS in the app server itself; a reverse proxy terminating TLS is the usual alternative.
    uvicorn.run(
        app,
        host="0.0.0.0",
        port=${ctx.port},
        ssl_certfile=require_file("TLS_CERT_FILE"),
        ssl_keyfile=require_file("TLS_KEY_FILE"),
    )`;
}
