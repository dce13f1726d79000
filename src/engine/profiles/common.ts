// Route helpers shared by the profile files. Profiles are data: these only keep the literals short.
//
// Conventions for every profile:
// - `inferenceRoutes`: the generation routes (kind 'inference', with a body shape). Discovery sends each an empty `{}` body to
//   learn guarded/open, so the list stays short (the whole fingerprint phase must fit in 20 requests): the main routes plus
//   the alternate ones auth is known to forget (vLLM /invocations, TGI's KServe route).
// - `metadataRoutes`: GET routes that reveal version, models, props, info, metrics, docs or health; and, as POST entries,
//   routes that reach the model without generating text (kind 'tokenize' / 'other': tokenizers, template renderers, pooling,
//   image generation). Discovery lists them with access 'unknown'; checks (auth.alternate-path, llm.system-prompt-exposure)
//   probe them. None of the POST entries is ever part of the cheap phase, and none is a generation route (discovery treats a
//   given URL that names a metadata route as not an inference route).
// - `managementRoutes`: never invoked by the scanner; data for auth.admin-exposed (calibrated method differential only).
import type { BodyShapeId, RouteKind, RouteSpec } from '../types.js';

export function post(path: string, shape: BodyShapeId, note?: string, kind: RouteKind = 'inference'): RouteSpec {
  return { method: 'POST', path, kind, shape, ...(note ? { note } : {}) };
}

export function wrapper(path: string, promptField: string, note?: string, kind: RouteKind = 'inference'): RouteSpec {
  return { method: 'POST', path, kind, shape: 'wrapper', promptField, ...(note ? { note } : {}) };
}

export function get(path: string, kind: RouteKind, note?: string): RouteSpec {
  return { method: 'GET', path, kind, ...(note ? { note } : {}) };
}

export function manage(method: string, path: string, note: string): RouteSpec {
  return { method, path, kind: 'management', note };
}

/** The OpenAI pair most servers expose under /v1. */
export function openAiInference(prefix = '/v1'): RouteSpec[] {
  return [post(`${prefix}/chat/completions`, 'openai-chat'), post(`${prefix}/completions`, 'openai-completions')];
}

/** FastAPI's documentation routes, on unless the app turns them off (TARGETS.md, FastAPI: seen). */
export const FASTAPI_DOCS: RouteSpec[] = [
  get('/openapi.json', 'docs', 'OpenAPI document: every route and its security scheme'),
  get('/docs', 'docs', 'Swagger UI'),
  get('/redoc', 'docs', 'ReDoc'),
];
