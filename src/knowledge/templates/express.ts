// Express: an app-level middleware registered before body parsing and every route, so unknown paths, other methods and
// routes added later all pass through it. Node's crypto.timingSafeEqual over SHA-256 digests (equal lengths).

import { RULES } from '../../engine/rules/index.js';
import { lit } from '../context.js';
import {
  type AppRenderInput,
  appRoute,
  blocks,
  DEFAULT_MAX_NEW_TOKENS,
  defaultAllowedHosts,
  indent,
  LOCKOUT_MAX_FAILURES,
  LOCKOUT_S,
  LOCKOUT_WINDOW_S,
  MAX_NEW_TOKENS,
  RATE_LIMIT_PER_MINUTE,
  TEMPLATE_MARKER_PATTERN,
} from './features.js';

export function renderExpress(input: AppRenderInput): string {
  const { features: f, ctx, model } = input;
  const jwtMode = f.has('jwt');
  const bearer = ctx.scheme === 'Bearer';
  const header = jwtMode ? 'authorization' : ctx.headerName.toLowerCase();
  const route = appRoute(ctx);
  const lockout = f.has('authLockout');
  const imports = new Set<string>(["import express from 'express';"]);
  const cryptoNames = new Set<string>(['createHash', 'timingSafeEqual']);

  const doc = `// ${input.title} — Express, hardened by Gatecrash${input.rule ? ` for ${input.rule} (${RULES[input.rule].title})` : ''}.
//
// ${input.focus.replace(/\n/g, '\n// ')}
//
// ${
    jwtMode
      ? 'Every request needs "Authorization: Bearer <JWT>" (HS256, exp required); the server refuses to start without JWT_SECRET.'
      : `Every request needs the ${ctx.headerName} header${bearer ? ' ("Bearer <key>")' : ''}, compared in ` +
        `constant time with ${ctx.envVar};\n// the server refuses to start when ${ctx.envVar} is unset or ` +
        `empty.`
  }
