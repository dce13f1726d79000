// POST /v1/stream {"prompt", "max_tokens"} -> the tokens written one by one with res.write() as they come: chunked
// transfer encoding, no SSE framing, no Content-Type at all. Errors are JSON. Guarded unless ZOO_FORM=open: Bearer token,
// checked inline before anything else.
import { createServer } from 'node:http';
import { stream } from './zoo-model.mjs';
import { FailedKeyThrottle, apiKeyFromEnv, bearerToken, keysEqual } from './zoo-guard.mjs';

const OPEN = process.env.ZOO_FORM === 'open';
const KEY = OPEN ? '' : apiKeyFromEnv();
const throttle = new FailedKeyThrottle();

function json(res, status, body, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

createServer(async (req, res) => {
  if (!OPEN) {
    const addr = req.socket.remoteAddress;
    const wait = throttle.retryAfter(addr);
    if (wait !== null) return json(res, 429, { error: 'too many requests' }, { 'Retry-After': String(wait) });
    if (req.headers.authorization === undefined) return json(res, 401, { error: 'unauthorized' });
    if (!keysEqual(bearerToken(req.headers.authorization), KEY)) {
      throttle.failed(addr);
      return json(res, 401, { error: 'unauthorized' });
    }
  }
  const { pathname } = new URL(req.url, 'http://x');
  if (pathname !== '/v1/stream') return json(res, 404, { error: 'not found' });
  if (req.method !== 'POST') return json(res, 405, { error: 'method not allowed' }, { Allow: 'POST' });
  let raw = '';
  for await (const chunk of req) raw += chunk;
  let body;
  try {
    body = JSON.parse(raw || '{}');
  } catch {
    return json(res, 400, { error: 'invalid JSON' });
  }
  if (typeof body.prompt !== 'string' || !body.prompt) return json(res, 400, { error: 'prompt is required' });
  const maxTokens = body.max_tokens ?? 256;
  if (!Number.isInteger(maxTokens) || maxTokens < 1) return json(res, 400, { error: 'max_tokens must be a positive integer' });
  res.writeHead(200);
  for (const piece of stream(body.prompt, maxTokens)) {
    res.write(piece);
    await sleep(20);
  }
  res.end();
}).listen(Number(process.env.PORT), process.env.HOST);
