// A Workers-AI-style envelope in plain node:http: POST /ai/run/@cf/zoo/mini {"prompt", "max_tokens"} ->
// {"result": {"response"}, "success": true, "errors": [], "messages": []}. Every answer carries an `errors` list, empty
// when all went well; a failure is {"result": null, "success": false, "errors": [{"code", "message"}]}. Guarded unless
// ZOO_FORM=open: Bearer token, checked inline (the same envelope with code 10000).
import { createServer } from 'node:http';
import { generate } from './zoo-model.mjs';
import { FailedKeyThrottle, apiKeyFromEnv, bearerToken, keysEqual } from './zoo-guard.mjs';

const OPEN = process.env.ZOO_FORM === 'open';
const KEY = OPEN ? '' : apiKeyFromEnv();
const throttle = new FailedKeyThrottle();

function reply(res, status, result, errors = [], headers = {}) {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify({ result, success: errors.length === 0, errors, messages: [] }));
}
const fail = (res, status, code, message, headers) => reply(res, status, null, [{ code, message }], headers);

createServer((req, res) => {
  if (!OPEN) {
    const addr = req.socket.remoteAddress;
    const wait = throttle.retryAfter(addr);
    if (wait !== null) return fail(res, 429, 971, 'Please wait and consider throttling your request speed', { 'Retry-After': String(wait) });
    if (req.headers.authorization === undefined) return fail(res, 401, 10000, 'Authentication error');
    if (!keysEqual(bearerToken(req.headers.authorization), KEY)) {
      throttle.failed(addr);
      return fail(res, 401, 10000, 'Authentication error');
    }
  }
  const { pathname } = new URL(req.url, 'http://x');
  if (!pathname.startsWith('/ai/run/')) return fail(res, 404, 7003, 'Could not route to ' + pathname.replace(/[^\w/@.-]/g, '') + ', perhaps your object identifier is invalid?');
  if (pathname !== '/ai/run/@cf/zoo/mini') return fail(res, 400, 5007, 'No such model');
  if (req.method !== 'POST') return fail(res, 405, 7001, 'Method not allowed', { Allow: 'POST' });
  let raw = '';
  req.on('data', (c) => (raw += c));
  req.on('end', () => {
    let body;
    try {
      body = JSON.parse(raw);
    } catch {
      return fail(res, 400, 5006, 'Error: Could not parse input');
    }
    if (typeof body.prompt !== 'string' && !Array.isArray(body.messages)) return fail(res, 400, 5006, "Error: required properties at '/' are 'prompt'");
    const prompt = typeof body.prompt === 'string' ? body.prompt : String(body.messages.at(-1)?.content ?? '');
    const maxTokens = body.max_tokens ?? 256;
    if (!Number.isInteger(maxTokens) || maxTokens < 1) return fail(res, 400, 5006, "Error: Type mismatch of '/max_tokens'");
    reply(res, 200, { response: generate(prompt, maxTokens) });
  });
}).listen(Number(process.env.PORT), process.env.HOST);
