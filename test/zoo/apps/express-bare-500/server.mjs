// POST /api/complete {"userPrompt", "maxTokens"} -> {"text"}, written without any validation: a body without
// `userPrompt` throws a TypeError inside the handler, which Express's default error handler turns into a bare 500 HTML
// page that names no field. Guarded unless ZOO_FORM=open: X-API-Key, a middleware on the route.
import express from 'express';
import { generate } from './zoo-model.mjs';
import { FailedKeyThrottle, apiKeyFromEnv, keysEqual } from './zoo-guard.mjs';

const OPEN = process.env.ZOO_FORM === 'open';
const KEY = OPEN ? null : apiKeyFromEnv();
const throttle = new FailedKeyThrottle();

function apiKey(req, res, next) {
  if (OPEN) return next();
  const wait = throttle.retryAfter(req.ip);
  if (wait !== null) return res.status(429).set('Retry-After', String(wait)).send('Too Many Requests');
  const key = req.get('X-API-Key');
  if (key === undefined) return res.status(401).send('Unauthorized');
  if (!keysEqual(key, KEY)) {
    throttle.failed(req.ip);
    return res.status(401).send('Unauthorized');
  }
  next();
}

const app = express();
// Every route is behind the key; the 404 for everything else too.
app.use(apiKey);
app.use(express.json());
app.post('/api/complete', (req, res) => {
  const prompt = req.body.userPrompt.trim();
  res.json({ text: generate(prompt, req.body.maxTokens ?? 64) });
});
app.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1');
