// POST /generate {"prompt", "max_tokens"} -> {"text"}. A deliberately weak guard, kept in the zoo as the case a scan with
// the key must catch: besides X-API-Key it also takes the key from ?key= (so it lands in access logs and browser history),
// and it checks the key before the lock-out of failed keys. Everything else is as in the secure apps.
// ZOO_FORM=open serves anyone.
import express from 'express';
import { generate } from './zoo-model.mjs';
import { FailedKeyThrottle, apiKeyFromEnv, keysEqual } from './zoo-guard.mjs';

const OPEN = process.env.ZOO_FORM === 'open';
const API_KEY = OPEN ? null : apiKeyFromEnv();
const throttle = new FailedKeyThrottle();
const app = express();
app.use(express.json());

app.use((req, res, next) => {
  if (OPEN) return next();
  const key = req.get('X-API-Key') ?? (typeof req.query.key === 'string' ? req.query.key : undefined);
  if (keysEqual(key, API_KEY)) return next();
  const wait = throttle.retryAfter(req.ip);
  if (wait !== null) return res.status(429).set('Retry-After', String(wait)).json({ error: 'slow down' });
  if (key === undefined) return res.status(401).json({ error: 'API key required (X-API-Key header or ?key=)' });
  throttle.failed(req.ip);
  res.status(401).json({ error: 'invalid API key' });
});

app.post('/generate', (req, res) => {
  const { prompt, max_tokens: maxTokens = 80 } = req.body ?? {};
  if (typeof prompt !== 'string' || !prompt) return res.status(400).json({ error: 'prompt is required' });
  if (!Number.isInteger(maxTokens) || maxTokens < 1) return res.status(400).json({ error: 'max_tokens must be a positive integer' });
  res.json({ text: generate(prompt, maxTokens) });
});

app.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1');
