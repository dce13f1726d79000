// LM Studio's local server (docs/servers/lmstudio.md): owned_by=organization_owner, Bearer tokens off by default.

import { asString, Evidence, findHeader, isObject, okObjectAt, ownedBy, refusedWith, responses } from '../surface/signals-read.js';
import type { ServerProfile, Signals } from '../types.js';
import { get, openAiInference, openAiModels, post } from './common.js';

function detect(signals: Signals) {
  const ev = new Evidence();
  if (ownedBy(signals).includes('organization_owner')) ev.add(0.9, 'GET /v1/models owned_by=organization_owner');
  const v0 = okObjectAt(signals, '/api/v0/models')?.['data'];
  if (Array.isArray(v0) && v0.some((m) => isObject(m) && ('publisher' in m || 'compatibility_type' in m))) {
    ev.add(0.9, 'GET /api/v0/models → publisher / compatibility_type');
  }
  // Public LM Studio bug reports: unknown routes get 200 {"error":"Unexpected endpoint or method. (GET /x)"}
  // from an Express server.
  for (const { where, res } of responses(signals)) {
    const e = asString(parseError(res.body)?.['error']);
    if (e?.startsWith('Unexpected endpoint or method.')) {
      ev.add(0.85, `${where} → {"error":"Unexpected endpoint or method. …"}`);
      break;
    }
  }
  // LM Studio's server is an Express app (`X-Powered-By: Express` in public bug reports). With tokens required, every route is
  // refused with an OpenAI-style error: Express plus that refusal is the best a keyed LM Studio gives away (an inference).
  const express = findHeader(signals, 'x-powered-by');
  if (express && /express/i.test(express.value)) {
    const refused = refusedWith(signals, 'openai-error');
    if (refused) ev.add(0.5, `${refused} refused with an OpenAI-style error by an Express server (x-powered-by: Express)`);
    // Express alone is every Node API: below the naming threshold, it only supports the stronger signals above.
    else ev.addName(0.2, `x-powered-by: Express (${express.where})`);
  }
  return ev.result();
}

function parseError(body: string): Record<string, unknown> | null {
  if (!body.includes('Unexpected endpoint')) return null;
  try {
    const j: unknown = JSON.parse(body);
    return isObject(j) ? j : null;
  } catch {
    return null;
  }
}

export const lmstudioProfile: ServerProfile<'lmstudio'> = {
  id: 'lmstudio',
  name: 'LM Studio',
  kind: 'server',
  defaultPort: 1234,
  detect,
  version: () => null,
  modelSources: [openAiModels('/api/v0/models')],
  // Unknown routes get 200 {"error":"Unexpected endpoint or method. (GET /x)"}.
  cheapPhase: { first: ['/'] },
  operation: {
    bindLoopback: (p) => `lms server start --port ${p} (leave "Serve on Local Network" off)`,
    exampleModel: 'mistral-7b-instruct',
    fixedBy: 'proxy',
  },
  inferenceRoutes: [...openAiInference('/v1'), post('/api/v0/chat/completions', 'openai-chat', 'REST API v0')],
  metadataRoutes: [
    get('/v1/models', 'metadata', 'owned_by=organization_owner'),
    get('/api/v0/models', 'metadata', 'publisher, arch, quantization, state, max_context_length'),
  ],
  managementRoutes: [],
  auth: {
    headers: ['Authorization'],
    scheme: 'Bearer',
    schemeCaseSensitive: true,
    openWithKey: [],
    compare: 'unknown',
    pathFromHostHeader: false, // Express: the request line's path
    // Assumption (not documented): tokens are checked before routing, like the emulator; a body-less GET then tells
    // guarded from open, where a prompt-less POST would let LM Studio fill default messages and generate.
    checksBeforeRouting: true,
    notes: 'Authentication is off by default; "Require Authentication" (0.4.0+) accepts API tokens as Bearer. Routes left open are unknown.',
  },
};
