// Two generations of one API: the v0 route POST /generate {"prompt", "max_tokens"} -> {"result"} and the current
// POST /api/chat {"message", "max_tokens"} -> {"reply"}, both behind X-API-Key (ZOO_API_KEY).
// ZOO_FORM=open is the order the code had for months: the v0 route registered before app.use(requireApiKey), so Express
// runs its handler without ever reaching the guard. The guarded form registers the guard first.
import express from 'express';
import { generate } from './zoo-model.mjs';
import { FailedKeyThrottle, apiKeyFromEnv, keysEqual } from './zoo-guard.mjs';

const API_KEY = apiKeyFromEnv();
const LEGACY_ORDER = process.env.ZOO_FORM === 'open';
const throttle = new FailedKeyThrottle();
const app = express();
app.use(express.json());

function requireApiKey(req, res, next) {
  const wait = throttle.retryAfter(req.ip);
  if (wait !== null) return res.set('Retry-After', String(wait)).status(429).json({ error: 'too many failed attempts' });
  const key = req.get('x-api-key');
  if (key === undefined) return res.status(401).json({ error: 'missing API key' });
  if (!keysEqual(key, API_KEY)) {
    throttle.failed(req.ip);
    return res.status(401).json({ error: 'invalid API key' });
  }
  next();
}

function limitFrom(body, fallback) {
  const n = body?.max_tokens ?? fallback;
  return Number.isInteger(n) && n > 0 ? n : null;
}

function legacyGenerate(req, res) {
  const prompt = req.body?.prompt;
  if (typeof prompt !== 'string' || !prompt) return res.status(400).json({ error: 'prompt is required' });
  const limit = limitFrom(req.body, 100);
  if (limit === null) return res.status(400).json({ error: 'max_tokens must be a positive integer' });
  res.json({ result: generate(prompt, limit) });
}

function chat(req, res) {
  const message = req.body?.message;
  if (typeof message !== 'string' || !message) return res.status(400).json({ error: 'message is required' });
  const limit = limitFrom(req.body, 200);
  if (limit === null) return res.status(400).json({ error: 'max_tokens must be a positive integer' });
  res.json({ reply: generate(message, limit) });
}

if (LEGACY_ORDER) {
  app.post('/generate', legacyGenerate);
  app.use(requireApiKey);
} else {
  app.use(requireApiKey);
  app.post('/generate', legacyGenerate);
}
app.post('/api/chat', chat);

app.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1');
