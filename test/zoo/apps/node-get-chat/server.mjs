// A chat widget backend in plain node:http: GET /chat?message=...&max_tokens=... -> {"reply"}. GET only (HEAD is
// answered as GET without the body); other methods get 405.
// Guarded unless ZOO_FORM=open: X-API-Key for every method and path.
import { createServer } from 'node:http';
import { generate } from './zoo-model.mjs';
import { FailedKeyThrottle, apiKeyFromEnv, keysEqual } from './zoo-guard.mjs';

const OPEN = process.env.ZOO_FORM === 'open';
const SECRET = OPEN ? null : apiKeyFromEnv();
const throttle = new FailedKeyThrottle();

function respond(req, res, status, obj, headers = {}) {
  const body = JSON.stringify(obj);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...headers });
  res.end(req.method === 'HEAD' ? undefined : body);
}

createServer((req, res) => {
  if (!OPEN) {
    const ip = req.socket.remoteAddress;
    const wait = throttle.retryAfter(ip);
    if (wait !== null) return respond(req, res, 429, { error: 'Too many attempts' }, { 'Retry-After': String(wait) });
    const key = req.headers['x-api-key'];
    if (key === undefined) return respond(req, res, 401, { error: 'X-API-Key header is required' });
    if (!keysEqual(key, SECRET)) {
      throttle.failed(ip);
      return respond(req, res, 401, { error: 'X-API-Key is not valid' });
    }
  }
  const url = new URL(req.url, 'http://chat.local');
  if (url.pathname !== '/chat') return respond(req, res, 404, { error: 'Not found' });
  if (req.method !== 'GET' && req.method !== 'HEAD') return respond(req, res, 405, { error: 'Method not allowed' }, { Allow: 'GET, HEAD' });
  const message = url.searchParams.get('message');
  if (!message) return respond(req, res, 400, { error: 'message query parameter is required' });
  const maxTokens = Number(url.searchParams.get('max_tokens') ?? '64');
  if (!Number.isInteger(maxTokens) || maxTokens < 1) return respond(req, res, 400, { error: 'max_tokens must be a positive integer' });
  respond(req, res, 200, { reply: generate(message, maxTokens) });
}).listen(Number(process.env.PORT), process.env.HOST);
