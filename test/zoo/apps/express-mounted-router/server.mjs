// An Express router mounted under a prefix: app.use('/llm', requireKey, router) with router.post('/generate'), so the
// route is POST /llm/generate {"prompt", "max_tokens"} -> {"data": {"generation"}, "meta": {"latencyMs"}}. The user is
// given the mount point, /llm, where nothing is routed. Guarded unless ZOO_FORM=open: Bearer token, as router-level
// middleware on the mount.
import express from 'express';
import { generate } from './zoo-model.mjs';
import { FailedKeyThrottle, apiKeyFromEnv, bearerToken, keysEqual } from './zoo-guard.mjs';

const OPEN = process.env.ZOO_FORM === 'open';
const KEY = OPEN ? null : apiKeyFromEnv();
const throttle = new FailedKeyThrottle();

function requireKey(req, res, next) {
  if (OPEN) return next();
  const wait = throttle.retryAfter(req.ip);
  if (wait !== null) return res.status(429).set('Retry-After', String(wait)).json({ message: 'Too many attempts' });
  if (req.headers.authorization === undefined) return res.status(401).json({ message: 'Unauthorized' });
  if (!keysEqual(bearerToken(req.headers.authorization), KEY)) {
    throttle.failed(req.ip);
    return res.status(401).json({ message: 'Unauthorized' });
  }
  next();
}

const router = express.Router();
router.use(express.json());
router.post('/generate', (req, res) => {
  const started = Date.now();
  const prompt = req.body?.prompt;
  if (!prompt) return res.status(400).json({ message: 'prompt is required' });
  const generation = generate(prompt, Number(req.body.max_tokens ?? 256));
  res.json({ data: { generation }, meta: { latencyMs: Date.now() - started } });
});
router.get('/status', (req, res) => res.json({ ready: true }));

const app = express();
app.use('/llm', requireKey, router);
app.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1');
