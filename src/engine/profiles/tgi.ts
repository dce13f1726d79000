// Hugging Face Text Generation Inference (docs/servers/tgi.md).

import { asString, bodyAt, Evidence, findHeaderMatching, okObjectAt, openAiModelList, refusedWith } from '../surface/signals-read.js';
import type { ServerProfile, Signals } from '../types.js';
import { get, modelField, openAiInference, post } from './common.js';

function detect(signals: Signals) {
  const ev = new Evidence();
  // /info is open even with a key set.
  const info = okObjectAt(signals, '/info');
  if (info?.['router'] === 'text-generation-router') ev.add(0.97, 'GET /info router=text-generation-router');
  else if (info && typeof info['model_id'] === 'string' && ('max_total_tokens' in info || 'max_input_tokens' in info)) {
    ev.add(0.85, 'GET /info → model_id, max_total_tokens');
  }
  const h = findHeaderMatching(signals, /^x-(compute-type|compute-time|total-time|validation-time|queue-time|inference-time)$/);
  if (h) ev.add(0.85, `${h.where} carries ${h.name}`);
  if (/^tgi_/m.test(bodyAt(signals, '/metrics') ?? '')) ev.add(0.9, 'GET /metrics exposes tgi_* metrics');
  // TGI's /v1/models names the served model as its own owner.
  const list = openAiModelList(signals);
  if (list && list.length > 0 && list.every((m) => m.owned_by === m.id)) ev.add(0.6, 'GET /v1/models owned_by equals the model id');
  const empty = refusedWith(signals, 'empty');
  if (empty) ev.add(0.5, `${empty} refused with an empty 401 body`);
  return ev.result();
}

export const tgiProfile: ServerProfile<'tgi'> = {
  id: 'tgi',
  name: 'Hugging Face TGI',
  kind: 'server',
  defaultPort: 3000,
  detect,
  version: (signals) => asString(okObjectAt(signals, '/info')?.['version']) ?? null,
  versionPath: '/info',
  modelSources: [modelField('/info', 'model_id', 'list')],
  // GET / is its health route.
  cheapPhase: { first: ['/'], second: ['/info'] },
  operation: {
    bindLoopback: (p) => `text-generation-launcher --hostname 127.0.0.1 --port ${p} … (in Docker: -p 127.0.0.1:${p}:80)`,
    exampleModel: 'mistralai/Mistral-7B-Instruct-v0.3',
    fixedBy: 'own-settings',
  },
  inferenceRoutes: [
    post('/generate', 'tgi-generate', '{"inputs", "parameters": {"max_new_tokens"}} → {"generated_text"}'),
    post('/', 'tgi-generate', 'compat route'),
    ...openAiInference('/v1'),
    // With the kserve feature this inference route is not guarded at all.
    post('/v2/models/{model}/versions/{version}/infer', 'tgi-kserve', 'kserve feature: unguarded inference; BYTES data as UTF-8 byte values'),
  ],
  metadataRoutes: [
    post('/chat_tokenize', 'openai-chat', 'renders the chat template; open with a key set', 'tokenize'),
    post('/tokenize', 'tgi-generate', 'tokenizer (guarded)', 'tokenize'),
    get('/info', 'metadata', 'model_id, model_sha, limits, version, sha, docker_label'),
    get('/v1/models', 'metadata'),
    get('/health', 'health'),
    get('/ping', 'health'),
    get('/metrics', 'metadata', 'Prometheus tgi_* metrics'),
    get('/docs', 'docs'),
    get('/api-doc/openapi.json', 'docs', 'OpenAPI document'),
    get('/v2/health/ready', 'health', 'kserve feature'),
  ],
  managementRoutes: [],
  auth: {
    headers: ['Authorization'],
    scheme: 'Bearer',
    schemeCaseSensitive: false,
    openWithKey: ['/', '/info', '/health', '/ping', '/metrics', '/v1/models', '/chat_tokenize', '/docs', '/api-doc/openapi.json', '/v2/'],
    compare: 'case-insensitive',
    pathFromHostHeader: false, // axum: the request line's path
    notes:
      'The whole Authorization value and "Bearer <key>" are lower-cased before a non-constant-time compare: the key is case-insensitive. ' +
      'Missing or wrong key: 401 with an empty body. GET / is open, POST / is guarded.',
  },
};
