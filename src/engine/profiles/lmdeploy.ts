// LMDeploy's `lmdeploy serve api_server` (docs/servers/lmdeploy.md). Its key handling changed twice: a per-route
// dependency up to 0.12.1 (a body-less GET to a generation route is then a 405 guarded or not, and /pooling, /terminate
// stay open), an ASGI middleware before routing from 0.12.2 answering SGLang's {"error":"Unauthorized"} until 0.15.x (only
// its skip list tells the two apart: /redoc open here), then a flat OpenAI-style error from 0.16.0. The middleware reads
// the path from a URL Starlette rebuilds with the Host header: on Starlette before 1.0.1 `Host: x/health?` passes every
// route. The Anthropic (`/v1/messages`) and Responses (`/v1/responses`) routes have no body shape here; they are guarded
// like the rest.

import {
  Evidence,
  isObject,
  okTextAt,
  openAiModelList,
  openapiPaths,
  ownedBy,
  parseBody,
  refusalShapeAt,
  responses,
  statusAt,
} from '../surface/signals-read.js';
import type { ServerProfile, Signals } from '../types.js';
import { quoteList } from '../untrusted.js';
import { get, manage, openAiInference, openAiModels, wrapper } from './common.js';

/** Routes only LMDeploy's OpenAPI document lists. */
const OWN_ROUTES = ['/v1/encode', '/pooling', '/get_ppl', '/is_sleeping', '/wakeup', '/distserve/engine_info', '/anthropic/v1/models'];

/** 0.16.0's refusal: the flat `ErrorResponse` (`object: "error"`, numeric `code: 401`, `authentication_error`), no envelope. */
function flatRefusals(signals: Signals): string[] {
  const where: string[] = [];
  for (const r of responses(signals)) {
    if (r.res.status !== 401) continue;
    const j = parseBody(r.res);
    const flat = isObject(j) && j['object'] === 'error' && j['code'] === 401 && !('error' in j);
    if (flat && j['type'] === 'authentication_error') where.push(r.where);
  }
  return where;
}

/** Up to 0.12.1: the dependency's `{"detail":{"error":{…,"code":"invalid_api_key"}}}` (FastChat's wording). */
function dependencyRefusal(signals: Signals): boolean {
  const j = parseBody(responses(signals).find((r) => r.path === '/v1/models' && r.res.status === 401)?.res);
  const error = isObject(j) && isObject(j['detail']) ? j['detail']['error'] : undefined;
  return isObject(error) && error['code'] === 'invalid_api_key' && error['type'] === 'invalid_request_error';
}

