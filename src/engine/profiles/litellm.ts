// LiteLLM proxy (docs/servers/litellm.md). It fronts any backend, so its own markers win over the backend's.

import { asString, Evidence, findHeader, findHeaderMatching, okObjectAt, openapiPaths, openapiTitle, refusedWith } from '../surface/signals-read.js';
import type { ServerProfile, Signals } from '../types.js';
import { quote } from '../untrusted.js';
import { get, manage, openAiInference } from './common.js';

function readinessVersion(signals: Signals): string | null {
  return asString(okObjectAt(signals, '/health/readiness')?.['litellm_version']) ?? null;
}

function detect(signals: Signals) {
  const ev = new Evidence();
  const h = findHeaderMatching(signals, /^x-litellm-/);
  if (h) ev.add(0.99, `${h.where} carries ${h.name}`);
  // 401 {"error":{"message":"Authentication Error, …","type":"auth_error","param":"None","code":"401"}}: code is a string.
  const refused = refusedWith(signals, 'litellm');
  if (refused) ev.add(0.9, `${refused} refused with "type":"auth_error", "code":"401" (string)`);
  // Open even with a master key: /health/readiness states the proxy and its version ({"status","db","litellm_version",…}).
  const ready = readinessVersion(signals);
  if (ready) ev.add(0.95, `GET /health/readiness litellm_version=${quote(ready)}`);
  const title = openapiTitle(signals);
  if (title && /litellm/i.test(title)) ev.addName(0.9, `GET /openapi.json title ${quote(title)}`);
  const paths = openapiPaths(signals) ?? [];
  if (paths.includes('/key/generate')) ev.add(0.85, 'GET /openapi.json lists /key/generate');
  return ev.result();
}

export const litellmProfile: ServerProfile<'litellm'> = {
  id: 'litellm',
  name: 'LiteLLM proxy',
  kind: 'server',
  defaultPort: 4000,
  detect,
  version: (signals) => findHeader(signals, 'x-litellm-version')?.value ?? readinessVersion(signals),
  versionPath: '/health/readiness',
  // A gateway: its own markers beat those of the backend it fronts.
  specificity: 3,
  cheapPhase: { first: ['/'], second: ['/health/readiness'] },
  operation: { bindLoopback: (p) => `litellm --config config.yaml --host 127.0.0.1 --port ${p}`, exampleModel: 'mistral-7b-instruct', fixedBy: 'own-settings' },
  inferenceRoutes: [...openAiInference(''), ...openAiInference('/v1')],
  metadataRoutes: [
    get('/v1/models', 'metadata'),
    get('/models', 'metadata'),
    get('/model/info', 'metadata', 'deployment details of every model'),
    get('/health/liveliness', 'health', 'open with a master key'),
    get('/health/readiness', 'health', 'open with a master key'),
    get('/routes', 'metadata', 'every route; open with a master key'),
    get('/metrics', 'metadata'),
    get('/spend/logs', 'metadata', 'spend logs (prompt-data exposure)'),
    get('/openapi.json', 'docs'),
    get('/ui', 'docs', 'admin UI'),
  ],
  managementRoutes: [
    manage('POST', '/key/generate', 'mints API keys'),
    manage('POST', '/key/update', 'changes a key'),
    manage('POST', '/key/delete', 'deletes keys'),
    manage('GET', '/key/info', 'reads a key'),
    manage('POST', '/team/new', 'creates a team'),
    manage('POST', '/team/update', 'changes a team'),
    manage('POST', '/team/delete', 'deletes a team'),
    manage('POST', '/user/new', 'creates a user'),
    manage('POST', '/model/new', 'adds a model deployment'),
  ],
  auth: {
    headers: ['Authorization', 'API-Key', 'x-api-key', 'x-goog-api-key', 'Ocp-Apim-Subscription-Key'],
    scheme: 'Bearer',
    schemeCaseSensitive: false,
    openWithKey: ['/', '/routes', '/health/liveliness', '/health/readiness', '/test', '/metrics'],
    compare: 'constant-time',
    pathFromHostHeader: true, // before 1.84 (CVE-2026-49468)
    notes:
      'No master_key configured = every request allowed, whatever key is sent. Prefixes "Bearer ", "bearer ", "Basic " stripped. ' +
      'CVE-2026-42208 (SQL injection through the Bearer token before auth), CVE-2026-49468 (Host-header auth bypass).',
  },
};
