export function post(path, shape, note, kind = 'inference') {
    return { method: 'POST', path, kind, shape, ...(note ? { note } : {}) };
}
/**
 * A route whose body is `{promptField: …}`. A server's own non-generating route (a tokenizer, pooling) takes exactly that
 * body; a guessed wrapper generation route may read more (limit fields are then offered beside the prompt).
 */
export function wrapper(path, promptField, note, kind = 'inference') {
    return { method: 'POST', path, kind, shape: 'wrapper', promptField, ...(note ? { note } : {}), ...(kind === 'inference' ? {} : { exactSchema: true }) };
}
/** A guessed wrapper generation route: its body is whatever it turns out to want (learned, else every usual field name). */
export function guessedWrapper(path, note) {
    return { method: 'POST', path, kind: 'inference', shape: 'wrapper', ...(note ? { note } : {}) };
}
export function get(path, kind, note) {
    return { method: 'GET', path, kind, ...(note ? { note } : {}) };
}
export function manage(method, path, note) {
    return { method, path, kind: 'management', note };
}
/** The OpenAI pair most servers expose under /v1. */
export function openAiInference(prefix = '/v1') {
    return [post(`${prefix}/chat/completions`, 'openai-chat'), post(`${prefix}/completions`, 'openai-completions')];
}
/** FastAPI's documentation routes, on unless the app turns them off (TARGETS.md, FastAPI: seen). */
export const FASTAPI_DOCS = [
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
];
/** The routes a hand-written wrapper usually has, tried beside the one the user names (their bodies are learned). */
export const WRAPPER_SIBLINGS = [guessedWrapper('/generate'), guessedWrapper('/v1/generate'), guessedWrapper('/chat')];
/** What Gatecrash knows of any hand-written wrapper's auth: whatever the author wrote. */
export const AUTHOR_WRITTEN_AUTH = {
    headers: ['X-API-Key', 'Authorization'],
    scheme: null,
    schemeCaseSensitive: true,
    openWithKey: [],
    compare: 'equality',
    notes: 'Whatever the author wrote (a middleware, a decorator, a check in the handler), usually `!=`.',
};
