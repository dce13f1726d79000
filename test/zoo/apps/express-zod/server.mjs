// POST /v1/generate {"input", "max_output_tokens"} -> {"output", "id"}, validated with zod:
// 400 {"issues": [{"code", "path": ["input"], "message": "Required"}]}.
// Guarded unless ZOO_FORM=open: X-API-Key, checked by middleware for every request.
import { randomUUID } from 'node:crypto';
import express from 'express';
import { z } from 'zod';
import { generate } from './zoo-model.mjs';
import { FailedKeyThrottle, apiKeyFromEnv, keysEqual } from './zoo-guard.mjs';

const OPEN = process.env.ZOO_FORM === 'open';
const apiKey = OPEN ? null : apiKeyFromEnv();
const throttle = new FailedKeyThrottle();

const required = (expected) => ({ error: (issue) => (issue.input === undefined ? 'Required' : `Expected ${expected}`) });
const GenerateBody = z.object({
  input: z.string(required('a string')).min(1),
  max_output_tokens: z.number(required('a number')).int().positive().max(2048).default(256),
});

const app = express();
app.disable('x-powered-by');
app.use((req, res, next) => {
  if (OPEN) return next();
  const wait = throttle.retryAfter(req.ip);
  if (wait !== null) {
    res.setHeader('Retry-After', String(wait));
    return res.status(429).json({ error: 'rate_limited' });
  }
  const presented = req.header('X-API-Key');
  if (presented === undefined) return res.status(401).json({ error: 'unauthenticated' });
  if (!keysEqual(presented, apiKey)) {
    throttle.failed(req.ip);
    return res.status(401).json({ error: 'unauthenticated' });
  }
  return next();
});
app.use(express.json());

app.post('/v1/generate', (req, res) => {
  const parsed = GenerateBody.safeParse(req.body ?? {});
  if (!parsed.success) return res.status(400).json({ issues: parsed.error.issues });
  const { input, max_output_tokens } = parsed.data;
  res.json({ id: randomUUID(), output: generate(input, max_output_tokens) });
});

app.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1');
