// The whole service is one route at the root: POST / {"prompt", "max_tokens"} -> {"completion", "model"}; GET / is
// Express's own 404 ("Cannot GET /"). Guarded unless ZOO_FORM=open: X-API-Key in app.use middleware, which turns a
// visitor away with a 403 HTML page copied from nginx's.
import express from 'express';
import { generate } from './zoo-model.mjs';
import { FailedKeyThrottle, apiKeyFromEnv, keysEqual } from './zoo-guard.mjs';

const OPEN = process.env.ZOO_FORM === 'open';
const KEY = OPEN ? null : apiKeyFromEnv();
const throttle = new FailedKeyThrottle();
const FORBIDDEN = '<html>\r\n<head><title>403 Forbidden</title></head>\r\n<body>\r\n<center><h1>403 Forbidden</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

const app = express();
app.use((req, res, next) => {
  if (OPEN) return next();
  const wait = throttle.retryAfter(req.ip);
  if (wait !== null) return res.status(429).set('Retry-After', String(wait)).type('html').send('<h1>429 Too Many Requests</h1>');
  const key = req.get('X-API-Key');
  if (key === undefined) return res.status(403).type('html').send(FORBIDDEN);
  if (!keysEqual(key, KEY)) {
    throttle.failed(req.ip);
    return res.status(403).type('html').send(FORBIDDEN);
  }
  next();
});
app.use(express.json());

app.post('/', (req, res) => {
  const { prompt, max_tokens = 200 } = req.body ?? {};
  if (typeof prompt !== 'string' || prompt.length === 0) return res.status(400).json({ error: 'prompt is required' });
  if (!Number.isInteger(max_tokens) || max_tokens < 1) return res.status(400).json({ error: 'max_tokens must be a positive integer' });
  res.json({ completion: generate(prompt, max_tokens), model: 'zoo-mini' });
});

app.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1');
