// vLLM's OpenAI-compatible server (docs/servers/vllm.md).

import { asString, bodyAt, Evidence, okObjectAt, openapiPaths, ownedBy, refusalShapeAt, serverHeader, statusAt } from '../surface/signals-read.js';
import type { ServerProfile, Signals } from '../types.js';
import { quote, quoteList } from '../untrusted.js';
import { get, manage, openAiInference, openAiModels, post, wrapper } from './common.js';

/** `/version` → {"version":"0.x.y"} (vLLM's own statement of its version). */
function versionOf(signals: Signals): string | null {
  const v = asString(okObjectAt(signals, '/version')?.['version']);
  return v && /^v?\d+\.\d+/.test(v) ? v.replace(/^v/, '') : null;
}

function detect(signals: Signals) {
  const ev = new Evidence();
  const owners = ownedBy(signals);
  if (owners.includes('vllm')) ev.add(0.95, 'GET /v1/models owned_by=vllm');
  else if (owners.length > 0) ev.penalize(0.4, `GET /v1/models owned_by=${quoteList(owners)}`);
  if (/^vllm:/m.test(bodyAt(signals, '/metrics') ?? '')) ev.add(0.9, 'GET /metrics exposes vllm:* metrics');
  const uvicorn = /^uvicorn/i.test(serverHeader(signals) ?? '');
  const version = versionOf(signals);
  if (version) ev.add(uvicorn ? 0.6 : 0.35, `GET /version → {"version": ${quote(version)}}${uvicorn ? ' with server: uvicorn' : ''}`);
  // 401 {"error":"Unauthorized"} is vLLM or SGLang. vLLM guards only /v1, /v2, /inference, /cohere; SGLang guards every path
  // but /health*, /ready, /metrics. So a refused /v1 next to an unguarded non-/v1 path is vLLM.
  const refused = ['/v1/models', '/v2'].find((p) => refusalShapeAt(signals, p) === 'error-unauthorized');
  if (refused) {
    ev.add(0.5, `GET ${refused} refused with {"error":"Unauthorized"} (vLLM or SGLang)`);
    const open = ['/get_model_info', '/version', '/openapi.json'].find((p) => {
      const s = statusAt(signals, p);
      return s !== null && s !== 401 && s !== 403;
    });
    if (open) ev.add(0.7, `GET ${open} not guarded while GET ${refused} is: vLLM's prefix-scoped middleware (SGLang guards every path)`);
  }
  const paths = openapiPaths(signals) ?? [];
  const marks = ['/is_paused', '/scale_elastic_ep', '/pooling', '/version', '/load'].filter((p) => paths.includes(p));
  if (marks.length >= 2) ev.add(0.6, `GET /openapi.json lists vLLM routes (${marks.join(', ')})`);
  return ev.result();
}

export const vllmProfile: ServerProfile<'vllm'> = {
  id: 'vllm',
  name: 'vLLM',
  kind: 'server',
  defaultPort: 8000,
  detect,
  version: versionOf,
  versionPath: '/version',
  modelSources: [openAiModels('/v1/models')],
  cheapPhase: { first: ['/v1/models', '/openapi.json'], second: ['/version'] },
  operation: {
    bindLoopback: (p) => `vllm serve MODEL --host 127.0.0.1 --port ${p}`,
    exampleModel: 'mistralai/Mistral-7B-Instruct-v0.3',
    fixedBy: 'own-settings',
  },
  inferenceRoutes: [
    ...openAiInference('/v1'),
    // SageMaker entry point, dispatches to chat/completions; left open with a key set (open report in 0.27–0.29).
    post('/invocations', 'openai-chat', 'SageMaker route: dispatches to chat/completions, outside the guarded prefixes'),
  ],
  metadataRoutes: [
    // Left open with a key set (documented): they run the model without generating text.
    wrapper('/pooling', 'input', 'pooling models; outside the guarded prefixes', 'other'),
    wrapper('/classify', 'input', 'classification models; outside the guarded prefixes', 'other'),
    wrapper('/score', 'text_1', 'scoring models; outside the guarded prefixes', 'other'),
    wrapper('/rerank', 'query', 'rerank models; outside the guarded prefixes', 'other'),
    wrapper('/tokenize', 'prompt', 'tokenizer; outside the guarded prefixes', 'tokenize'),
    wrapper('/detokenize', 'tokens', 'detokenizer; outside the guarded prefixes', 'tokenize'),
    get('/v1/models', 'metadata', 'model list: owned_by=vllm, root, max_model_len'),
    get('/version', 'metadata', 'version'),
    get('/health', 'health'),
    get('/ping', 'health'),
    get('/load', 'metadata', 'server load'),
    get('/is_paused', 'metadata'),
    get('/metrics', 'metadata', 'Prometheus vllm:* metrics'),
    get('/server_info', 'metadata', 'dev mode only: server configuration'),
    get('/tokenizer_info', 'metadata', '--enable-tokenizer-info-endpoint: leaks the chat template'),
    get('/openapi.json', 'docs'),
    get('/docs', 'docs'),
    get('/redoc', 'docs'),
  ],
  managementRoutes: [
    manage('POST', '/pause', 'pauses generation'),
    manage('POST', '/resume', 'resumes generation'),
    manage('POST', '/update_weights', 'replaces model weights'),
    manage('POST', '/init_weight_transfer_engine', 'weight transfer setup'),
    manage('POST', '/scale_elastic_ep', 'rescales expert parallelism'),
    manage('POST', '/abort_requests', 'aborts requests in flight'),
    manage('POST', '/reset_prefix_cache', 'dev mode: drops the prefix cache'),
    manage('POST', '/sleep', 'dev mode: offloads the model'),
    manage('POST', '/wake_up', 'dev mode: reloads the model'),
    manage('POST', '/collective_rpc', 'dev mode: calls any worker method'),
  ],
  auth: {
    headers: ['Authorization'],
    scheme: 'Bearer',
    // Current middleware accepts `bearer` in any case; 0.10 and before compared "Bearer " + key exactly.
    schemeCaseSensitive: false,
    openWithKey: [
      '/invocations',
      '/pooling',
      '/classify',
      '/score',
      '/rerank',
      '/generative_scoring',
      '/tokenize',
      '/detokenize',
      '/pause',
      '/resume',
      '/is_paused',
      '/scale_elastic_ep',
      '/update_weights',
      '/init_weight_transfer_engine',
      '/abort_requests',
      '/health',
      '/ping',
      '/version',
      '/load',
      '/metrics',
      '/docs',
      '/openapi.json',
      '/redoc',
    ],
    compare: 'constant-time',
    checksBeforeRouting: true, // ASGI middleware keyed on the path prefix, before routing
    pathFromHostHeader: true, // before 0.22 (CVE-2026-48746)
    notes:
      'Guards only paths under /v1, /v2, /inference, /cohere; OPTIONS skipped; X-API-Key not read. 401 {"error":"Unauthorized"}. ' +
      'Before 0.11: only /v1 and a plain != compare (CVE-2025-59425). Before 0.22: path read from a URL built with the Host header (CVE-2026-48746).',
  },
};