//
// Run (Node >= 18.3, express 4 or 5):
//   ${jwtMode ? 'export JWT_SECRET="$(openssl rand -hex 32)"' : `export ${ctx.envVar}="$(openssl rand -hex 32)"`}
//   ${f.has('tls') ? `TLS_CERT_FILE=${ctx.tlsCertFile} TLS_KEY_FILE=${ctx.tlsKeyFile} ` : ''}node server.mjs`;

  const parts: string[] = [];
  parts.push(`// Renderings of an unset variable that must never become the key.
const UNSET_RENDERINGS = new Set(['', 'None', 'null', 'undefined']);

/** Fail closed: without a real key the server does not start. Returns the key's SHA-256 digest. */
function requireSecret(name) {
  const value = process.env[name];
  if (value === undefined || UNSET_RENDERINGS.has(value.trim())) {
    console.error(\`\${name} is not set: refusing to start without an API key\`);
    process.exit(1);
  }
  return createHash('sha256').update(value, 'utf8').digest();
}

/** The credential in one header value: the token after "Bearer " (scheme in any case), or the raw value. */
function presentedCredential(value, bearer) {
  if (!bearer) return value;
  const space = value.indexOf(' ');
  return space > 0 && value.slice(0, space).toLowerCase() === 'bearer' ? value.slice(space + 1) : '';
}

/**
 * True only for exactly one header carrying exactly the key. headersDistinct keeps repeated headers apart (plain
 * req.headers silently drops a second Authorization). SHA-256 digests have equal lengths, so timingSafeEqual applies
 * and its time does not depend on the key.
 */
function credentialMatches(values, expectedDigest, bearer) {
  if (!Array.isArray(values) || values.length !== 1) return false;
  const presented = presentedCredential(values[0], bearer);
  if (presented === '') return false;
  return timingSafeEqual(createHash('sha256').update(presented, 'utf8').digest(), expectedDigest);
}`);

  if (!jwtMode) {
    parts.push(`const API_KEY_HEADER = ${lit(header)};
const API_KEY_IS_BEARER = ${bearer ? 'true' : 'false'};
const API_KEY_DIGEST = requireSecret(${lit(ctx.envVar)});`);
  } else {
    imports.add("import { jwtVerify } from 'jose';");
    parts.push(`// jose (npm install jose). Algorithms pinned: "alg": "none" and algorithm confusion are refused.
const JWT_ALGORITHMS = ['HS256'];
const JWT_AUDIENCE = process.env.JWT_AUDIENCE; // optional; when set, the token's aud must match

function requireJwtSecret(name) {
  const value = process.env[name];
  if (value === undefined || Buffer.byteLength(value, 'utf8') < 32) {
    console.error(\`\${name} must hold at least 32 bytes: refusing to start\`);
    process.exit(1);
  }
  return new TextEncoder().encode(value);
}
const JWT_SECRET = requireJwtSecret('JWT_SECRET');

/** The token's claims when exactly one Bearer token is present and it verifies (signature, alg, exp required); else null. */
async function verifyJwt(values) {
  if (!Array.isArray(values) || values.length !== 1) return null;
  const token = presentedCredential(values[0], true);
  if (token === '') return null;
  try {
    const { payload } = await jwtVerify(token, JWT_SECRET, {
      algorithms: JWT_ALGORITHMS,
      requiredClaims: ['exp'],
      ...(JWT_AUDIENCE ? { audience: JWT_AUDIENCE } : {}),
    });
    return payload;
  } catch {
    return null;
  }
}`);
  }
  if (f.has('admin')) {
    parts.push(`// Management routes need a second, separate key on top of the API key.
const ADMIN_KEY_HEADER = 'x-admin-key';
const ADMIN_KEY_DIGEST = requireSecret('ADMIN_API_KEY');`);
  }
  parts.push(`const DEFAULT_MAX_NEW_TOKENS = ${DEFAULT_MAX_NEW_TOKENS};
const MAX_NEW_TOKENS = ${MAX_NEW_TOKENS}; // larger requests are refused, never silently run`);

  if (lockout) {
    parts.push(`/**
 * PCI DSS 8.3.4: a client that sends ${LOCKOUT_MAX_FAILURES} wrong keys within ${LOCKOUT_WINDOW_S / 60} minutes is refused (429, Retry-After) for
 * ${LOCKOUT_S / 60} minutes, even with the right key. In memory and per process: with several processes, do it at the proxy.
 */
class FailedAuthLimiter {
  constructor(maxFailures = ${LOCKOUT_MAX_FAILURES}, windowMs = ${LOCKOUT_WINDOW_S * 1000}, lockoutMs = ${LOCKOUT_S * 1000}) {
    Object.assign(this, { maxFailures, windowMs, lockoutMs, failures: new Map(), lockedUntil: new Map() });
  }
  retryAfter(client) {
    const until = this.lockedUntil.get(client);
    if (until === undefined) return 0;
    const left = until - Date.now();
    if (left <= 0) {
      this.lockedUntil.delete(client);
      return 0;
    }
    return Math.ceil(left / 1000);
  }
  failed(client) {
    const now = Date.now();
    const recent = (this.failures.get(client) ?? []).filter((t) => now - t < this.windowMs);
    recent.push(now);
    if (recent.length >= this.maxFailures) {
      this.lockedUntil.set(client, now + this.lockoutMs);
      this.failures.delete(client);
    } else {
      this.failures.set(client, recent);
    }
    if (this.failures.size > 100000) this.failures.clear(); // a spray of addresses must not grow memory without bound
  }
  succeeded(client) {
    this.failures.delete(client);
  }
}
const AUTH_FAILURES = new FailedAuthLimiter();`);
  }
  if (f.has('rateLimit')) {
    parts.push(`/** At most ${RATE_LIMIT_PER_MINUTE} inference requests per client per minute (sliding window), with RateLimit-* and Retry-After headers. */
class RateLimiter {
  constructor(limit = ${RATE_LIMIT_PER_MINUTE}, windowMs = 60000) {
    Object.assign(this, { limit, windowMs, hits: new Map() });
  }
  hit(client) {
    const now = Date.now();
    const recent = (this.hits.get(client) ?? []).filter((t) => now - t < this.windowMs);
    const allowed = recent.length < this.limit;
    if (allowed) recent.push(now);
    this.hits.set(client, recent);
    if (this.hits.size > 100000) this.hits.clear();
    const reset = recent.length ? Math.ceil((this.windowMs - (now - recent[0])) / 1000) : Math.ceil(this.windowMs / 1000);
    const headers = {
      'RateLimit-Limit': String(this.limit),
      'RateLimit-Remaining': String(Math.max(this.limit - recent.length, 0)),
      'RateLimit-Reset': String(reset),
    };
    if (!allowed) headers['Retry-After'] = String(reset);
    return { allowed, headers };
  }
}
const INFERENCE_LIMIT = new RateLimiter();`);
  }
  if (f.has('neutralizeInput') || f.has('cleanOutput')) {
    parts.push(`// Mistral-style chat-template markers. User text must never carry them into a prompt, and output must not leak them.
const TEMPLATE_MARKERS = /${TEMPLATE_MARKER_PATTERN.replace(/\//g, '\\/')}/gi;

/** Removes template markers until none is left, so "[[INST]INST]" cannot reassemble into one. */
function stripTemplateMarkers(text) {
  for (;;) {
    const cleaned = text.replace(TEMPLATE_MARKERS, '');
    if (cleaned === text) return cleaned;
    text = cleaned;
  }
}`);
  }
  if (f.has('cors')) {
    parts.push(`/** Web origins allowed to call the API from a browser: none unless listed. '*' is refused: list the origins. */
function allowedOrigins(name) {
  const raw = process.env[name];
  const origins = new Set(raw ? raw.split(',').map((o) => o.trim()).filter(Boolean) : []);
  if (origins.has('*')) {
    console.error(\`\${name} must list origins explicitly, not '*'\`);
    process.exit(1);
  }
  return origins;
}
const CORS_ALLOWED_ORIGINS = allowedOrigins('CORS_ALLOWED_ORIGINS');`);
  }
  if (f.has('trustedHosts')) {
    parts.push(`// Host values this API answers to. Anything else (e.g. "Host: ${ctx.host}/health?") is refused before any route runs.
const ALLOWED_HOSTS = new Set((process.env.ALLOWED_HOSTS ?? ${lit(defaultAllowedHosts(ctx).join(','))}).split(',').map((h) => h.trim().toLowerCase()).filter(Boolean));

function hostOnly(value) {
  const v = (value ?? '').trim().toLowerCase();
  return v.startsWith('[') ? v.slice(0, v.indexOf(']') + 1) : v.split(':')[0];
}`);
  }

  parts.push(expressGenerateText(model, ctx));

  // Middleware and routes.
  const app: string[] = [];
  app.push(`const app = express();
app.disable('x-powered-by');`);
  if (f.has('trustedHosts')) {
    app.push(`app.use((req, res, next) => {
  if (!ALLOWED_HOSTS.has(hostOnly(req.headers.host))) {
    res.status(400).json({ detail: 'Invalid host header' });
    return;
  }
  next();
});`);
  }
  if (f.has('cors')) {
    app.push(`// Before the credential check: a preflight carries no credentials by design, and reaches no route.
app.use((req, res, next) => {
  const origin = req.headers.origin;
  res.vary('Origin');
  if (origin && CORS_ALLOWED_ORIGINS.has(origin)) {
    res.set('Access-Control-Allow-Origin', origin);
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
      res.set({
        'Access-Control-Allow-Methods': 'POST',
        'Access-Control-Allow-Headers': ${lit(`Content-Type, ${jwtMode ? 'Authorization' : ctx.headerName}`)},
        'Access-Control-Max-Age': '600',
      });
      res.status(204).end();
      return;
    }
  }
  next();
});`);
  }
  const www = bearer || jwtMode ? "\n    res.set('WWW-Authenticate', 'Bearer');" : '';
  const lockPre = lockout
    ? `  const client = req.socket.remoteAddress ?? 'unknown';
  const wait = AUTH_FAILURES.retryAfter(client);
  if (wait) {
    res.status(429).set('Retry-After', String(wait)).json({ detail: 'Too Many Requests' });
    return;
  }
`
    : '';
  if (jwtMode) {
    app.push(`// First of all: every path, every method, before body parsing. Reads only the credential header.
app.use(async (req, res, next) => {
${lockPre}  const values = req.headersDistinct.authorization;
  const claims = await verifyJwt(values);
  if (claims === null) {${lockout ? '\n    if (values) AUTH_FAILURES.failed(client); // a request without a token guesses nothing' : ''}${www}
    res.status(401).json({ detail: 'Unauthorized' });
    return;
  }${lockout ? '\n  AUTH_FAILURES.succeeded(client);' : ''}
  res.locals.claims = claims;
  next();
});`);
  } else {
    app.push(`// First of all: every path, every method, before body parsing. Reads only the credential header.
app.use((req, res, next) => {
${lockPre}  const values = req.headersDistinct[API_KEY_HEADER];
  if (!credentialMatches(values, API_KEY_DIGEST, API_KEY_IS_BEARER)) {${lockout ? '\n    if (values) AUTH_FAILURES.failed(client); // a request without the header guesses nothing' : ''}${www}
    res.status(401).json({ detail: 'Unauthorized' });
    return;
  }${lockout ? '\n  AUTH_FAILURES.succeeded(client);' : ''}
  next();
});`);
  }
  app.push("app.use(express.json({ limit: '1mb' }));");

  const field = ctx.promptField;
  const handler: string[] = [];
  handler.push(`app.post(${lit(route)}, async (req, res, next) => {
  try {
    const text = req.body?.[${lit(field)}];
    if (typeof text !== 'string') {
      res.status(422).json({ detail: [{ loc: ['body', ${lit(field)}], msg: 'field required' }] });
      return;
    }`);
  let maxArg = '';
  if (f.has('maxTokens')) {
    maxArg = ', maxTokens';
    handler.push(`    const maxTokens = req.body.max_tokens ?? DEFAULT_MAX_NEW_TOKENS;
    if (!Number.isInteger(maxTokens) || maxTokens < 1 || maxTokens > MAX_NEW_TOKENS) {
      // Refused, not clamped: the caller learns the limit and no long generation is started.
      res.status(422).json({ detail: [{ loc: ['body', 'max_tokens'], msg: \`must be 1..\${MAX_NEW_TOKENS}\` }] });
      return;
    }`);
  }
  if (f.has('rateLimit')) {
    handler.push(`    const { allowed, headers } = INFERENCE_LIMIT.hit(req.socket.remoteAddress ?? 'unknown');
    res.set(headers);
    if (!allowed) {
      res.status(429).json({ detail: 'Too Many Requests' });
      return;
    }`);
  }
  const promptExpr = f.has('neutralizeInput') ? 'stripTemplateMarkers(text)' : 'text';
  const outExpr = f.has('cleanOutput') ? 'stripTemplateMarkers(output).trim()' : 'output';
  handler.push(`    const output = await generateText(${promptExpr}${maxArg});
    res.json({ ${lit(ctx.outputField)}: ${outExpr} });
  } catch (err) {
    next(err);
  }
});`);
  app.push(handler.join('\n'));

  if (f.has('metrics')) {
    app.push(`app.get('/metrics', async (req, res, next) => {
  // An ordinary route behind the credential check. Prometheus sends the key from its scrape config.
  try {
    const { register } = await import('prom-client');
    res.set('Content-Type', register.contentType).send(await register.metrics());
  } catch (err) {
    next(err);
  }
});`);
  }
  if (f.has('admin')) {
    app.push(`// Your management routes go on this router: they need the API key and the admin key.
const admin = express.Router();
admin.use((req, res, next) => {
  if (!credentialMatches(req.headersDistinct[ADMIN_KEY_HEADER], ADMIN_KEY_DIGEST, false)) {
    res.status(403).json({ detail: 'Forbidden' });
    return;
  }
  next();
});
admin.post('/reload', (req, res) => res.json({ status: 'accepted' }));
app.use('/admin', admin);`);
  }
  app.push(`app.use((req, res) => res.status(404).json({ detail: 'Not Found' }));

// Terse errors: details (stack, paths) go to the server log, never to the client (Express's default handler prints the
// stack unless NODE_ENV=production).
// eslint-disable-next-line no-unused-vars
app.use((err, req, res, next) => {
  const status = Number.isInteger(err?.status) && err.status >= 400 && err.status < 500 ? err.status : 500;
  if (status === 500) console.error(err);
  res.status(status).json({ detail: status === 500 ? 'Internal Server Error' : 'Bad Request' });
});`);

  if (f.has('tls')) {
    imports.add("import { readFileSync } from 'node:fs';");
    imports.add("import { createServer } from 'node:https';");
    app.push(`/** Fail closed: the server speaks TLS or does not start. */
function requireFile(name) {
  const path = process.env[name];
  if (!path) {
    console.error(\`\${name} must name a readable file: refusing to serve without TLS\`);
    process.exit(1);
  }
  return readFileSync(path);
}

const PORT = Number(process.env.PORT ?? ${ctx.port});
createServer({ cert: requireFile('TLS_CERT_FILE'), key: requireFile('TLS_KEY_FILE'), minVersion: 'TLSv1.2' }, app)
  .listen(PORT, '0.0.0.0', () => console.error(\`listening on https://0.0.0.0:\${PORT}\`));`);
  } else {
    app.push(`const PORT = Number(process.env.PORT ?? ${ctx.port});
const HOST = process.env.HOST ?? '127.0.0.1';
app.listen(PORT, HOST, () => console.error(\`listening on http://\${HOST}:\${PORT}\`));`);
  }

  const importBlock = [`import { ${[...cryptoNames].sort().join(', ')} } from 'node:crypto';`, ...[...imports].sort()].join('\n');
  return blocks([doc, importBlock, ...parts, ...app], 1);
}

