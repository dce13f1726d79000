// A wrapper on Node's own `node:http` server: no Server header, and the `Keep-Alive: timeout=5` Node adds to every
// keep-alive answer. Weak on its own (any Node framework shows it), so it only names the server when nothing else does.

import { Evidence, findHeader, responses } from '../surface/signals-read.js';
import type { ServerProfile, Signals } from '../types.js';
import { AUTHOR_WRITTEN_AUTH, WRAPPER_SIBLINGS } from './common.js';

function detect(signals: Signals) {
  const ev = new Evidence();
  const all = responses(signals);
  if (all.length === 0 || findHeader(signals, 'server') || findHeader(signals, 'x-powered-by')) return ev.result();
  const nodeKeepAlive = all.filter(({ res }) => /^timeout=5$/i.test(res.headers['keep-alive'] ?? ''));
  if (nodeKeepAlive.length === all.length) ev.add(0.3, `every answer carries Node's keep-alive: timeout=5 and no server header`);
  return ev.result();
}

export const nodeHttpProfile: ServerProfile<'node-http'> = {
  id: 'node-http',
  name: 'Node.js http server',
  kind: 'framework',
  defaultPort: 3000,
  detect,
  version: () => null,
  // The Express fix's middleware serves as a function around the handler.
  operation: { bindLoopback: (p) => `server.listen(${p}, '127.0.0.1')`, exampleModel: 'mistralai/Mistral-7B-Instruct-v0.3', fixedBy: { app: 'express' } },
  inferenceRoutes: WRAPPER_SIBLINGS,
  metadataRoutes: [],
  managementRoutes: [],
  auth: AUTHOR_WRITTEN_AUTH,
};
