// A llama.cpp-flavoured completion server in plain node:http: POST /completion {"prompt", "n_predict"} ->
// {"content", "tokens_predicted", "stop"}; a missing prompt is a text/plain 400. Guarded unless ZOO_FORM=open: X-API-Key.
import { createServer } from 'node:http';
import { generate } from './zoo-model.mjs';
import { FailedKeyThrottle, apiKeyFromEnv, keysEqual } from './zoo-guard.mjs';

const OPEN = process.env.ZOO_FORM === 'open';
const KEY = OPEN ? '' : apiKeyFromEnv();
const failedKeys = new FailedKeyThrottle();

function text(res, status, message, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
  res.end(`${message}\n`);
}

function gate(req, res) {
  if (OPEN) return true;
  const addr = req.socket.remoteAddress;
  const wait = failedKeys.retryAfter(addr);
  if (wait !== null) return text(res, 429, 'Too Many Requests', { 'Retry-After': String(wait) }), false;
  const presented = req.headers['x-api-key'];
  if (presented === undefined) return text(res, 401, 'Unauthorized: X-API-Key required'), false;
  if (!keysEqual(presented, KEY)) {
    failedKeys.failed(addr);
    return text(res, 401, 'Unauthorized: invalid X-API-Key'), false;
  }
  return true;
}

createServer((req, res) => {
  if (!gate(req, res)) return;
  if (req.url !== '/completion') return text(res, 404, 'Not Found');
  if (req.method !== 'POST') return text(res, 405, 'Method Not Allowed', { Allow: 'POST' });
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString() || '{}');
    } catch {
      return text(res, 400, 'Bad Request: body is not JSON');
    }
    if (typeof body.prompt !== 'string' || body.prompt === '') return text(res, 400, 'Bad Request: prompt is required');
    const nPredict = body.n_predict ?? 128;
    if (!Number.isInteger(nPredict) || nPredict < 1) return text(res, 400, 'Bad Request: n_predict must be a positive integer');
    const content = generate(body.prompt, nPredict);
    const payload = JSON.stringify({ content, tokens_predicted: content.split(' ').length, stop: true });
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(payload);
  });
}).listen(Number(process.env.PORT), process.env.HOST);
