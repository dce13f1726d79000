// node:http chat with a streamed answer: POST /api/chat {"messages": [...], "max_tokens"} -> application/x-ndjson,
// {"delta": "..."} per token then {"done": true, "finish_reason"}. Guarded unless ZOO_FORM=open: Bearer token.
import http from 'node:http';
import { stream } from './zoo-model.mjs';
import { FailedKeyThrottle, apiKeyFromEnv, bearerToken, keysEqual } from './zoo-guard.mjs';

const open = process.env.ZOO_FORM === 'open';
const token = open ? null : apiKeyFromEnv();
const lockout = new FailedKeyThrottle();

const json = (res, status, obj, extra = {}) => {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...extra });
  res.end(JSON.stringify(obj));
};

async function body(req) {
  let raw = '';
  for await (const chunk of req) {
    raw += chunk;
    if (raw.length > 100_000) throw new Error('payload too large');
  }
  return raw ? JSON.parse(raw) : null;
}

http
  .createServer(async (req, res) => {
    if (!open) {
      const who = req.socket.remoteAddress;
      const retry = lockout.retryAfter(who);
      if (retry !== null) return json(res, 429, { error: 'locked out' }, { 'retry-after': String(retry) });
      if (req.headers.authorization === undefined) return json(res, 401, { error: 'unauthorized' }, { 'www-authenticate': 'Bearer' });
      if (!keysEqual(bearerToken(req.headers.authorization), token)) {
        lockout.failed(who);
        return json(res, 401, { error: 'unauthorized' }, { 'www-authenticate': 'Bearer error="invalid_token"' });
      }
    }
    if (req.url.split('?')[0] !== '/api/chat') return json(res, 404, { error: 'no such route' });
    if (req.method !== 'POST') return json(res, 405, { error: 'use POST' });
    let payload;
    try {
      payload = await body(req);
    } catch (e) {
      return json(res, 400, { error: `bad body: ${e.message}` });
    }
    const messages = payload?.messages;
    if (!Array.isArray(messages) || !messages.length) return json(res, 400, { error: 'messages: expected a non-empty array' });
    const prompt = messages.at(-1)?.content;
    if (typeof prompt !== 'string') return json(res, 400, { error: 'messages[-1].content: expected a string' });
    const max = payload.max_tokens ?? 256;
    if (!Number.isInteger(max) || max < 1) return json(res, 400, { error: 'max_tokens: expected a positive integer' });
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    let n = 0;
    for (const delta of stream(prompt, max)) {
      n++;
      res.write(`${JSON.stringify({ delta })}\n`);
    }
    res.end(`${JSON.stringify({ done: true, finish_reason: n === max ? 'length' : 'stop' })}\n`);
  })
  .listen(Number(process.env.PORT), process.env.HOST);
