// What an answer means, and where generated text sits: the one definition every rule reads (surface/answer.ts,
// surface/model-output.ts). Each row is an answer a real server or a hand-written wrapper gives.
import { describe, expect, it } from 'vitest';
import { type AnswerKind, readAnswer } from '../../src/engine/surface/answer.js';
import { extractModelOutput, streamHasOutput } from '../../src/engine/surface/model-output.js';
import type { Exchange } from '../../src/engine/types.js';

const PROMPT = 'Say hello.';

function ex(status: number, body: unknown, headers: Record<string, string> = {}): Exchange {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const h = typeof body === 'string' ? headers : { 'content-type': 'application/json', ...headers };
  return {
    id: 1,
    probe: { method: 'POST', path: '/x', purpose: 'test' },
    request: { method: 'POST', url: 'http://127.0.0.1:1/x', headers: {} },
    response: { status, headers: h, body: text, truncated: false, latencyMs: 1 },
  };
}

const ROWS: [string, Exchange, AnswerKind, string?][] = [
  ['401', ex(401, { detail: 'Unauthorized' }), 'refused'],
  ['403 with an empty body', ex(403, ''), 'refused'],
  ['407', ex(407, ''), 'refused'],
  [
    "FastAPI's 422 for a missing credential header",
    ex(422, { detail: [{ loc: ['header', 'x-api-key'], msg: 'field required', type: 'value_error.missing' }] }),
    'refused',
  ],
  ['302 to a login page', ex(302, '', { location: '/login?next=%2Fgenerate' }), 'refused'],
  ['303 to an SSO page', ex(303, '', { location: 'https://sso.example.com/oauth2/authorize' }), 'refused'],
  [
    '200 with a login form',
    ex(200, '<html><form method=post><input name=username><input type="password" name=password></form></html>', { 'content-type': 'text/html' }),
    'refused',
  ],
  ['400 saying the key is missing', ex(400, { error: 'Missing API key' }), 'refused'],
  ['200 with an error refusing the caller', ex(200, { error: 'Unauthorized' }), 'refused'],
  ['200 with a status refusing the caller', ex(200, { status: 'unauthorized', reason: 'invalid api key' }), 'refused'],
  ['404', ex(404, { detail: 'Not Found' }), 'not-routed'],
  ['501', ex(501, ''), 'not-routed'],
  ['405 with Allow', ex(405, { detail: 'Method Not Allowed' }, { allow: 'GET' }), 'wrong-method'],
  ['400 naming a field', ex(400, { error: 'prompt is required' }), 'rejected-input'],
  ['422 naming a body field', ex(422, { detail: [{ loc: ['body', 'prompt'], msg: 'field required', type: 'value_error.missing' }] }), 'rejected-input'],
  ['500', ex(500, 'Internal Server Error'), 'server-error'],
  ['301 elsewhere', ex(301, '', { location: '/v2/generate' }), 'redirect'],
  ['429', ex(429, { error: 'slow down' }), 'rate-limited'],
  ['OpenAI chat', ex(200, { choices: [{ message: { role: 'assistant', content: 'Hello!' } }] }), 'model-output', 'Hello!'],
  ['a wrapper reply', ex(200, { reply: 'Hi there' }), 'model-output', 'Hi there'],
  ['nested under data', ex(200, { message: 'OK', data: { text: 'Hello from the model' } }), 'model-output', 'Hello from the model'],
  ['nested in a result list', ex(200, { result: { outputs: [{ text: 'Hey' }] } }), 'model-output', 'Hey'],
  ['a list of generated_text', ex(200, [{ generated_text: 'Bonjour' }]), 'model-output', 'Bonjour'],
  ['text/plain', ex(200, 'Hello! How can I help?', { 'content-type': 'text/plain' }), 'model-output', 'Hello! How can I help?'],
  [
    'SSE tokens',
    ex(200, 'data: {"token": "Hel"}\n\ndata: {"token": "lo"}\n\ndata: [DONE]\n\n', { 'content-type': 'text/event-stream' }),
    'model-output',
    'Hello',
  ],
  ['SSE plain text', ex(200, 'data: Hello\n\ndata:  world\n\n', { 'content-type': 'text/event-stream' }), 'model-output', 'Hello world'],
  ['NDJSON chunks', ex(200, '{"chunk":"Hi"}\n{"chunk":" you"}\n', { 'content-type': 'application/x-ndjson' }), 'model-output', 'Hi you'],
  // An echo proves a handler ran (past any auth layer), never that a model did.
  ['an echo of the prompt', ex(200, { text: PROMPT }), 'handler'],
  ['an echo with words around it', ex(200, { reply: `You said: ${PROMPT}` }), 'handler'],
  ['a plain-text echo', ex(200, PROMPT, { 'content-type': 'text/plain' }), 'unreadable'],
  ['a status word', ex(200, 'OK', { 'content-type': 'text/plain' }), 'unreadable'],
  ['an HTML page', ex(200, '<!doctype html><html><body><h1>Welcome</h1></body></html>', { 'content-type': 'text/html' }), 'unreadable'],
  ['an empty 200', ex(200, ''), 'unreadable'],
  ['a job receipt', ex(200, { id: 'job-1', status: 'queued' }), 'handler'],
  ['a tokenizer answer', ex(200, { tokens: [1, 2, 3], count: 3 }), 'handler'],
  // A handler that answers its errors with a 200 was reached and refused the request's input, as a 400 would.
  ['an error report with a 200', ex(200, { error: 'model not loaded' }), 'rejected-input'],
  ['a 200 envelope reporting a failure', ex(200, { ok: false, error: 'utterance is required' }), 'rejected-input'],
  // Envelopes that always carry their error fields report an error only when those hold something.
  ['an envelope with an empty error list', ex(200, { result: { response: 'Hello' }, success: true, errors: [], messages: [] }), 'model-output', 'Hello'],
  ['an envelope with a null error', ex(200, { error: null, output: 'Hi' }), 'model-output', 'Hi'],
  // Lists of strings under an output-like key: Gradio's data, Vertex's predictions.
  ['a Gradio data list', ex(200, { data: ['Hello there'], is_generating: false, duration: 0.1 }), 'model-output', 'Hello there'],
  ['Vertex predictions', ex(200, { predictions: ['Hello there'], deployedModelId: 'x' }), 'model-output', 'Hello there'],
  // Output keys in camelCase or compound: what they end with says what they hold; what they begin with may say "request".
  ['a camelCase output key', ex(200, { requestId: 'r-1', data: { completionText: 'Hey' } }), 'model-output', 'Hey'],
  ['a compound output key', ex(200, { llm_response: 'Hey you' }), 'model-output', 'Hey you'],
  ['a key about the request is not output', ex(200, { inputText: 'something else', id: 3 }), 'handler'],
];

