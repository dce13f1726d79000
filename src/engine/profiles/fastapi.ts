// FastAPI / Starlette wrapper. The fallback when nothing more specific matches: every FastAPI app,
// including vLLM, SGLang, LiteLLM and text-generation-webui, shows these traits. Each trait is a separate observation of
// the framework, so together they say "FastAPI" firmly (a plain app with three of them is named above the confidence a
// fix needs), but never above 0.75: a product's own marker (0.85 and more) still wins over the framework it is built on.

import { Evidence, fastapiDetailPath, isObject, openapiPaths, parseBody, responses, serverHeader } from '../surface/signals-read.js';
import type { ServerProfile, Signals } from '../types.js';
import { FASTAPI_DOCS, WRAPPER_SIBLINGS } from './common.js';

function detect(signals: Signals) {
  const ev = new Evidence();
  // Every response carries `server: uvicorn` (seen).
  if (/^uvicorn/i.test(serverHeader(signals) ?? '')) ev.addName(0.3, 'server: uvicorn');
  // Unknown path: 404 {"detail":"Not Found"}; wrong method: 405 {"detail":"Method Not Allowed"} (seen).
  const detailPath = fastapiDetailPath(signals);
  if (detailPath) ev.add(0.3, `${detailPath} answered a FastAPI {"detail":…} error`);
  // A 422 whose `loc` names the body or a header is pydantic validation (seen).
  for (const { where, res } of responses(signals)) {
    const j = parseBody(res);
    if (res.status === 422 && isObject(j) && Array.isArray(j['detail']) && isObject(j['detail'][0]) && Array.isArray(j['detail'][0]['loc'])) {
      ev.add(0.35, `${where} answered a pydantic 422 with loc`);
      break;
    }
  }
  if (openapiPaths(signals)) ev.add(0.3, 'GET /openapi.json serves an OpenAPI document');
  return ev.result({ independent: { cap: FRAMEWORK_CAP } });
}

/** The most a framework's generic traits can say; products' own markers start above it. */
const FRAMEWORK_CAP = 0.75;

export const fastapiProfile: ServerProfile<'fastapi'> = {
  id: 'fastapi',
  name: 'FastAPI application',
  kind: 'framework',
  defaultPort: 8000,
  detect,
  // The app's own version in /openapi.json `info.version` is not the server's: never report it.
  version: () => null,
  // A wrapper's usual routes, tried beside the one the user names; their bodies are learned from the 422s (or guessed).
  cheapPhase: { first: ['/openapi.json'] },
  operation: {
    bindLoopback: (p) => `uvicorn app:app --host 127.0.0.1 --port ${p}`,
    exampleModel: 'mistralai/Mistral-7B-Instruct-v0.3',
    fixedBy: { app: 'fastapi' },
  },
  inferenceRoutes: WRAPPER_SIBLINGS,
  // The app's own routes come from the given URL, /openapi.json and FastAPI's 422s, not from guessing.
  metadataRoutes: FASTAPI_DOCS,
  managementRoutes: [],
  auth: {
    headers: ['X-API-Key', 'Authorization'],
    scheme: null,
    schemeCaseSensitive: true,
    openWithKey: ['/docs', '/redoc', '/openapi.json'],
    compare: 'equality',
    notes:
      'Whatever the author wrote (Depends, middleware, decorator), usually `!=`. A missing required header is a 422 whose loc names it. ' +
      'Keys read with os.getenv(…, "") or f"Bearer {os.getenv(…)}" fail open to "" or "Bearer None" when unset.',
  },
};
