// POST /v1/chat {"messages", "max_tokens"} -> {"message": {"role", "content"}, "done": true}. The guarded form hides
// itself: a request without the right key gets the very 404 Express gives an unknown path ("Cannot POST /v1/chat"), so a
// stranger cannot even tell the route exists. Guarded unless ZOO_FORM=open: X-API-Key in app.use middleware.
import express from 'express';
import { generate } from './zoo-model.mjs';
import { FailedKeyThrottle, apiKeyFromEnv, keysEqual } from './zoo-guard.mjs';

const OPEN = process.env.ZOO_FORM === 'open';
const KEY = OPEN ? null : apiKeyFromEnv();
const throttle = new FailedKeyThrottle();

function notFound(req, res) {
  const path = req.path.replace(/[<>&"]/g, '');
  res.status(404).type('html').send(`<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n</head>\n<body>\n<pre>Cannot ${req.method} ${path}</pre>\n</body>\n</html>\n`);
}

const app = express();
app.disable('x-powered-by');
app.use((req, res, next) => {
  if (OPEN) return next();
  const wait = throttle.retryAfter(req.ip);
  if (wait !== null) return res.status(429).set('Retry-After', String(wait)).send('Too Many Requests');
  const key = req.get('X-API-Key');
  if (key === undefined) return notFound(req, res);
  if (!keysEqual(key, KEY)) {
    throttle.failed(req.ip);
    return notFound(req, res);
  }
  next();
});
app.use(express.json());
app.post('/v1/chat', (req, res) => {
  const messages = Array.isArray(req.body?.messages) ? req.body.messages : [];
  const last = messages.filter((m) => m?.role === 'user').pop();
  if (!last || typeof last.content !== 'string') return res.status(400).json({ error: 'messages must end with a user message' });
  res.json({ model: 'zoo-mini', message: { role: 'assistant', content: generate(last.content, Number(req.body.max_tokens ?? 128)) }, done: true });
});
app.use(notFound);
app.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1');
