// Ollama (docs/servers/ollama.md). KoboldCpp and Open WebUI imitate /api/tags, never the `GET /` banner.

import { asString, Evidence, isObject, okObjectAt, okTextAt, ownedBy, responses, statusAt } from '../surface/signals-read.js';
import type { ServerProfile, Signals } from '../types.js';
import { get, manage, openAiInference, post } from './common.js';

function detect(signals: Signals) {
  const ev = new Evidence();
  const root = okTextAt(signals, '/');
  const banner = root === 'Ollama is running';
  if (banner) ev.addName(0.97, 'GET / → "Ollama is running"');
  const tags = okObjectAt(signals, '/api/tags');
  const hasTags = !!tags && Array.isArray(tags['models']);
  if (hasTags) ev.add(0.5, 'GET /api/tags → {"models":[…]} (Ollama or an imitator)');
  if (typeof okObjectAt(signals, '/api/version')?.['version'] === 'string') ev.add(0.55, 'GET /api/version → {"version"}');
  if (ownedBy(signals).includes('library')) ev.add(0.7, 'GET /v1/models owned_by=library');
  for (const { where, res } of responses(signals)) {
    if (res.body.includes('"fp_ollama"')) {
      ev.add(0.85, `${where} system_fingerprint=fp_ollama`);
      break;
    }
  }
  // An imitator answers /api/tags but not the banner: if / answered at all and is not the banner, say so.
  if (!banner && statusAt(signals, '/') !== null) ev.penalize(0.5, 'GET / is not the "Ollama is running" banner (imitator?)');
  return ev.result();
}

/** Model names from /api/tags (`name`, else `model`): Ollama's and its imitators'. */
function tagNames(signals: Signals): string[] {
  const models = okObjectAt(signals, '/api/tags')?.['models'];
  if (!Array.isArray(models)) return [];
  return models.map((m) => (isObject(m) ? (asString(m['name']) ?? asString(m['model'])) : undefined)).filter((n): n is string => !!n);
}

export const ollamaProfile: ServerProfile<'ollama'> = {
  id: 'ollama',
  name: 'Ollama',
  kind: 'server',
  defaultPort: 11434,
  detect,
  version: (signals) => asString(okObjectAt(signals, '/api/version')?.['version']) ?? null,
  versionPath: '/api/version',
  modelSources: [{ path: '/api/tags', role: 'list', ids: tagNames }],
  cheapPhase: { first: ['/'], second: ['/api/version', '/api/tags'] },
  operation: { bindLoopback: (p) => `OLLAMA_HOST=127.0.0.1:${p} ollama serve`, exampleModel: 'mistral', fixedBy: 'own-settings' },
  inferenceRoutes: [
    post('/api/generate', 'ollama-generate', '{"model","prompt","stream":false,"options":{"num_predict":1}} → {"response"}'),
    post('/api/chat', 'ollama-chat'),
    ...openAiInference('/v1'),
  ],
  metadataRoutes: [
    get('/', 'health', 'banner "Ollama is running"'),
    get('/api/version', 'metadata', 'version'),
    get('/api/tags', 'metadata', 'local models: name, size, digest, details'),
    get('/api/ps', 'metadata', 'models loaded in memory'),
    get('/v1/models', 'metadata', 'owned_by = namespace (library)'),
  ],
  // Never call them: their presence is the finding (no auth exists at all).
  managementRoutes: [
    manage('POST', '/api/pull', 'downloads a model (CVE-2024-37032 path traversal via digest)'),
    manage('POST', '/api/push', 'uploads a model to a registry'),
    manage('POST', '/api/create', 'creates a model from a Modelfile (CVE-2026-7482)'),
    manage('POST', '/api/copy', 'copies a model'),
    manage('DELETE', '/api/delete', 'deletes a model'),
    manage('POST', '/api/blobs/{digest}', 'uploads a blob'),
    manage('HEAD', '/api/blobs/{digest}', 'checks a blob'),
  ],
  auth: {
    none: true,
    headers: [],
    scheme: null,
    schemeCaseSensitive: false,
    openWithKey: [],
    compare: 'unknown',
    pathFromHostHeader: false, // Go net/http: the request line's path
    notes: 'No server-side authentication exists. On loopback it refuses a non-local Host with 403; on 0.0.0.0 it accepts all.',
  },
};
