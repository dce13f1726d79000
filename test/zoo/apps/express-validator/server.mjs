// POST /api/generate {"prompt", "maxTokens" (8..512)} -> {"completion", "usage"}, validated the express-validator way:
// 400 {"errors": [{"type": "field", "value", "msg", "path", "location": "body"}]}.
// Guarded unless ZOO_FORM=open: `Authorization: Bearer <ZOO_API_KEY>` on every route (app.use before the routes).
import express from 'express';
import { generate } from './zoo-model.mjs';
import { FailedKeyThrottle, apiKeyFromEnv, bearerToken, keysEqual } from './zoo-guard.mjs';

const OPEN = process.env.ZOO_FORM === 'open';
const TOKEN = OPEN ? null : apiKeyFromEnv();
const failures = new FailedKeyThrottle();
const app = express();

if (!OPEN) {
  app.use((req, res, next) => {
    const retry = failures.retryAfter(req.ip);
    if (retry !== null) return res.status(429).set('Retry-After', String(retry)).json({ message: 'Too many requests' });
    const header = req.headers.authorization;
    if (header === undefined) return res.status(401).set('WWW-Authenticate', 'Bearer').json({ message: 'Unauthorized' });
    if (!keysEqual(bearerToken(header), TOKEN)) {
      failures.failed(req.ip);
      return res.status(401).set('WWW-Authenticate', 'Bearer').json({ message: 'Unauthorized' });
    }
    next();
  });
}
app.use(express.json({ limit: '100kb' }));

const field = (path, value, msg) => ({ type: 'field', ...(value === undefined ? {} : { value }), msg, path, location: 'body' });

function validateGenerate(body = {}) {
  const errors = [];
  if (typeof body.prompt !== 'string' || body.prompt.trim() === '') errors.push(field('prompt', body.prompt, 'prompt is required'));
  if (body.maxTokens !== undefined && !(Number.isInteger(body.maxTokens) && body.maxTokens >= 8 && body.maxTokens <= 512)) {
    errors.push(field('maxTokens', body.maxTokens, 'maxTokens must be an integer between 8 and 512'));
  }
  return errors;
}

app.post('/api/generate', (req, res) => {
  const errors = validateGenerate(req.body);
  if (errors.length) return res.status(400).json({ errors });
  const completion = generate(req.body.prompt, req.body.maxTokens ?? 64);
  res.json({ completion, usage: { completionTokens: completion.split(' ').length } });
});

app.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1');
