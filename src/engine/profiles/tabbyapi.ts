// TabbyAPI, ExLlamaV3's OpenAI-compatible server (docs/servers/tabbyapi.md). Keys are FastAPI route dependencies, checked
// after routing: a body-less GET to a generation route is a 405 either way, so access is learned from a prompt-less POST
// (401 guarded, 422 open). A second key, the admin key, alone opens model loading and the other management routes.

import { Evidence, isObject, type Json, jsonAt, okObjectAt, openapiPaths, ownedBy, serverHeader } from '../surface/signals-read.js';
import type { ServerProfile, Signals } from '../types.js';
import { quoteList } from '../untrusted.js';
import { FASTAPI_DOCS, get, manage, openAiInference, openAiModels, post, wrapper } from './common.js';

/** Routes only TabbyAPI's OpenAPI document lists. */
const OWN_ROUTES = [
  '/v1/auth/permission',
  '/v1/model/load',
  '/v1/token/encode',
  '/v1/template/switch',
  '/.well-known/serviceinfo',
  '/v1/sampling/override/switch',
];

/** Header parameters the OpenAPI document declares (FastAPI lists each dependency's `Header(None)`). */
function headerParameters(doc: Json | undefined): Set<string> {
  const names = new Set<string>();
  const paths = doc?.['paths'];
  if (!isObject(paths)) return names;
  for (const item of Object.values(paths)) {
    if (!isObject(item)) continue;
    for (const op of Object.values(item)) {
      const params = isObject(op) ? op['parameters'] : undefined;
      if (!Array.isArray(params)) continue;
      for (const p of params) if (isObject(p) && p['in'] === 'header' && typeof p['name'] === 'string') names.add(p['name'].toLowerCase());
    }
  }
  return names;
}

/** `/.well-known/serviceinfo`: a `software` object and an `api` map whose entries carry a `relative_url`. */
function serviceInfo(signals: Signals): { name: unknown } | null {
  const info = okObjectAt(signals, '/.well-known/serviceinfo');
  const api = info?.['api'];
  const software = info?.['software'];
  if (!isObject(software) || !isObject(api)) return null;
  const urls = Object.values(api).filter((a) => isObject(a) && typeof a['relative_url'] === 'string');
  return urls.length > 0 ? { name: software['name'] } : null;
}

function detect(signals: Signals) {
  const ev = new Evidence();
  const owners = ownedBy(signals);
  if (owners.includes('tabbyAPI')) ev.add(0.95, 'GET /v1/models owned_by=tabbyAPI');
  else if (owners.length > 0) ev.penalize(0.4, `GET /v1/models owned_by=${quoteList(owners)}`);

  const paths = openapiPaths(signals) ?? [];
  const marks = OWN_ROUTES.filter((p) => paths.includes(p));
  if (marks.length >= 2) ev.add(0.9, `GET /openapi.json lists TabbyAPI routes (${marks.join(', ')})`);
  if (headerParameters(okObjectAt(signals, '/openapi.json')).has('x-admin-key')) {
    ev.add(0.85, 'GET /openapi.json declares an x-admin-key header parameter');
  }

  const service = serviceInfo(signals);
  if (service) {
    const named = service.name === 'TabbyAPI';
    ev.add(named ? 0.95 : 0.5, `GET /.well-known/serviceinfo → software, api.*.relative_url${named ? ' (TabbyAPI)' : ''}`);
  }

  // {"status":"healthy"|"unhealthy","issues":[…]}: exactly these two fields.
  const health = jsonAt(signals, '/health');
  if (isObject(health) && Object.keys(health).length === 2 && typeof health['status'] === 'string' && Array.isArray(health['issues'])) {
    ev.add(0.5, 'GET /health → {"status","issues":[…]}');
  }

  // The Kobold API's imitation of KoboldCpp: {"result":"KoboldCpp","version"} and nothing else (KoboldCpp adds `protected`).
  const kobold = okObjectAt(signals, '/api/extra/version');
  if (kobold && kobold['result'] === 'KoboldCpp' && Object.keys(kobold).length === 2 && 'version' in kobold) {
    const united = okObjectAt(signals, '/api/v1/info/version');
    const alsoUnited = united !== undefined && Object.keys(united).length === 1 && typeof united['result'] === 'string';
    ev.add(alsoUnited ? 0.8 : 0.5, `GET /api/extra/version imitates KoboldCpp without "protected"${alsoUnited ? ', next to /api/v1/info/version' : ''}`);
  }

  // Open, /props answers in llama.cpp's shape but without build_info, from uvicorn.
  const props = okObjectAt(signals, '/props');
  if (props && 'default_generation_settings' in props && !('build_info' in props) && /^uvicorn/i.test(serverHeader(signals) ?? '')) {
    ev.add(0.6, 'GET /props → llama.cpp-style fields without build_info, served by uvicorn');
  }
  return ev.result();
}