function expressGenerateText(model: AppRenderInput['model'], ctx: AppRenderInput['ctx']): string {
  const sig = 'async function generateText(prompt, maxTokens = DEFAULT_MAX_NEW_TOKENS)';
  if (model.kind === 'stub') {
    return `/** Stub model for tests and demos: replace it with the real model call. */
// eslint-disable-next-line no-unused-vars
${sig} {
  return ${lit(model.reply ?? 'Hello! How can I assist you today?')};
}`;
  }
  if (model.kind === 'code') {
    return `/** The model call (injected). */
${sig} {
${indent(model.body, 2)}
}`;
  }
  return `// The model call: here, an OpenAI-compatible server on loopback (vLLM, llama.cpp, TGI…). Replace it with yours.
const UPSTREAM_URL = process.env.UPSTREAM_URL ?? 'http://127.0.0.1:${ctx.upstreamPort}/v1/chat/completions';
const MODEL = process.env.MODEL ?? ${lit(ctx.model)};

${sig} {
  const response = await fetch(UPSTREAM_URL, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: prompt }], max_tokens: maxTokens }),
    signal: AbortSignal.timeout(120000),
  });
  if (!response.ok) throw new Error(\`upstream answered \${response.status}\`);
  const data = await response.json();
  return data.choices?.[0]?.message?.content ?? '';
}`;
}
