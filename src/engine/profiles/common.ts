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

import { okObjectAt, openAiModelList } from '../surface/signals-read.js';
import type { BodyShapeId, ModelSource, RouteKind, RouteSpec, ServerAuthModel, Signals } from '../types.js';

export function post(path: string, shape: BodyShapeId, note?: string, kind: RouteKind = 'inference'): RouteSpec {
  return { method: 'POST', path, kind, shape, ...(note ? { note } : {}) };
}

/**
 * A route whose body is `{promptField: …}`. A server's own non-generating route (a tokenizer, pooling) takes exactly that
 * body; a guessed wrapper generation route may read more (limit fields are then offered beside the prompt).
 */
export function wrapper(path: string, promptField: string, note?: string, kind: RouteKind = 'inference'): RouteSpec {
  return { method: 'POST', path, kind, shape: 'wrapper', promptField, ...(note ? { note } : {}), ...(kind === 'inference' ? {} : { exactSchema: true }) };
}

/** A guessed wrapper generation route: its body is whatever it turns out to want (learned, else every usual field name). */
export function guessedWrapper(path: string, note?: string): RouteSpec {
  return { method: 'POST', path, kind: 'inference', shape: 'wrapper', ...(note ? { note } : {}) };
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

/** FastAPI's documentation routes, on unless the app turns them off. */
export const FASTAPI_DOCS: RouteSpec[] = [
  get('/openapi.json', 'docs', 'OpenAPI document: every route and its security scheme'),
  get('/docs', 'docs', 'Swagger UI'),
  get('/redoc', 'docs', 'ReDoc'),
];

/**
 * Where hand-written wrappers put their generation route, most common first. Tried with a prompt-less request (never
 * generating) when the user gave a base URL (no route) and no product is known, under the URL's prefix when it has one.
 */
export const COMMON_WRAPPER_PATHS = [
  '/generate',
  '/api/generate',
  '/v1/generate',
  '/api/v1/generate',
  '/chat',
  '/api/chat',
  '/completion',
  '/predict',
  '/infer',
  '/inference',
  '/ask',
  '/query',
] as const;

/** The routes a hand-written wrapper usually has, tried beside the one the user names (their bodies are learned). */
export const WRAPPER_SIBLINGS: RouteSpec[] = [guessedWrapper('/generate'), guessedWrapper('/v1/generate'), guessedWrapper('/chat')];

/** What Gatecrash knows of any hand-written wrapper's auth: whatever the author wrote. */
export const AUTHOR_WRITTEN_AUTH = {
  headers: ['X-API-Key', 'Authorization'],
  scheme: null,
  schemeCaseSensitive: true,
  openWithKey: [],
  compare: 'equality',
  notes: 'Whatever the author wrote (a middleware, a decorator, a check in the handler), usually `!=`.',
} as const satisfies ServerAuthModel;

/** An OpenAI model list (`{"data":[{"id"}]}`) at `path`. */
export function openAiModels(path: string): ModelSource {
  return { path, role: 'list', ids: (signals) => (openAiModelList(signals, path) ?? []).map((m) => m.id) };
}

/** One field of the JSON object at `path` names the model (`model_id`, `model_path`). */
export function modelField(path: string, field: string, role: ModelSource['role']): ModelSource {
  return { path, role, ids: (signals: Signals) => [okObjectAt(signals, path)?.[field]] };
}
