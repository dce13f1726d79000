// A wrapper written in Express (Node): `X-Powered-By: Express` unless the author turned it off, and finalhandler's
// `Cannot GET /path` page for any route it does not have.

import { Evidence, findHeader, responses } from '../surface/signals-read.js';
import type { ServerProfile, Signals } from '../types.js';
import { AUTHOR_WRITTEN_AUTH, WRAPPER_SIBLINGS } from './common.js';

function detect(signals: Signals) {
  const ev = new Evidence();
  const powered = findHeader(signals, 'x-powered-by');
  if (powered && /^express$/i.test(powered.value.trim())) ev.addName(0.45, `x-powered-by: Express (${powered.where})`);
  for (const { where, res } of responses(signals)) {
    if (res.status === 404 && /<pre>Cannot (GET|POST|PUT|HEAD|DELETE|PATCH|OPTIONS) \/[^<]*<\/pre>/.test(res.body)) {
      ev.add(0.55, `${where} answered Express's "Cannot GET" page`);
      break;
    }
  }
  return ev.result();
}

export const expressProfile: ServerProfile<'express'> = {
  id: 'express',
  name: 'Express application',
  kind: 'framework',
  defaultPort: 3000,
  detect,
  version: () => null,
  operation: { bindLoopback: (p) => `app.listen(${p}, '127.0.0.1')`, exampleModel: 'mistralai/Mistral-7B-Instruct-v0.3', fixedBy: { app: 'express' } },
  inferenceRoutes: WRAPPER_SIBLINGS,
  metadataRoutes: [],
  managementRoutes: [],
  auth: AUTHOR_WRITTEN_AUTH,
};
