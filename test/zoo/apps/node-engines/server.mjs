// The old OpenAI engines API in plain node:http: POST /v1/engines/{engine}/completions {"prompt", "max_tokens"} ->
// {"object": "text_completion", "choices": [{"text"}]}; an unknown engine is a 404 in OpenAI's error envelope. The user
// is given the route with its engine. Guarded unless ZOO_FORM=open: Bearer token, checked inline.
import { createServer } from 'node:http';
import { generate } from './zoo-model.mjs';
import { FailedKeyThrottle, apiKeyFromEnv, bearerToken, keysEqual } from './zoo-guard.mjs';

const OPEN = process.env.ZOO_FORM === 'open';
const KEY = OPEN ? '' : apiKeyFromEnv();
const throttle = new FailedKeyThrottle();
const ENGINES = new Set(['zoo-davinci', 'zoo-curie']);

function error(res, status, message, type, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify({ error: { message, type, param: null, code: null } }));
}

createServer((req, res) => {
  if (!OPEN) {
    const addr = req.socket.remoteAddress;
    const wait = throttle.retryAfter(addr);
    if (wait !== null) return error(res, 429, 'Rate limit reached', 'requests', { 'Retry-After': String(wait) });
    if (req.headers.authorization === undefined) return error(res, 401, "You didn't provide an API key.", 'invalid_request_error');
    if (!keysEqual(bearerToken(req.headers.authorization), KEY)) {
      throttle.failed(addr);
      return error(res, 401, 'Incorrect API key provided.', 'invalid_request_error');
    }
  }
  const m = /^\/v1\/engines\/([^/]+)\/completions$/.exec(new URL(req.url, 'http://x').pathname);
  if (!m) return error(res, 404, 'Invalid URL', 'invalid_request_error');
  if (req.method !== 'POST') return error(res, 405, `Invalid method for URL (${req.method})`, 'invalid_request_error', { Allow: 'POST' });
  const engine = decodeURIComponent(m[1]);
  if (!ENGINES.has(engine)) return error(res, 404, `The engine '${engine}' does not exist`, 'invalid_request_error');
  let raw = '';
  req.on('data', (c) => (raw += c));
  req.on('end', () => {
    let body;
    try {
      body = JSON.parse(raw);
    } catch {
      return error(res, 400, 'We could not parse the JSON body of your request.', 'invalid_request_error');
    }
    if (typeof body.prompt !== 'string') return error(res, 400, 'You must provide a prompt parameter.', 'invalid_request_error');
    const maxTokens = body.max_tokens ?? 16;
    const text = generate(body.prompt, maxTokens);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ id: 'cmpl-zoo', object: 'text_completion', created: Math.floor(Date.now() / 1000), model: engine, choices: [{ text, index: 0, logprobs: null, finish_reason: 'length' }] }));
  });
}).listen(Number(process.env.PORT), process.env.HOST);
