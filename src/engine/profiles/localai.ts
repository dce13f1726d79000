// LocalAI (docs/servers/localai.md).

import {
  asString,
  Evidence,
  isObject,
  okObjectAt,
  okTextAt,
  openAiModelList,
  parseBody,
  refusedWith,
  responses,
  serverHeader,
} from '../surface/signals-read.js';
import type { ServerProfile, Signals } from '../types.js';
import { get, manage, openAiInference } from './common.js';

/**
 * The first request answered 404 the way LocalAI's echo server does ("GET /x"): echo's default `{"message":"Not Found"}`,
 * or LocalAI's own error handler, `{"error":{"code":404,"message":…,"type":""}}` (llama.cpp names a type there).
 */
function echoNotFound(signals: Signals): string | null {
  for (const { where, res } of responses(signals)) {
    if (res.status !== 404) continue;
    const j = parseBody(res);
    if (!isObject(j)) continue;
    const err = j['error'];
    if (j['message'] === 'Not Found' && Object.keys(j).length === 1) return where;
    if (isObject(err) && err['code'] === 404 && err['type'] === '' && typeof err['message'] === 'string') return where;
  }
  return null;
}

function detect(signals: Signals) {
  const ev = new Evidence();
  // 401 with WWW-Authenticate: Bearer and {"error":{"message":"An authentication key is required","code":401,"type":"invalid_request_error"}}.
  const refused = refusedWith(signals, 'localai');
  if (refused) ev.add(0.88, `${refused} refused with invalid_request_error and WWW-Authenticate: Bearer`);
  // /v1/models entries are {id, object} only: no owned_by.
  const list = openAiModelList(signals);
  // Many an OpenAI-compatible server leaves owned_by out too: alone a weak sign. Beside echo's own 404 (LocalAI is an echo
  // server; FastAPI says {"detail":…}, gin and Express answer text), the two shapes together point at LocalAI.
  const noOwner = !!list && list.length > 0 && list.every((m) => m.owned_by === undefined);
  const echo404 = echoNotFound(signals);
  if (noOwner && echo404) ev.add(0.6, `GET /v1/models entries have no owned_by, and ${echo404} answered 404 as LocalAI's echo server does`);
  else if (noOwner) ev.add(0.2, 'GET /v1/models entries have no owned_by');
  const root = okTextAt(signals, '/');
  if (root && /LocalAI/.test(root) && /<html|<!doctype/i.test(root)) ev.addName(0.85, 'GET / serves the LocalAI web UI');
  if (/^uvicorn/i.test(serverHeader(signals) ?? '')) ev.penalize(0.7, 'server: uvicorn (LocalAI is a Go server)');
  return ev.result();
}

export const localaiProfile: ServerProfile<'localai'> = {
  id: 'localai',
  name: 'LocalAI',
  kind: 'server',
  defaultPort: 8080,
  detect,
  // LocalAI's /version states it ({"version":"v2.x.y (commit)"}); read only once LocalAI is decided.
  version: (signals) => asString(okObjectAt(signals, '/version')?.['version']) ?? null,
  versionPath: '/version',
  cheapPhase: { first: ['/'], second: ['/version'] },
  operation: { bindLoopback: (p) => `local-ai run --address 127.0.0.1:${p}`, exampleModel: 'mistral-7b-instruct', fixedBy: 'own-settings' },
  inferenceRoutes: openAiInference('/v1'),
  metadataRoutes: [
    get('/v1/models', 'metadata', '{id, object} only'),
    get('/models', 'metadata'),
    get('/version', 'metadata'),
    get('/system', 'metadata', 'backends and loaded models'),
    get('/healthz', 'health'),
    get('/readyz', 'health'),
    get('/metrics', 'metadata'),
    get('/swagger/index.html', 'docs'),
  ],
  managementRoutes: [
    manage('POST', '/models/apply', 'installs a model from a gallery URL'),
    manage('POST', '/models/delete/{name}', 'deletes a model'),
    manage('POST', '/backend/apply', 'installs a backend'),
  ],
  auth: {
    headers: ['Authorization', 'x-api-key', 'xi-api-key'],
    scheme: 'Bearer',
    schemeCaseSensitive: false,
    openWithKey: ['/healthz', '/readyz', '/swagger', '/'],
    compare: 'constant-time',
    pathFromHostHeader: false, // Echo: the request line's path
    checksBeforeRouting: true, // echo middleware runs before the router
    notes: 'Authorization accepts "Bearer <key>" or the raw key; also a `token` cookie. 401 carries WWW-Authenticate: Bearer.',
  },
};