/** FastAPI(docs_url='/'): Swagger UI at the root. */
const swaggerAtRoot = (signals: Signals) => /SwaggerUIBundle\(/.test(okTextAt(signals, '/') ?? '');

function detect(signals: Signals) {
  const ev = new Evidence();
  const owners = ownedBy(signals);
  if (owners.includes('lmdeploy')) ev.add(0.95, 'GET /v1/models owned_by=lmdeploy');
  else if (owners.length > 0) ev.penalize(0.4, `GET /v1/models owned_by=${quoteList(owners)}`);
  const cards = openAiModelList(signals) ?? [];
  if (cards.some((m) => Array.isArray(m.raw['permission']) && 'root' in m.raw)) ev.add(0.3, 'GET /v1/models entries carry root and permission');

  const marks = OWN_ROUTES.filter((p) => (openapiPaths(signals) ?? []).includes(p));
  if (marks.length >= 2) ev.add(0.85, `GET /openapi.json lists LMDeploy routes (${marks.join(', ')})`);
  if (swaggerAtRoot(signals)) ev.add(0.3, 'GET / serves Swagger UI (docs at the root)');

  // Keyed: every path refused before routing, the root and the schema included; /health… reaches the router.
  const flat = flatRefusals(signals);
  if (flat.length > 0) {
    const rootToo = flat.some((w) => w === 'GET /' || w === 'GET /openapi.json');
    ev.add(rootToo ? 0.85 : 0.6, `${flat[0]} refused with a flat error object (object=error, code=401, authentication_error)${rootToo ? ' on / too' : ''}`);
    if (statusAt(signals, '/health/readiness') === 404) {
      ev.add(0.3, 'GET /health/readiness reaches the router (404) while other paths are refused: the /health prefix is skipped');
    }
  }

  // 0.12.2–0.15.x answer like SGLang; only the skip list differs (/redoc open, /metrics guarded here; the reverse there).
  const sglangLike = ['/', '/openapi.json'].some((p) => refusalShapeAt(signals, p) === 'error-unauthorized');
  if (sglangLike) {
    const redocOpen = statusAt(signals, '/redoc') === 200;
    const metricsRefused = refusalShapeAt(signals, '/metrics') === 'error-unauthorized';
    if (redocOpen || metricsRefused) {
      ev.add(0.85, `every path refused with {"error":"Unauthorized"} but ${redocOpen ? 'GET /redoc open' : 'GET /metrics refused'}: LMDeploy's skip list`);
    }
  }

  if (dependencyRefusal(signals)) {
    ev.add(
      swaggerAtRoot(signals) ? 0.8 : 0.4,
      `GET /v1/models refused with {"detail":{"error":{…"code":"invalid_api_key"}}}${swaggerAtRoot(signals) ? ', Swagger UI at /' : ''}`,
    );
  }
  return ev.result();
}

export const lmdeployProfile: ServerProfile<'lmdeploy'> = {
  id: 'lmdeploy',
  name: 'LMDeploy api_server',
  kind: 'server',
  defaultPort: 23333,
  detect,
  // Nothing on the wire states the version; the refusal's shape only dates the code (an inference, not a statement).
  version: () => null,
  modelSources: [openAiModels('/v1/models')],
  // Docs at the root (Swagger UI); /redoc stays open when a key refuses every other path.
  cheapPhase: { first: ['/', '/openapi.json', '/v1/models'], whenRefused: ['/redoc'] },
  operation: {
    bindLoopback: (p) => `lmdeploy serve api_server MODEL --server-name 127.0.0.1 --server-port ${p}`,
    exampleModel: 'internlm/internlm2_5-7b-chat',
    fixedBy: 'proxy',
  },
  inferenceRoutes: [
    ...openAiInference('/v1'),
    // {"prompt" | "input_ids", "max_tokens" (128 by default)} → {"text","output_ids","meta_info"}.
    wrapper('/generate', 'prompt', 'native generation; `model` not needed'),
  ],
  metadataRoutes: [
    wrapper('/v1/encode', 'input', 'tokenizer; do_preprocess renders the chat template', 'tokenize'),
    wrapper('/pooling', 'input', 'reward scores: a forward pass; open with keys up to 0.12.1', 'other'),
    wrapper('/get_ppl', 'input', 'perplexity: a forward pass', 'other'),
    wrapper('/v1/embeddings', 'input', 'always 400 "Unsupported by turbomind."; open with keys up to 0.12.1', 'other'),
    get('/v1/models', 'metadata', 'owned_by=lmdeploy, root, permission'),
    get('/anthropic/v1/models', 'metadata', 'Anthropic-style model list'),
    get('/health', 'health', '{"status","message"}; open with keys'),
    get('/is_sleeping', 'metadata'),
    get('/distserve/engine_info', 'metadata', 'engine sizes; open with keys up to 0.12.1'),
    get('/metrics', 'metadata', '--enable-metrics: Prometheus lmdeploy:* metrics'),
    get('/', 'docs', 'Swagger UI (docs_url="/")'),
    get('/openapi.json', 'docs'),
    get('/redoc', 'docs', 'open with keys (the /redoc prefix is skipped)'),
  ],
  managementRoutes: [
    manage('POST', '/update_weights', 'replaces model weights'),
    manage('POST', '/init_weights_update_group', "joins a trainer's process group (PyTorch backend)"),
    manage('POST', '/update_weights_from_distributed', 'loads weights broadcast by a trainer (PyTorch backend)'),
    manage('POST', '/destroy_weights_update_group', 'leaves the process group (PyTorch backend)'),
    manage('POST', '/sleep', 'offloads the model; inference answers 503 until /wakeup'),
    manage('POST', '/wakeup', 'reloads the model'),
    manage('POST', '/abort_request', 'aborts requests (--enable-abort-handling); open with keys up to 0.12.1'),
    {
      ...manage('GET', '/terminate', 'stops the server (--allow-terminate-by-client); GET is the acting method; open with keys up to 0.12.1'),
      actsOnGet: true,
    },
    manage('POST', '/distserve/free_cache', "frees a session's KV cache; open with keys up to 0.12.1"),
    manage('POST', '/distserve/p2p_initialize', 'PD disaggregation; open with keys up to 0.12.1'),
    manage('POST', '/distserve/p2p_connect', 'PD disaggregation; open with keys up to 0.12.1'),
    manage('POST', '/distserve/p2p_drop_connect', 'PD disaggregation; open with keys up to 0.12.1'),
  ],
  auth: {
    headers: ['Authorization'],
    scheme: 'Bearer',
    schemeCaseSensitive: false,
    openWithKey: ['/health', '/redoc', '/docs/oauth2-redirect'],
    compare: 'constant-time',
    // From 0.12.2; up to 0.12.1 a per-route dependency, told by its refusal (access is then learned from a prompt-less POST).
    checksBeforeRouting: (signals) => !dependencyRefusal(signals),
    pathFromHostHeader: true, // on Starlette before 1.0.1 (CVE-2026-48710)
    notes:
      'ASGI middleware before routing on every path except those starting with /health, /docs, /redoc, /nodes; OPTIONS ' +
      'skipped; only Authorization (partition on the first space, any-case bearer); SHA-256 digests compared with ' +
      'compare_digest. Path from URL(scope=scope): Host-header bypass on Starlette < 1.0.1 (CVE-2026-48710). 401 in the ' +
      'route\'s protocol from 0.16.0, {"error":"Unauthorized"} from 0.12.2, a per-route HTTPBearer dependency before ' +
      '(/pooling, /abort_request, /distserve/*, /terminate open). Listens on 0.0.0.0 by default.',
  },
};
