// POST /stream {"messages": [{"role", "content"}], "max_tokens"} answers text/event-stream with the raw text of each token
// (`data: Hello!`, `data:  How`, ...) and `data: [DONE]`: no JSON inside the events.
// Guarded unless ZOO_FORM=open: X-API-Key, middleware in front of every route.
import express from 'express';
import { stream } from './zoo-model.mjs';
import { FailedKeyThrottle, apiKeyFromEnv, keysEqual } from './zoo-guard.mjs';

const OPEN = process.env.ZOO_FORM === 'open';
const API_KEY = OPEN ? undefined : apiKeyFromEnv();
const throttle = new FailedKeyThrottle();
const app = express();

const requireKey = (req, res, next) => {
  const wait = throttle.retryAfter(req.ip);
  if (wait !== null) return res.status(429).set('Retry-After', `${wait}`).send('Too Many Requests');
  const key = req.get('X-API-Key');
  if (key === undefined) return res.status(401).send('Unauthorized');
  if (!keysEqual(key, API_KEY)) {
    throttle.failed(req.ip);
    return res.status(401).send('Unauthorized');
  }
  next();
};
if (!OPEN) app.use(requireKey);
app.use(express.json());

app.post('/stream', (req, res) => {
  const { messages, max_tokens: maxTokens = 128 } = req.body ?? {};
  if (!Array.isArray(messages) || messages.length === 0) return res.status(400).json({ error: 'messages must be a non-empty array' });
  const last = messages[messages.length - 1];
  if (typeof last?.content !== 'string' || !last.content) return res.status(400).json({ error: 'the last message needs a content string' });
  if (!Number.isInteger(maxTokens) || maxTokens < 1) return res.status(400).json({ error: 'max_tokens must be a positive integer' });
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
  for (const token of stream(last.content, maxTokens)) res.write(`data: ${token}\n\n`);
  res.end('data: [DONE]\n\n');
});

app.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1');
