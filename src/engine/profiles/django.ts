// A wrapper written in Django: its 404 pages (with or without DEBUG), the headers SecurityMiddleware adds by default, and
// `runserver`'s WSGIServer banner.

import { Evidence, findHeader, responses } from '../surface/signals-read.js';
import type { ServerProfile, Signals } from '../types.js';
import { quote } from '../untrusted.js';
import { AUTHOR_WRITTEN_AUTH, WRAPPER_SIBLINGS } from './common.js';

function detect(signals: Signals) {
  const ev = new Evidence();
  for (const { where, res } of responses(signals)) {
    if (/Using the URLconf defined in/.test(res.body)) {
      ev.add(0.85, `${where} answered Django's DEBUG 404 page`);
      break;
    }
    if (res.status === 404 && /<h1>Not Found<\/h1>\s*<p>The requested resource was not found on this server\.<\/p>/.test(res.body)) {
      ev.add(0.6, `${where} answered Django's 404 page`);
      break;
    }
  }
  const server = findHeader(signals, 'server');
  if (server && /^WSGIServer\/[\d.]+ CPython/i.test(server.value))
    ev.addName(0.35, `server: ${quote(server.value, 40)} (Django's runserver, or another wsgiref app)`);
  const hardened = responses(signals).find(
    ({ res }) =>
      res.headers['x-frame-options'] === 'DENY' &&
      res.headers['referrer-policy'] === 'same-origin' &&
      res.headers['cross-origin-opener-policy'] === 'same-origin',
  );
  if (hardened) ev.add(0.45, `${hardened.where} carries Django SecurityMiddleware's default headers`);
  return ev.result();
}

export const djangoProfile: ServerProfile<'django'> = {
  id: 'django',
  name: 'Django application',
  kind: 'framework',
  defaultPort: 8000,
  detect,
  version: () => null,
  operation: { bindLoopback: (p) => `gunicorn project.wsgi --bind 127.0.0.1:${p}`, exampleModel: 'mistralai/Mistral-7B-Instruct-v0.3', fixedBy: 'proxy' },
  inferenceRoutes: WRAPPER_SIBLINGS,
  metadataRoutes: [],
  managementRoutes: [],
  auth: AUTHOR_WRITTEN_AUTH,
};
