// A generic OpenAI-compatible server: `/v1/models` has the OpenAI list shape but no product marker. Scores above the FastAPI
// fallback and below every product that states who it is.

import { Evidence, isObject, openAiModelList, ownedBy, parseBody, responseAt } from '../surface/signals-read.js';
import type { ServerProfile, Signals } from '../types.js';
import { quoteList } from '../untrusted.js';
import { get, openAiInference, openAiModels } from './common.js';

function detect(signals: Signals) {
  const ev = new Evidence();
  const list = openAiModelList(signals);
  if (list) {
    const owners = ownedBy(signals);
    ev.add(0.5, `GET /v1/models answers an OpenAI model list${owners.length ? ` (owned_by=${quoteList(owners)})` : ''}`);
  } else {
    const res = responseAt(signals, '/v1/models');
    const j = parseBody(res);
    if (res && (res.status === 401 || res.status === 403) && isObject(j) && isObject(j['error']) && typeof j['error']['message'] === 'string') {
      ev.add(0.4, `GET /v1/models refused with an OpenAI-style error object (${res.status})`);
    }
  }
  return ev.result();
}

export const openaiCompatibleProfile: ServerProfile<'openai-compatible'> = {
  id: 'openai-compatible',
  name: 'OpenAI-compatible server',
  kind: 'server',
  defaultPort: 8000,
  detect,
  version: () => null,
  specificity: 1,
  modelSources: [openAiModels('/v1/models')],
  cheapPhase: { first: ['/v1/models'] },
  operation: {
    bindLoopback: (p) => `make the server listen on 127.0.0.1:${p} only`,
    exampleModel: 'mistralai/Mistral-7B-Instruct-v0.3',
    fixedBy: 'proxy',
  },
  inferenceRoutes: openAiInference('/v1'),
  metadataRoutes: [get('/v1/models', 'metadata', 'model list')],
  managementRoutes: [],
  auth: { headers: ['Authorization'], scheme: 'Bearer', schemeCaseSensitive: true, openWithKey: [], compare: 'unknown' },
};
