// llama.cpp `llama-server` (docs/servers/llamacpp.md; seen on a real build from early 2025).

import { asString, bodyAt, Evidence, okObjectAt, ownedBy, refusedWith, serverHeader } from '../surface/signals-read.js';
import type { ServerProfile, Signals } from '../types.js';
import { quote, quoteList } from '../untrusted.js';
import { get, manage, modelField, openAiInference, openAiModels, post, wrapper } from './common.js';

function detect(signals: Signals) {
  const ev = new Evidence();
  const server = serverHeader(signals);
  // Every response carries `Server: llama.cpp` (seen).
  if (server && /^llama\.cpp/i.test(server)) ev.addName(0.95, `server: ${quote(server)}`);
  else if (server) ev.penalize(0.6, `server: ${quote(server)}`);
  const props = okObjectAt(signals, '/props');
  if (props && ('build_info' in props || 'default_generation_settings' in props || 'total_slots' in props)) {
    ev.add(0.88, 'GET /props → build_info / default_generation_settings');
  }
  // 401 {"error":{"code":401,"message":"Invalid API Key","type":"authentication_error"}}, before routing (seen).
  const refused = refusedWith(signals, 'llamacpp');
  if (refused) ev.add(0.85, `${refused} refused with {"error":{"code":401,…,"type":"authentication_error"}}`);
  const owners = ownedBy(signals);
  if (owners.includes('llamacpp')) ev.add(0.92, 'GET /v1/models owned_by=llamacpp');
  // Another owner: a server that imitates /props (TabbyAPI) or fronts llama.cpp under its own name.
  else if (owners.length > 0) ev.penalize(0.4, `GET /v1/models owned_by=${quoteList(owners)}`);
  if (/^llamacpp:/m.test(bodyAt(signals, '/metrics') ?? '')) ev.add(0.9, 'GET /metrics exposes llamacpp:* metrics');
  return ev.result();
}

export const llamacppProfile: ServerProfile<'llamacpp'> = {
  id: 'llamacpp',
  name: 'llama.cpp server',
  kind: 'server',
  defaultPort: 8080,
  detect,
  // /props `build_info` ("b<build>-<commit>"); the OpenAI routes' system_fingerprint says the same but costs a generation.
  version: (signals) => asString(okObjectAt(signals, '/props')?.['build_info']) ?? null,
  versionPath: '/props',
  // /props model_path is an absolute file path.
  modelSources: [modelField('/props', 'model_path', 'mention'), openAiModels('/models')],
  cheapPhase: { first: ['/'], second: ['/props'] },
  operation: {
    bindLoopback: (p) => `llama-server -m MODEL.gguf --host 127.0.0.1 --port ${p}`,
    exampleModel: '/models/mistral-7b-instruct-v0.3.Q4_K_M.gguf',
    fixedBy: 'own-settings',
  },
  inferenceRoutes: [
    post('/completion', 'llamacpp-completion', '{"prompt","n_predict":1} → {"content"}; malformed JSON → 500 with the parser message'),
    ...openAiInference('/v1'),
    post('/chat/completions', 'openai-chat'),
  ],
  metadataRoutes: [
    wrapper('/tokenize', 'content', 'tokenizer: {"content"} → {"tokens"}', 'tokenize'),
    post('/apply-template', 'openai-chat', 'renders the chat template', 'tokenize'),
    wrapper('/embedding', 'content', 'embeddings', 'other'),
    get('/props', 'metadata', 'model_path (absolute), chat_template, bos/eos, build_info, total_slots'),
    get('/health', 'health'),
    get('/v1/health', 'health'),
    get('/models', 'metadata'),
    get('/v1/models', 'metadata', 'owned_by=llamacpp'),
    get('/api/tags', 'metadata', 'newer builds'),
    get('/slots', 'metadata', 'per-slot state, with the prompts in flight in older builds (prompt-data exposure)'),
    get('/metrics', 'metadata', 'llamacpp:* (needs --metrics, else 501)'),
  ],
  managementRoutes: [
    manage('POST', '/slots/{id}?action=save', 'writes a slot to disk'),
    manage('POST', '/slots/{id}?action=restore', 'loads a slot from disk'),
    manage('POST', '/slots/{id}?action=erase', 'erases a slot'),
    manage('POST', '/props', 'changes server properties'),
  ],
  auth: {
    headers: ['Authorization', 'X-Api-Key'],
    scheme: 'Bearer',
    // "The scheme must be exactly `Bearer `" (lower-case bearer → 401, seen).
    schemeCaseSensitive: true,
    openWithKey: ['/health', '/v1/health', '/models', '/v1/models', '/api/tags', '/'],
    compare: 'equality',
    checksBeforeRouting: true, // the key check runs before routing: an unknown path is 401 with a key set
    pathFromHostHeader: false, // cpp-httplib: the request line's path
    notes:
      'Key check before routing: with a key set an unknown path gives 401, not 404. OPTIONS answered 200 ' +
      'without a key, echoing Origin with credentials allowed. ' +
      'X-Api-Key in newer builds only. An empty --api-key probably leaves the server open (inference from source).',
  },
};
