// Plain node:http, no framework: POST /api/v1/infer {"input", "options": {"max_tokens"}} -> {"result", "model"}.
// Errors are 400 {"error": "..."}. Guarded unless ZOO_FORM=open: X-API-Key, checked before any routing.
import { createServer } from 'node:http';
import { generate } from './zoo-model.mjs';
import { FailedKeyThrottle, apiKeyFromEnv, keysEqual } from './zoo-guard.mjs';

const OPEN = process.env.ZOO_FORM === 'open';
const API_KEY = OPEN ? null : apiKeyFromEnv();
const throttle = new FailedKeyThrottle();
const MAX_BODY = 64 * 1024;

function send(res, status, body, headers = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function readJson(req) {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks = [];
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      if (!raw) return resolve({});
      try {
        resolve(JSON.parse(raw));
      } catch {
        reject(new Error('invalid JSON'));
      }
    });
    req.on('error', reject);
  });
}

/** True when the request may go on; false when the refusal has been sent. */
function authorize(req, res) {
  if (OPEN) return true;
  const ip = req.socket.remoteAddress;
  const wait = throttle.retryAfter(ip);
  if (wait !== null) return send(res, 429, { error: 'too many failed attempts' }, { 'Retry-After': String(wait) }), false;
  const key = req.headers['x-api-key'];
  if (key === undefined) return send(res, 401, { error: 'missing X-API-Key' }), false;
  if (!keysEqual(key, API_KEY)) {
    throttle.failed(ip);
    return send(res, 401, { error: 'invalid X-API-Key' }), false;
  }
  return true;
}

const server = createServer(async (req, res) => {
  if (!authorize(req, res)) return;
  const { pathname } = new URL(req.url, 'http://localhost');
  if (pathname !== '/api/v1/infer') return send(res, 404, { error: 'not found' });
  if (req.method !== 'POST') return send(res, 405, { error: 'method not allowed' }, { Allow: 'POST' });
  let body;
  try {
    body = await readJson(req);
  } catch (e) {
    return send(res, 400, { error: e.message });
  }
  if (typeof body.input !== 'string' || body.input.length === 0) return send(res, 400, { error: 'input is required' });
  const maxTokens = body.options?.max_tokens ?? 120;
  if (!Number.isInteger(maxTokens) || maxTokens < 1) return send(res, 400, { error: 'options.max_tokens must be a positive integer' });
  send(res, 200, { result: generate(body.input, maxTokens), model: 'zoo-small' });
});

server.listen(Number(process.env.PORT ?? 8080), process.env.HOST ?? '127.0.0.1');
