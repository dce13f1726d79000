// POST /generate {"prompt", "max_tokens"} -> {"response", "done"}, plain node:http on loopback; nginx in front
// terminates TLS with a self-signed certificate, and clients reach it over https only.
// Guarded unless ZOO_FORM=open: `Authorization: Bearer <key>` before routing.
import { createServer } from 'node:http';
import { generate } from './zoo-model.mjs';
import { FailedKeyThrottle, apiKeyFromEnv, bearerToken, keysEqual } from './zoo-guard.mjs';

const OPEN = process.env.ZOO_FORM === 'open';
const API_KEY = OPEN ? null : apiKeyFromEnv();
// Every client arrives from nginx's address: one lock-out for all, the safe side against a key guesser.
const throttle = new FailedKeyThrottle();

const reply = (res, status, body, headers = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
};

createServer((req, res) => {
  if (!OPEN) {
    const client = req.socket.remoteAddress;
    const retryAfter = throttle.retryAfter(client);
    if (retryAfter !== null) return reply(res, 429, { error: 'too many failed attempts' }, { 'retry-after': String(retryAfter) });
    if (req.headers.authorization === undefined) return reply(res, 401, { error: 'authentication required' }, { 'www-authenticate': 'Bearer' });
    if (!keysEqual(bearerToken(req.headers.authorization), API_KEY)) {
      throttle.failed(client);
      return reply(res, 401, { error: 'authentication failed' }, { 'www-authenticate': 'Bearer' });
    }
  }
  if (req.method !== 'POST' || req.url !== '/generate') return reply(res, 404, { error: 'not found' });
  let raw = '';
  req.setEncoding('utf8');
  req.on('data', (d) => (raw += d));
  req.on('end', () => {
    let body;
    try {
      body = JSON.parse(raw);
    } catch {
      return reply(res, 400, { error: 'invalid json' });
    }
    if (typeof body?.prompt !== 'string' || !body.prompt) return reply(res, 400, { error: 'prompt is required' });
    const maxTokens = body.max_tokens ?? 100;
    if (!Number.isInteger(maxTokens) || maxTokens < 1) return reply(res, 400, { error: 'max_tokens must be a positive integer' });
    reply(res, 200, { response: generate(body.prompt, maxTokens), done: true });
  });
}).listen(Number(process.env.PORT), process.env.HOST);
