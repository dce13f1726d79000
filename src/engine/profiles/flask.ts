// A wrapper written in Flask, served by Werkzeug's development server (or gunicorn): the framework's own pages and headers.

import { Evidence, findHeader, responses } from '../surface/signals-read.js';
import type { ServerProfile, Signals } from '../types.js';
import { quote } from '../untrusted.js';
import { AUTHOR_WRITTEN_AUTH, WRAPPER_SIBLINGS } from './common.js';

/** Werkzeug's default error pages (HTML), which Flask serves for any route the author did not write. */
const WERKZEUG_PAGES: [RegExp, string][] = [
  [/The requested URL was not found on the server\. If you entered the URL manually please check your spelling and try again\./, '404 page'],
  [/The method is not allowed for the requested URL\./, '405 page'],
  [/The browser \(or proxy\) sent a request that this server could not understand\./, '400 page'],
];

function detect(signals: Signals) {
  const ev = new Evidence();
  const server = findHeader(signals, 'server');
  if (server && /^werkzeug\//i.test(server.value)) ev.addName(0.8, `server: ${quote(server.value, 40)}`);
  else if (server && /^gunicorn/i.test(server.value)) ev.addName(0.25, `server: gunicorn (a Python WSGI server)`);
  for (const { where, res } of responses(signals)) {
    const page = WERKZEUG_PAGES.find(([re]) => re.test(res.body));
    if (page) {
      ev.add(0.6, `${where} answered Werkzeug's ${page[1]}`);
      break;
    }
  }
  return ev.result();
}

export const flaskProfile: ServerProfile<'flask'> = {
  id: 'flask',
  name: 'Flask application',
  kind: 'framework',
  defaultPort: 5000,
  detect,
  // Werkzeug states its own version, not the app's: the server component is what an advisory would name.
  version: (signals) => /^werkzeug\/([\w.]+)/i.exec(findHeader(signals, 'server')?.value ?? '')?.[1] ?? null,
  operation: {
    bindLoopback: (p) => `flask --app app run --host 127.0.0.1 --port ${p}`,
    exampleModel: 'mistralai/Mistral-7B-Instruct-v0.3',
    fixedBy: { app: 'flask' },
  },
  inferenceRoutes: WRAPPER_SIBLINGS,
  metadataRoutes: [],
  managementRoutes: [],
  auth: AUTHOR_WRITTEN_AUTH,
};
