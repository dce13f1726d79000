// NVIDIA Triton Inference Server, KServe v2 protocol (docs/servers/triton.md): no auth by default, opt-in shared-secret headers.

import { asString, Evidence, isObject, okObjectAt, parseBody, responses } from '../surface/signals-read.js';
import type { ServerProfile, Signals } from '../types.js';
import { quote } from '../untrusted.js';
import { get, manage, post } from './common.js';

/** `GET /v2` is the KServe v2 server metadata: {"name","version","extensions":[…]}. */
function serverMetadata(signals: Signals) {
  const j = okObjectAt(signals, '/v2');
  return j && typeof j['name'] === 'string' && Array.isArray(j['extensions']) ? j : undefined;
}

function detect(signals: Signals) {
  const ev = new Evidence();
  const meta = serverMetadata(signals);
  if (meta?.['name'] === 'triton') ev.add(0.97, 'GET /v2 name=triton');
  else if (meta) ev.add(0.4, `GET /v2 answers KServe v2 server metadata (name=${quote(String(meta['name']))})`);
  const stats = okObjectAt(signals, '/v2/models/stats');
  if (stats && Array.isArray(stats['model_stats'])) ev.add(0.8, 'GET /v2/models/stats → model_stats');
  // --http-restricted-api refusals name the missing header (Triton docs).
  for (const { where, res } of responses(signals)) {
    const j = parseBody(res);
    if (res.status >= 400 && isObject(j) && /This API is restricted/i.test(asString(j['error']) ?? '')) {
      ev.add(0.85, `${where} → "This API is restricted"`);
      break;
    }
  }
  return ev.result();
}

/** `/v2/models/stats` → {"model_stats":[{"name"}]}: the names its inference routes embed. */
function statsNames(signals: Signals): unknown[] {
  const stats = okObjectAt(signals, '/v2/models/stats')?.['model_stats'];
  return Array.isArray(stats) ? stats.map((s) => (isObject(s) ? s['name'] : undefined)) : [];
}

export const tritonProfile: ServerProfile<'triton'> = {
  id: 'triton',
  name: 'NVIDIA Triton Inference Server',
  kind: 'server',
  defaultPort: 8000,
  detect,
  version: (signals) => {
    const meta = serverMetadata(signals);
    return meta?.['name'] === 'triton' ? (asString(meta['version']) ?? null) : null;
  },
  modelSources: [{ path: '/v2/models/stats', role: 'list', ids: statsNames }],
  // A bare 400 to any path it does not know; /v2/models/stats names the models its inference routes embed.
  cheapPhase: { first: ['/'], second: ['/v2', '/v2/models/stats'] },
  operation: { bindLoopback: (p) => `tritonserver --http-address 127.0.0.1 --http-port ${p} …`, exampleModel: 'mistral', fixedBy: 'proxy' },
  inferenceRoutes: [
    post('/v2/models/{model}/infer', 'kserve-v2'),
    post('/v2/models/{model}/generate', 'triton-generate', 'generate extension: {"text_input"} → {"text_output"}'),
  ],
  metadataRoutes: [
    get('/v2', 'metadata', 'server metadata: name, version, extensions'),
    get('/v2/health/live', 'health'),
    get('/v2/health/ready', 'health'),
    get('/v2/models/{model}', 'metadata', 'model metadata: inputs, outputs'),
    get('/v2/models/{model}/config', 'metadata', 'model configuration'),
    get('/v2/models/stats', 'metadata', 'statistics of every model'),
    get('/metrics', 'metadata', 'Prometheus nv_* metrics (port 8002 by default)'),
  ],
  managementRoutes: [
    manage('POST', '/v2/repository/index', 'lists the model repository'),
    manage('POST', '/v2/repository/models/{model}/load', 'loads a model (may carry a config and files)'),
    manage('POST', '/v2/repository/models/{model}/unload', 'unloads a model'),
    manage('POST', '/v2/logging', 'changes log settings'),
    manage('POST', '/v2/trace/setting', 'changes trace settings'),
  ],
  auth: {
    headers: [],
    scheme: null,
    schemeCaseSensitive: true,
    openWithKey: [],
    compare: 'unknown',
    pathFromHostHeader: false, // its own HTTP server: the request line's path
    notes: 'No auth by default. --http-restricted-api=<group>:<header>=<value> requires a shared-secret header per API group; groups not listed stay open.',
  },
};