describe('readAnswer', () => {
  it.each(ROWS.map(([name, exchange, kind, text]) => ({ name, exchange, kind, text })))('$name → $kind', ({ exchange, kind, text }) => {
    const a = readAnswer(exchange, PROMPT);
    expect(a.kind).toBe(kind);
    if (text !== undefined) expect(a.output?.text).toBe(text);
  });

  it('a transport error is no answer, and 405 lists what it allows', () => {
    expect(readAnswer({ ...ex(200, ''), response: undefined, error: 'reset' }).kind).toBe('no-answer');
    expect(readAnswer(ex(405, '', { allow: 'GET, HEAD' })).allow).toEqual(['GET', 'HEAD']);
    expect(readAnswer(ex(302, '', { location: '/login' })).refusedBy).toBe('session');
  });
});

describe('model output', () => {
  it('says where it found the text, and whether only a status-like field held it', () => {
    expect(extractModelOutput(JSON.stringify({ generated_text: 'x' }))).toMatchObject({ where: 'generated_text', weak: false });
    expect(extractModelOutput(JSON.stringify({ data: { reply: 'x' } }))).toMatchObject({ where: 'data.reply', weak: false });
    expect(extractModelOutput(JSON.stringify({ message: 'Hello there' }))).toMatchObject({ where: 'message', weak: true });
  });

  it('prefers a generated-text field at any depth over a status word nearer the top', () => {
    expect(extractModelOutput(JSON.stringify({ message: 'Success', payload: { completion: 'The answer' } }))?.text).toBe('The answer');
  });

  it('knows when a stream has said enough to hang up', () => {
    expect(streamHasOutput('data: {"choices":[{"delta":{"role":"assistant"}}]}\n\n')).toBe(false);
    expect(streamHasOutput('data: {"choices":[{"delta":{"role":"assistant"}}]}\n\ndata: {"choices":[{"delta":{"content":"Hi"}}]}\n\n')).toBe(true);
    expect(streamHasOutput('{"response":"Hi","done":false}\n')).toBe(true);
  });
});