const MANAGEMENT = [
  manage('POST', '/v1/model/load', 'loads a model (admin key); answers an SSE progress stream'),
  manage('POST', '/v1/model/unload', 'unloads the model (admin key, no body)'),
  manage('POST', '/v1/download', 'downloads a Hugging Face repository into the model folder (admin key)'),
  manage('POST', '/v1/lora/load', 'loads LoRAs (admin key)'),
  manage('POST', '/v1/lora/unload', 'unloads LoRAs (admin key, no body)'),
  manage('POST', '/v1/model/embedding/load', 'loads an embedding model (admin key)'),
  manage('POST', '/v1/model/embedding/unload', 'unloads the embedding model (admin key, no body)'),
  manage('POST', '/v1/template/switch', 'switches the prompt template (admin key)'),
  manage('POST', '/v1/template/unload', 'drops the prompt template (admin key, no body)'),
  manage('POST', '/v1/sampling/override/switch', 'switches sampler overrides for every request (admin key)'),
  manage('POST', '/v1/sampling/override/unload', 'drops sampler overrides (admin key, no body)'),
];

export const tabbyapiProfile: ServerProfile<'tabbyapi'> = {
  id: 'tabbyapi',
  name: 'TabbyAPI',
  kind: 'server',
  defaultPort: 5000,
  detect,
  // No route, header or document states TabbyAPI's version; the Kobold routes state the versions of what they imitate.
  version: () => null,
  modelSources: [openAiModels('/v1/models')],
  // Named by its OpenAPI document (open with keys) and, open, by owned_by=tabbyAPI.
  cheapPhase: { first: ['/openapi.json', '/v1/models'] },
  // `model` is ignored, unless inline loading is on: then another model is loaded for an admin key.
  namesModel: false,
  operation: {
    bindLoopback: (p) => `set network.host: 127.0.0.1 and network.port: ${p} in config.yml (and keep network.disable_auth false)`,
    exampleModel: 'Mistral-7B-Instruct-v0.3-exl3',
    fixedBy: 'proxy',
  },
  inferenceRoutes: [
    ...openAiInference('/v1'),
    // Only with `api_servers: [..., "kobold"]`; `max_length` is an alias of max_tokens.
    post('/api/v1/generate', 'kobold-generate', 'KoboldAI API: {"prompt","max_length"} → {"results":[{"text"}]}'),
  ],
  metadataRoutes: [
    wrapper('/v1/token/encode', 'text', 'tokenizer; chat messages are rendered with the chat template', 'tokenize'),
    wrapper('/api/extra/tokencount', 'prompt', 'Kobold tokenizer: {"value","ids"}', 'tokenize'),
    wrapper('/v1/embeddings', 'input', 'OpenAI embeddings; 503 unless an embedding model is loaded', 'other'),
    get('/v1/models', 'metadata', 'owned_by=tabbyAPI; with the admin key, every folder of the model directory'),
    get('/v1/model/list', 'metadata', 'same as /v1/models'),
    get('/v1/model', 'metadata', 'loaded model card: max_seq_len, cache, prompt_template_content (the chat template)'),
    get('/props', 'metadata', 'llama.cpp-style: chat_template, n_ctx, total_slots'),
    get('/v1/model/draft/list', 'metadata', 'draft models (admin: all)'),
    get('/v1/model/embedding/list', 'metadata', 'embedding models (admin: all)'),
    get('/v1/loras', 'metadata', 'LoRAs (admin: all)'),
    get('/v1/templates', 'metadata', 'prompt templates (admin: all)'),
    get('/v1/sampling/overrides', 'metadata', 'sampler overrides (admin: the presets)'),
    get('/v1/auth/permission', 'metadata', '{"permission":"api"|"admin"}: which key the caller holds'),
    get('/health', 'health', '{"status","issues"}; open with keys'),
    get('/.well-known/serviceinfo', 'metadata', 'software name and API mount points; open with keys'),
    get('/api/extra/version', 'metadata', 'Kobold: imitates KoboldCpp 1.74; open with keys'),
    get('/api/v1/info/version', 'metadata', 'Kobold: imitates KoboldAI United 1.2.5; open with keys'),
    get('/api/v1/model', 'metadata', 'Kobold: "tabbyAPI/<model>"'),
    ...FASTAPI_DOCS,
  ],
  managementRoutes: MANAGEMENT,
  auth: {
    headers: ['X-API-Key', 'Authorization', 'X-Admin-Key'],
    scheme: 'Bearer',
    schemeCaseSensitive: false,
    openWithKey: [
      '/health',
      '/.well-known/serviceinfo',
      '/openapi.json',
      '/docs',
      '/redoc',
      '/api/extra/version',
      '/api/v1/info/version',
      '/api/v1/config/soft_prompts_list',
      '/api/v1/config/soft_prompt',
    ],
    compare: 'equality',
    checksBeforeRouting: false,
    pathFromHostHeader: false, // route dependencies: the router has already matched the real path
    notes:
      'Route dependencies: X-API-Key alone decides when present; else Authorization split on single spaces, any-case bearer, ' +
      'only the second part compared (a trailing third part passes). Plain == and set membership. The admin key passes ' +
      'wherever the API key does; disable_auth makes every caller an admin. 401 {"detail":"Please provide an API key"} / ' +
      '{"detail":"Invalid API key"}; no WWW-Authenticate. No limit on wrong keys.',
    admin: {
      headers: ['X-Admin-Key', 'Authorization'],
      routes: MANAGEMENT.map((r) => r.path),
      notes: 'check_admin_key: X-Admin-Key or Bearer; the API key is refused ("Invalid admin key"); X-API-Key is not read.',
    },
  },
};
