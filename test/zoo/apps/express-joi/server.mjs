// POST /chat {"question", "max_tokens"} -> {"answer"}, validated the celebrate/Joi way:
// 400 {"statusCode": 400, "error": "Bad Request", "message": "\"question\" is required", "validation": {...}}.
// Guarded unless ZOO_FORM=open: `Authorization: Bearer <key>` as route-level middleware on every route.
import express from 'express';
import { generate } from './zoo-model.mjs';
import { FailedKeyThrottle, apiKeyFromEnv, bearerToken, keysEqual } from './zoo-guard.mjs';

const OPEN = process.env.ZOO_FORM === 'open';
const KEY = OPEN ? null : apiKeyFromEnv();
const lockout = new FailedKeyThrottle();

const authenticate = OPEN
  ? (req, res, next) => next()
  : (req, res, next) => {
      const retryAfter = lockout.retryAfter(req.ip);
      if (retryAfter !== null) {
        return res.status(429).set('Retry-After', String(retryAfter)).json({ statusCode: 429, error: 'Too Many Requests', message: 'Too many failed attempts' });
      }
      if (req.headers.authorization === undefined) {
        return res.status(401).json({ statusCode: 401, error: 'Unauthorized', message: 'Missing authentication' });
      }
      if (!keysEqual(bearerToken(req.headers.authorization), KEY)) {
        lockout.failed(req.ip);
        return res.status(401).json({ statusCode: 401, error: 'Unauthorized', message: 'Invalid token' });
      }
      next();
    };

function joiError(key, message) {
  return { statusCode: 400, error: 'Bad Request', message, validation: { source: 'body', keys: [key] } };
}

function validateChat(body) {
  if (body === undefined || body === null || typeof body !== 'object') return joiError('', '"value" must be of type object');
  if (body.question === undefined) return joiError('question', '"question" is required');
  if (typeof body.question !== 'string' || !body.question.trim()) return joiError('question', '"question" is not allowed to be empty');
  if (body.max_tokens !== undefined && !(Number.isInteger(body.max_tokens) && body.max_tokens >= 1)) {
    return joiError('max_tokens', '"max_tokens" must be greater than or equal to 1');
  }
  for (const k of Object.keys(body)) if (!['question', 'max_tokens'].includes(k)) return joiError(k, `"${k}" is not allowed`);
  return null;
}

const app = express();
app.use(express.json());

app.post('/chat', authenticate, (req, res) => {
  const problem = validateChat(req.body);
  if (problem) return res.status(400).json(problem);
  res.json({ answer: generate(req.body.question, req.body.max_tokens ?? 150) });
});

app.get('/health', authenticate, (req, res) => res.json({ status: 'ok' }));

app.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1');
