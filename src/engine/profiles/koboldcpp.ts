// KoboldCpp (docs/servers/koboldcpp.md). Imitates Ollama's /api/tags and OpenAI's /v1/models; its own markers win.

import { asString, Evidence, okObjectAt, ownedBy, refusedWith, serverHeader } from '../surface/signals-read.js';
import type { ServerProfile, Signals } from '../types.js';
import { quote } from '../untrusted.js';
import { get, openAiInference, post, wrapper } from './common.js';

function detect(signals: Signals) {
  const ev = new Evidence();
  const server = serverHeader(signals);
  if (server && /ConcedoLlamaForKoboldServer/i.test(server)) ev.addName(0.97, `server: ${quote(server)}`);
  // {"result":"KoboldCpp","version":…,"protected":true|false}
  const v = okObjectAt(signals, '/api/extra/version');
  if (v?.['result'] === 'KoboldCpp')
    ev.add(0.97, `GET /api/extra/version result=KoboldCpp${typeof v['protected'] === 'boolean' ? ` protected=${v['protected']}` : ''}`);
  if (ownedBy(signals).includes('koboldcpp')) ev.add(0.95, 'GET /v1/models owned_by=koboldcpp');
  // {"detail":{"error":"Unauthorized","msg":"Authentication key is missing or invalid.","type":"unauthorized"}}
  const refused = refusedWith(signals, 'kobold');
  if (refused) ev.add(0.85, `${refused} refused with {"detail":{"error":"Unauthorized",…}}`);
  return ev.result();
}

/** `/api/v1/model` → {"result":"koboldcpp/<model>"}. */
function koboldModel(signals: Signals): unknown[] {
  const result = asString(okObjectAt(signals, '/api/v1/model')?.['result']);
  return result ? [result.replace(/^koboldcpp\//, '')] : [];
}

export const koboldcppProfile: ServerProfile<'koboldcpp'> = {
  id: 'koboldcpp',
  name: 'KoboldCpp',
  kind: 'server',
  defaultPort: 5001,
  detect,
  version: (signals) => asString(okObjectAt(signals, '/api/extra/version')?.['version']) ?? null,
  // KoboldCpp says itself whether a password is set; probing its generate route with an empty body would run the model.
  accessFromSignals: (signals) => {
    const p = okObjectAt(signals, '/api/extra/version')?.['protected'];
    return p === true ? 'guarded' : p === false ? 'open' : null;
  },
  versionPath: '/api/extra/version',
  modelSources: [{ path: '/api/v1/model', role: 'mention', ids: koboldModel }],
  cheapPhase: { first: ['/'], second: ['/api/extra/version'] },
  operation: {
    bindLoopback: (p) => `koboldcpp --model MODEL.gguf --host 127.0.0.1 --port ${p}`,
    exampleModel: '/models/mistral-7b-instruct-v0.3.Q4_K_M.gguf',
    fixedBy: 'own-settings',
  },
  inferenceRoutes: [
    post('/api/v1/generate', 'kobold-generate', '{"prompt","max_length":1} → {"results":[{"text"}]}'),
    ...openAiInference('/v1'),
    post('/api/generate', 'ollama-generate', 'Ollama imitation'),
  ],
  metadataRoutes: [
    // Never guarded, even with a password.
    wrapper('/sdapi/v1/txt2img', 'prompt', 'image generation: never guarded', 'other'),
    wrapper('/sdapi/v1/img2img', 'prompt', 'image generation: never guarded', 'other'),
    wrapper('/sdapi/v1/interrogate', 'image', 'image captioning: never guarded', 'other'),
    wrapper('/api/extra/transcribe', 'audio_data', 'transcription: never guarded', 'other'),
    wrapper('/api/extra/tokencount', 'prompt', 'tokenizer', 'tokenize'),
    get('/api/extra/version', 'metadata', 'version and whether a password is set (protected)'),
    get('/api/v1/model', 'metadata', 'loaded model name'),
    get('/api/v1/info/version', 'metadata'),
    get('/api/extra/perf', 'metadata', 'performance counters'),
    get('/v1/models', 'metadata', 'owned_by=koboldcpp'),
    get('/api/tags', 'metadata', 'Ollama imitation'),
    get('/sdapi/v1/sd-models', 'metadata'),
  ],
  managementRoutes: [],
  auth: {
    headers: ['Authorization'],
    scheme: 'Bearer',
    schemeCaseSensitive: true,
    openWithKey: [
      '/api/extra/version',
      '/api/v1/model',
      '/v1/models',
      '/api/tags',
      '/sdapi/v1/txt2img',
      '/sdapi/v1/img2img',
      '/sdapi/v1/interrogate',
      '/api/extra/transcribe',
    ],
    compare: 'equality',
    routesBySuffix: true, // `self.path.endswith(...)`
    pathFromHostHeader: false, // Python http.server: the request line's path
    notes: 'Per-handler check; all GET metadata open. Routes match by suffix, so /anything/api/v1/generate reaches /api/v1/generate.',
  },
};
