// A search assistant served through Caddy (reverse_proxy): POST /infer {"query", "max_tokens"} -> {"result", "took"}.
// Guarded unless ZOO_FORM=open: `Authorization: Bearer <key>` on every request, as middleware.
import express from 'express';
import { generate } from './zoo-model.mjs';
import { FailedKeyThrottle, apiKeyFromEnv, bearerToken, keysEqual } from './zoo-guard.mjs';

const OPEN = process.env.ZOO_FORM === 'open';
const TOKEN = OPEN ? null : apiKeyFromEnv();
// req.ip is Caddy's address (trust proxy stays off: X-Forwarded-For from a client would let it dodge the lock-out).
const throttle = new FailedKeyThrottle();
const app = express();

app.use((req, res, next) => {
  if (OPEN) return next();
  const wait = throttle.retryAfter(req.ip);
  if (wait !== null) return res.status(429).set('Retry-After', String(wait)).json({ error: 'too_many_attempts' });
  if (!req.headers.authorization) return res.status(401).set('WWW-Authenticate', 'Bearer realm="search"').json({ error: 'unauthorized' });
  if (!keysEqual(bearerToken(req.headers.authorization), TOKEN)) {
    throttle.failed(req.ip);
    return res.status(401).set('WWW-Authenticate', 'Bearer realm="search", error="invalid_token"').json({ error: 'unauthorized' });
  }
  next();
});
app.use(express.json());

app.post('/infer', (req, res) => {
  const started = Date.now();
  const { query, max_tokens: maxTokens = 96 } = req.body ?? {};
  if (typeof query !== 'string' || query.length === 0) return res.status(422).json({ error: 'query must be a non-empty string' });
  if (!Number.isInteger(maxTokens) || maxTokens < 1) return res.status(422).json({ error: 'max_tokens must be a positive integer' });
  res.json({ result: generate(query, maxTokens), took: Date.now() - started });
});

app.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1');
