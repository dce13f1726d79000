// oobabooga text-generation-webui, OpenAI-compatible API extension (docs/servers/textgen-webui.md).

import { Evidence, isObject, openapiPaths, ownedBy, parseBody, refusedWith, responses, statusAt } from '../surface/signals-read.js';
import type { ServerProfile, Signals } from '../types.js';
import { get, manage, modelField, openAiInference, post, wrapper } from './common.js';

function detect(signals: Signals) {
  const ev = new Evidence();
  if (ownedBy(signals).includes('user')) ev.add(0.85, 'GET /v1/models owned_by=user');
  const paths = openapiPaths(signals);
  if (paths?.some((p) => p.startsWith('/v1/internal/'))) ev.add(0.9, 'GET /openapi.json lists /v1/internal/* routes');
  // 401 {"detail":"Unauthorized"}: text-generation-webui, or any FastAPI app that says the same.
  const refused = refusedWith(signals, 'detail-unauthorized');
  if (refused) ev.add(0.45, `${refused} refused with {"detail":"Unauthorized"}`);
  // Without --listen a Host other than localhost/127.0.0.1 gets 400 {"detail":"Invalid host header"}.
  for (const { where, res } of responses(signals)) {
    const j = parseBody(res);
    if (res.status === 400 && isObject(j) && j['detail'] === 'Invalid host header') {
      ev.add(0.8, `${where} → 400 {"detail":"Invalid host header"}`);
      break;
    }
  }
  // The OpenAPI document is open even with a key: when it lists none of the API's routes, or is refused, this is another app.
  if (paths && !paths.some((p) => p.startsWith('/v1/internal/') || p === '/v1/models')) {
    ev.penalize(0.5, 'GET /openapi.json lists no text-generation-webui route');
  }
  const docs = statusAt(signals, '/openapi.json');
  if (docs === 401 || docs === 403) ev.penalize(0.5, `GET /openapi.json refused (${docs}); text-generation-webui leaves it open`);
  return ev.result();
}

export const textgenWebuiProfile: ServerProfile<'textgen-webui'> = {
  id: 'textgen-webui',
  name: 'text-generation-webui',
  kind: 'server',
  defaultPort: 5000,
  detect,
  version: () => null,
  modelSources: [modelField('/v1/internal/model/info', 'model_name', 'list')],
  cheapPhase: { first: ['/openapi.json', '/v1/models'] },
  operation: {
    bindLoopback: (p) => `python server.py --api --api-port ${p} (without --listen, so the API stays on loopback)`,
    exampleModel: 'mistral-7b-instruct',
    fixedBy: 'proxy',
  },
  inferenceRoutes: [...openAiInference('/v1'), post('/v1/messages', 'openai-chat', 'Anthropic-style route; reads x-api-key')],
  metadataRoutes: [
    wrapper('/v1/internal/encode', 'text', 'tokenizer', 'tokenize'),
    get('/v1/models', 'metadata', 'owned_by=user'),
    get('/v1/internal/model/info', 'metadata', 'loaded model and LoRAs'),
    get('/v1/internal/model/list', 'metadata'),
    get('/openapi.json', 'docs'),
    get('/docs', 'docs'),
  ],
  managementRoutes: [
    manage('POST', '/v1/internal/model/load', 'loads another model'),
    manage('POST', '/v1/internal/model/unload', 'unloads the model'),
    manage('POST', '/v1/internal/lora/load', 'loads LoRA adapters'),
    manage('POST', '/v1/internal/stop-generation', 'stops generation'),
  ],
  auth: {
    headers: ['Authorization', 'x-api-key'],
    scheme: 'Bearer',
    schemeCaseSensitive: true,
    openWithKey: ['/docs', '/openapi.json'],
    compare: 'equality',
    notes: '--api-key and --admin-key; per-route `Authorization != "Bearer " + key`; x-api-key only on /v1/messages. 401 {"detail":"Unauthorized"}.',
  },
};
