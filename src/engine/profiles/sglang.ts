// SGLang runtime (docs/servers/sglang.md).

import { asString, bodyAt, Evidence, okObjectAt, openapiPaths, ownedBy, refusalShapeAt } from '../surface/signals-read.js';
import type { ServerProfile, Signals } from '../types.js';
import { quoteList } from '../untrusted.js';
import { get, manage, modelField, openAiInference, post, wrapper } from './common.js';

function detect(signals: Signals) {
  const ev = new Evidence();
  const owners = ownedBy(signals);
  if (owners.includes('sglang')) ev.add(0.95, 'GET /v1/models owned_by=sglang');
  else if (owners.length > 0) ev.penalize(0.4, `GET /v1/models owned_by=${quoteList(owners)}`);
  const info = okObjectAt(signals, '/get_model_info');
  if (info && typeof info['model_path'] === 'string') ev.add(0.9, 'GET /get_model_info → model_path');
  if (/^sglang:/m.test(bodyAt(signals, '/metrics') ?? '')) ev.add(0.9, 'GET /metrics exposes sglang:* metrics');
  // Same 401 body as vLLM; SGLang's middleware guards every path but /health*, /ready, /metrics, so a refused path that
  // vLLM leaves open or to its 404 (/, /openapi.json, /get_model_info) is SGLang.
  const refusedElsewhere = ['/get_model_info', '/', '/openapi.json'].find((p) => refusalShapeAt(signals, p) === 'error-unauthorized');
  if (refusedElsewhere) {
    ev.add(0.75, `GET ${refusedElsewhere} refused with {"error":"Unauthorized"}: SGLang guards every path (vLLM only /v1, /v2)`);
  }
  if (refusalShapeAt(signals, '/v1/models') === 'error-unauthorized') ev.add(0.5, 'GET /v1/models refused with {"error":"Unauthorized"} (vLLM or SGLang)');
  const paths = openapiPaths(signals) ?? [];
  const marks = ['/get_model_info', '/get_server_info', '/flush_cache', '/update_weights_from_disk', '/health_generate'].filter((p) => paths.includes(p));
  if (marks.length > 0) ev.add(0.7, `GET /openapi.json lists SGLang routes (${marks.join(', ')})`);
  return ev.result();
}

export const sglangProfile: ServerProfile<'sglang'> = {
  id: 'sglang',
  name: 'SGLang',
  kind: 'server',
  defaultPort: 30000,
  detect,
  // Only /get_server_info states it (it dumps all server arguments, including `version`); never part of the cheap phase.
  version: (signals) => asString(okObjectAt(signals, '/get_server_info')?.['version']) ?? null,
  versionPath: '/get_server_info',
  modelSources: [modelField('/get_model_info', 'model_path', 'list')],
  cheapPhase: { first: ['/v1/models'], second: ['/get_model_info'] },
  operation: {
    bindLoopback: (p) => `python -m sglang.launch_server --model-path MODEL --host 127.0.0.1 --port ${p}`,
    exampleModel: 'mistralai/Mistral-7B-Instruct-v0.3',
    fixedBy: 'own-settings',
  },
  inferenceRoutes: [
    post('/generate', 'sglang-generate', 'native generation: {"text", "sampling_params"}'),
    ...openAiInference('/v1'),
    post('/invocations', 'openai-chat', 'SageMaker route'),
  ],
  metadataRoutes: [
    wrapper('/tokenize', 'prompt', 'tokenizer', 'tokenize'),
    get('/v1/models', 'metadata', 'model list: owned_by=sglang'),
    get('/get_model_info', 'metadata', 'model_path, tokenizer_path'),
    get('/get_server_info', 'metadata', 'dumps every server argument (prompt-data exposure)'),
    get('/health', 'health'),
    // Runs a one-token generation: never part of the cheap phase; auth.alternate-path evidence (always open).
    { ...get('/health_generate', 'health', 'runs a one-token generation; open with a key set'), generates: true },
    get('/metrics', 'metadata', 'Prometheus sglang:* metrics'),
    get('/openapi.json', 'docs'),
  ],
  managementRoutes: [
    manage('POST', '/update_weights_from_disk', 'replaces model weights'),
    // Declared with methods GET and POST: GET acts too.
    { ...manage('POST', '/flush_cache', 'drops the radix cache'), actsOnGet: true },
    manage('POST', '/abort_request', 'aborts requests in flight'),
  ],
  auth: {
    headers: ['Authorization', 'x-api-key'],
    scheme: 'Bearer',
    schemeCaseSensitive: false,
    openWithKey: ['/health', '/health_generate', '/ready', '/metrics'],
    compare: 'constant-time',
    checksBeforeRouting: true, // ASGI middleware keyed on the path
    notes:
      '--api-key and --admin-api-key; 401 {"error":"Unauthorized"} (same as vLLM); admin routes without an admin key → 403 {"error":"Forbidden"}. ' +
      'Paths starting /health, /ready, /metrics always open; path from request.url.path (Host-header confusion suspected).',
  },
};
