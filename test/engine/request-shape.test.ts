// Calling a route the way it wants: what rejections teach (surface/rejection.ts), how each request is built
// (surface/route-request.ts), the user's template, and the bounded attempt loop (surface/inference.ts).
import { describe, expect, it } from 'vitest';
import { isLimitField, isPromptLike } from '../../src/engine/surface/body-shapes.js';
import { MAX_SHAPE_ATTEMPTS, probeInference } from '../../src/engine/surface/inference.js';
import { pathFitsTemplate } from '../../src/engine/surface/openapi.js';
import { learnFromRejection } from '../../src/engine/surface/rejection.js';
import { fillTemplate, promptlessRequestFor, requestFor } from '../../src/engine/surface/route-request.js';
import { parseRequestTemplate, TargetError } from '../../src/engine/target.js';
import type { Exchange, Probe, Route, Surface } from '../../src/engine/types.js';

function answer(status: number, body: unknown, headers: Record<string, string> = {}): Exchange {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return {
    id: 1,
    probe: { method: 'POST', path: '/x', purpose: 'test' },
    request: { method: 'POST', url: 'http://127.0.0.1:1/x', headers: {} },
    response: {
      status,
      headers: typeof body === 'string' ? headers : { 'content-type': 'application/json', ...headers },
      body: text,
      truncated: false,
      latencyMs: 1,
    },
  };
}

const lesson = (status: number, body: unknown, headers: Record<string, string> = {}) => learnFromRejection(answer(status, body, headers));
const field = (status: number, body: unknown) => lesson(status, body).fields[0];

describe('what a rejection teaches', () => {
  it('pydantic v1: missing fields, bounds, literals, extra fields, nested and list fields, query and header fields', () => {
    expect(field(422, { detail: [{ loc: ['body', 'prompt'], msg: 'field required', type: 'value_error.missing' }] })).toEqual({
      name: 'prompt',
      where: 'body',
      spec: {},
    });
    expect(
      field(422, {
        detail: [
          { loc: ['body', 'max_tokens'], msg: 'ensure this value is greater than or equal to 16', type: 'value_error.number.not_ge', ctx: { limit_value: 16 } },
        ],
      })?.spec.minimum,
    ).toBe(16);
    expect(
      field(422, {
        detail: [
          { loc: ['body', 'model'], msg: "unexpected value; permitted: 'a', 'b'", type: 'value_error.const', ctx: { given: 'x', permitted: ['a', 'b'] } },
        ],
      })?.spec.enum,
    ).toEqual(['a', 'b']);
    expect(lesson(422, { detail: [{ loc: ['body', 'text'], msg: 'extra fields not permitted', type: 'value_error.extra' }] }).forbidden).toEqual(['text']);
    expect(field(422, { detail: [{ loc: ['body', 'input', 'text'], msg: 'field required', type: 'value_error.missing' }] })?.name).toBe('input.text');
    expect(field(422, { detail: [{ loc: ['body', 'messages', 0, 'content'], msg: 'field required', type: 'value_error.missing' }] })).toMatchObject({
      name: 'messages',
      spec: { type: 'array' },
    });
    expect(field(422, { detail: [{ loc: ['query', 'prompt'], msg: 'field required', type: 'value_error.missing' }] })?.where).toBe('query');
    expect(field(422, { detail: [{ loc: ['header', 'x-api-key'], msg: 'field required', type: 'value_error.missing' }] })?.where).toBe('header');
  });

  it('pydantic v2: missing, greater_than_equal, literal_error, extra_forbidden', () => {
    expect(field(422, { detail: [{ type: 'missing', loc: ['body', 'question'], msg: 'Field required', input: {} }] })?.name).toBe('question');
    expect(
      field(422, {
        detail: [{ type: 'greater_than_equal', loc: ['body', 'max_new_tokens'], msg: 'Input should be greater than or equal to 8', input: 1, ctx: { ge: 8 } }],
      })?.spec.minimum,
    ).toBe(8);
    expect(
      field(422, {
        detail: [
          {
            type: 'literal_error',
            loc: ['body', 'model'],
            msg: "Input should be 'mistral-7b' or 'mixtral'",
            input: 'x',
            ctx: { expected: "'mistral-7b' or 'mixtral'" },
          },
        ],
      })?.spec.enum,
    ).toEqual(['mistral-7b', 'mixtral']);
    expect(lesson(422, { detail: [{ type: 'extra_forbidden', loc: ['body', 'query'], msg: 'Extra inputs are not permitted' }] }).forbidden).toEqual(['query']);
  });

  it('express-validator (v6 param, v7 path), zod issues and fieldErrors, Joi', () => {
    expect(field(400, { errors: [{ value: '', msg: 'Invalid value', param: 'message', location: 'body' }] })?.name).toBe('message');
    expect(field(400, { errors: [{ type: 'field', value: '', msg: 'Invalid value', path: 'input', location: 'body' }] })?.name).toBe('input');
    expect(field(400, { issues: [{ code: 'invalid_type', expected: 'string', received: 'undefined', path: ['prompt'], message: 'Required' }] })).toMatchObject({
      name: 'prompt',
      spec: { type: 'string' },
    });
    expect(
      field(400, {
        error: {
          issues: [
            { code: 'too_small', minimum: 16, type: 'number', inclusive: true, path: ['max_tokens'], message: 'Number must be greater than or equal to 16' },
          ],
        },
      })?.spec.minimum,
    ).toBe(16);
    expect(
      field(400, { issues: [{ code: 'invalid_enum_value', options: ['small', 'large'], path: ['model'], message: 'Invalid enum value' }] })?.spec.enum,
    ).toEqual(['small', 'large']);
    expect(lesson(400, { issues: [{ code: 'unrecognized_keys', keys: ['text', 'q'], path: [], message: 'Unrecognized keys' }] }).forbidden).toEqual([
      'text',
      'q',
    ]);
    expect(field(400, { fieldErrors: { query: ['Required'] }, formErrors: [] })?.name).toBe('query');
    expect(field(400, { error: '"question" is required' })?.name).toBe('question');
    expect(
      field(400, {
        details: [
          { message: '"max_tokens" must be greater than or equal to 10', path: ['max_tokens'], type: 'number.min', context: { limit: 10, key: 'max_tokens' } },
        ],
      }),
    ).toMatchObject({ name: 'max_tokens', spec: { minimum: 10 } });
  });

  it('prose: hand-written errors and Flask abort pages name the field; bounds and choices in words', () => {
    expect(field(400, { error: 'prompt is required' })?.name).toBe('prompt');
    expect(field(400, { message: "'message' is a required property" })?.name).toBe('message');
    expect(field(400, { error: 'No prompt provided' })?.name).toBe('prompt');
    expect(field(400, { detail: 'Missing field: query' })?.name).toBe('query');
    const flask = '<!doctype html>\n<html lang=en>\n<title>400 Bad Request</title>\n<h1>Bad Request</h1>\n<p>Missing required field &#39;text&#39;</p>\n';
    expect(field(400, flask)?.name).toBe('text');
    expect(field(400, { error: 'max_tokens must be >= 16' })).toMatchObject({ name: 'max_tokens', spec: { minimum: 16 } });
    expect(field(400, { error: 'model must be one of [mistral, mixtral]' })).toMatchObject({ name: 'model', spec: { enum: ['mistral', 'mixtral'] } });
    // Words that name nothing teach nothing.
    expect(lesson(400, { error: 'bad request' }).fields).toEqual([]);
    expect(lesson(400, '<p>The browser (or proxy) sent a request that this server could not understand.</p>').fields).toEqual([]);
  });

  it('405 lists the methods, 415 asks for another encoding; other statuses teach nothing', () => {
    expect(lesson(405, '', { allow: 'GET, HEAD' }).allow).toEqual(['GET', 'HEAD']);
    expect(lesson(415, 'Unsupported Media Type: expected application/x-www-form-urlencoded').encoding).toBe('form');
    expect(lesson(415, { error: 'Content-Type must be multipart/form-data' }).encoding).toBe('multipart');
    expect(lesson(500, { error: 'prompt is required' }).fields).toEqual([]);
    expect(lesson(200, { reply: 'prompt is required' }).fields).toEqual([]);
  });

  it('a 2xx that reports an error teaches like a 400', () => {
    expect(lesson(200, { ok: false, error: 'utterance is required' }).fields.map((f) => f.name)).toEqual(['utterance']);
  });

  it('a query parameter a FastAPI 422 names beside body fields stays beside the body', async () => {
    const { send, sent } = scripted((p) => {
      const url = new URL(p.path, 'http://x');
      const v = url.searchParams.get('api-version');
      if (v === null) return json(422, { detail: [{ loc: ['query', 'api-version'], msg: 'field required', type: 'value_error.missing' }] });
      if (v !== '2024-02-01')
        return json(422, {
          detail: [
            {
              loc: ['query', 'api-version'],
              msg: "value is not a valid enumeration member; permitted: '2024-02-01', '2024-06-01'",
              type: 'type_error.enum',
              ctx: { enum_values: ['2024-02-01', '2024-06-01'] },
            },
          ],
        });
      const body = JSON.parse(p.body ?? '{}') as Record<string, unknown>;
      return Array.isArray(body['messages'])
        ? json(200, { choices: [{ message: { content: 'Hi' } }] })
        : json(422, { detail: [{ loc: ['body', 'messages'], msg: 'field required', type: 'value_error.missing' }] });
    });
    const a = await probeInference(send, route(), surface, { prompt: 'hi' });
    expect(a.output?.text).toBe('Hi');
    expect(sent.map((p) => p.headers?.['content-type'])).toEqual(['application/json', 'application/json', 'application/json']);
    expect(sent[2]!.path).toBe('/generate?api-version=2024-02-01');
  });
});

const surface = { fingerprint: { models: ['mistral-7b'] }, signals: { byPath: {}, all: [] } } as unknown as Surface;
const route = (over: Partial<Route> = {}): Route => ({
  method: 'POST',
  path: '/generate',
  kind: 'inference',
  shape: 'wrapper',
  source: 'given-url',
  access: 'unknown',
  ...over,
});

describe('names and paths in any style', () => {
  it('prompt and limit fields in camelCase or compound form; a system or negative prompt is not the prompt', () => {
    for (const n of ['userQuery', 'user_query', 'chatMessage', 'inputText', 'utterance', 'input.userPrompt']) expect(isPromptLike(n), n).toBe(true);
    for (const n of ['systemPrompt', 'negative_prompt', 'maxTokens', 'session_id', 'query_id']) expect(isPromptLike(n), n).toBe(false);
    for (const n of ['maxTokens', 'maxLen', 'MAX_NEW_TOKENS', 'options.numPredict']) expect(isLimitField(n), n).toBe(true);
  });

  it('a documented path with parameters fits the concrete path, one segment per parameter', () => {
    expect(pathFitsTemplate('/openai/deployments/{deployment}/chat/completions', '/openai/deployments/gpt/chat/completions')).toBe(true);
    expect(pathFitsTemplate('/v1/models/{model}:predict', '/v1/models/zoo:predict')).toBe(true);
    expect(pathFitsTemplate('/v1/models/{model}:predict', '/v1/models/a/b:predict')).toBe(false);
    expect(pathFitsTemplate('/generate', '/generate')).toBe(true);
  });
});

describe('building the request', () => {
  it('a multipart body: one text part per field, a fixed boundary, the limit at one token', () => {
    const req = requestFor(route({ encoding: 'multipart', promptField: 'prompt', fields: { max_tokens: { type: 'integer' } }, exactSchema: true }), surface, {
      prompt: 'hi',
    });
    expect(req.contentType).toMatch(/^multipart\/form-data; boundary=/);
    const boundary = req.contentType!.split('boundary=')[1]!;
    expect(req.body).toBe(
      `--${boundary}\r\nContent-Disposition: form-data; ` +
        `name="max_tokens"\r\n\r\n1\r\n--${boundary}\r\nContent-Disposition: form-data; ` +
        `name="prompt"\r\n\r\nhi\r\n--${boundary}--\r\n`,
    );
    expect(req.tokens).toBe(1);
  });

  it('query parameters a route requires go beside its body', () => {
    const req = requestFor(route({ promptField: 'prompt', exactSchema: true, query: { 'api-version': { enum: ['2024-02-01'] } } }), surface, { prompt: 'hi' });
    expect([req.path, req.body]).toEqual(['/generate?api-version=2024-02-01', '{"prompt":"hi"}']);
  });

  it('an unknown prompt field goes under every usual name at once, with the usual limits at one token', () => {
    const body = JSON.parse(requestFor(route(), surface, { prompt: 'hi' }).body!) as Record<string, unknown>;
    expect(body).toMatchObject({
      prompt: 'hi',
      text: 'hi',
      message: 'hi',
      input: 'hi',
      query: 'hi',
      question: 'hi',
      inputs: 'hi',
      max_tokens: 1,
      max_new_tokens: 1,
    });
    expect(body['messages']).toEqual([{ role: 'user', content: 'hi' }]);
  });

  it('a known field, a nested one, a chat list; enums, bounds and minimum token limits are honoured', () => {
    expect(JSON.parse(requestFor(route({ promptField: 'prompt', exactSchema: true }), surface, { prompt: 'hi' }).body!)).toEqual({ prompt: 'hi' });
    expect(JSON.parse(requestFor(route({ promptField: 'input.text', exactSchema: true }), surface, { prompt: 'hi' }).body!)).toEqual({ input: { text: 'hi' } });
    expect(JSON.parse(requestFor(route({ promptField: 'messages', exactSchema: true }), surface, { prompt: 'hi' }).body!)).toEqual({
      messages: [{ role: 'user', content: 'hi' }],
    });
    const r = route({
      promptField: 'prompt',
      exactSchema: true,
      fields: {
        model: { enum: ['tiny', 'big'] },
        max_tokens: { type: 'integer', minimum: 16, maximum: 512 },
        temperature: { type: 'number', minimum: 0, maximum: 2 },
      },
    });
    const req = requestFor(r, surface, { prompt: 'hi' });
    expect(JSON.parse(req.body!)).toEqual({ model: 'tiny', max_tokens: 16, temperature: 1, prompt: 'hi' });
    expect(req.tokens).toBe(16);
    expect(requestFor(r, surface, { prompt: 'hi', maxTokens: 1_000_000 }).tokens).toBe(512);
  });

  it('query, form and plain-text encodings', () => {
    expect(
      requestFor(route({ method: 'GET', encoding: 'query', promptField: 'q', exactSchema: true, path: '/ask?lang=en' }), surface, { prompt: 'a b' }),
    ).toEqual({ method: 'GET', path: '/ask?lang=en&q=a+b', tokens: null });
    const form = requestFor(route({ encoding: 'form', promptField: 'prompt' }), surface, { prompt: 'hi' });
    expect([form.contentType, form.body]).toEqual(['application/x-www-form-urlencoded', 'prompt=hi&max_tokens=1&max_new_tokens=1']);
    expect(requestFor(route({ encoding: 'text' }), surface, { prompt: 'hi' })).toMatchObject({
      body: 'hi',
      contentType: 'text/plain; charset=utf-8',
      tokens: null,
    });
  });

  it('discovery asks without a prompt, every limit at one token', () => {
    expect(promptlessRequestFor(route()).body).toBe('{"max_tokens":1,"max_new_tokens":1}');
    expect(promptlessRequestFor(route({ shape: 'openai-chat' })).body).toBe('{"max_tokens":1}');
    expect(promptlessRequestFor(route({ method: 'GET', encoding: 'query', promptField: 'prompt' })).path).toBe('/generate?max_tokens=1&max_new_tokens=1');
  });
});

describe("the user's request template", () => {
  it('parses METHOD /path [body] and says what is wrong in one sentence', () => {
    expect(parseRequestTemplate('post /api/ask {"question": "{{prompt}}"}')).toEqual({ method: 'POST', path: '/api/ask', body: '{"question": "{{prompt}}"}' });
    expect(parseRequestTemplate('GET /ask?q={{prompt}}')).toEqual({ method: 'GET', path: '/ask?q={{prompt}}' });
    for (const bad of [
      '',
      'POST',
      'POST /x {"q": 1}',
      'DELETE /jobs/{{prompt}}',
      'POST http://evil.example/x {{prompt}}',
      'POST x {{prompt}}',
      'GET /x {"q": "{{prompt}}"}',
    ]) {
      expect(() => parseRequestTemplate(bad), bad).toThrow(TargetError);
    }
  });

  it('fills the prompt JSON-escaped in a JSON body, URL-encoded in the path, as is in a text body', () => {
    const prompt = 'Say "hi"\n';
    const json = fillTemplate(parseRequestTemplate('PUT /jobs {"task": {"instruction": "{{prompt}}", "n": {{max_tokens}}}}'), prompt, 1);
    expect(JSON.parse(json.body!)).toEqual({ task: { instruction: prompt, n: 1 } });
    expect([json.method, json.contentType, json.tokens]).toEqual(['PUT', 'application/json', 1]);
    expect(fillTemplate(parseRequestTemplate('POST /q Q: {{prompt}}'), 'hi', 1)).toMatchObject({
      body: 'Q: hi',
      contentType: 'text/plain; charset=utf-8',
      tokens: null,
    });
    expect(fillTemplate(parseRequestTemplate('GET /ask?q={{prompt}}'), 'a b&c', 1).path).toBe('/ask?q=a%20b%26c');
  });
});

/** A fake route: answers each request with `reply(probe)` and records it. */
function scripted(reply: (p: Probe) => Exchange['response']) {
  const sent: Probe[] = [];
  const send = async (probe: Probe): Promise<Exchange> => {
    sent.push(probe);
    return {
      id: sent.length,
      probe,
      request: {
        method: probe.method,
        url: `http://127.0.0.1:1${probe.path}`,
        headers: probe.headers ?? {},
        ...(probe.body !== undefined ? { body: probe.body } : {}),
      },
      response: reply(probe),
    };
  };
  return { send, sent };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
  truncated: false,
  latencyMs: 1,
});

describe('the attempt loop', () => {
  it('learns a field from a 400, a minimum from a 422, and stops at the model output', async () => {
    const { send, sent } = scripted((p) => {
      const body = JSON.parse(p.body ?? '{}') as Record<string, unknown>;
      if (!('ask' in body)) return json(400, { error: 'ask is required' });
      if (!(Number(body['tokens_max']) >= 4)) return json(422, { detail: [{ type: 'greater_than_equal', loc: ['body', 'tokens_max'], ctx: { ge: 4 } }] });
      return json(200, { out: { text: 'Hello' } });
    });
    const a = await probeInference(send, route(), surface, { prompt: 'hi' });
    expect(a.output?.text).toBe('Hello');
    expect(sent.map((p) => p.attempt?.why)).toEqual([
      'no field known: the prompt under every usual field name at once',
      // A field the route names that is no usual prompt name is filled with the prompt like any required text field.
      'the 400 answer: it named the required field ⟦ask⟧',
      'the 422 answer: it named the required field ⟦tokens_max⟧ (≥ 4)',
    ]);
    expect(JSON.parse(sent[2]!.body!)).toMatchObject({ ask: 'hi', tokens_max: 4 });
    expect(a.request.tokens).toBe(4);
  });

  it('follows a 405 to GET with the prompt in the query string', async () => {
    const { send, sent } = scripted((p) => (p.method === 'POST' ? json(405, { detail: 'Method Not Allowed' }, { allow: 'GET' }) : json(200, { answer: 'Hi' })));
    const a = await probeInference(send, route(), surface, { prompt: 'hi' });
    expect(a.output?.text).toBe('Hi');
    expect(sent[1]!.method).toBe('GET');
    expect(sent[1]!.path).toMatch(/^\/generate\?prompt=hi&/);
  });

  it('tries a form body, then plain text, when nothing is named; never more than the cap', async () => {
    const { send, sent } = scripted((p) =>
      p.headers?.['content-type']?.startsWith('text/plain')
        ? { status: 200, headers: { 'content-type': 'text/plain' }, body: 'Hello back', truncated: false, latencyMs: 1 }
        : json(400, { error: 'bad request' }),
    );
    const a = await probeInference(send, route(), surface, { prompt: 'hi' });
    expect(a.output?.text).toBe('Hello back');
    expect(sent.map((p) => p.headers?.['content-type'])).toEqual(['application/json', 'application/x-www-form-urlencoded', 'text/plain; charset=utf-8']);
    const never = scripted(() => json(400, { error: 'bad request' }));
    const b = await probeInference(never.send, route(), surface, { prompt: 'hi' });
    expect(b.answer.kind).toBe('rejected-input');
    expect(never.sent.length).toBeLessThanOrEqual(MAX_SHAPE_ATTEMPTS);
  });

  it('stops at a refusal, and a trick holds its method whatever a 405 says', async () => {
    const refused = scripted(() => json(401, { detail: 'Unauthorized' }));
    expect((await probeInference(refused.send, route(), surface, { prompt: 'hi' })).answer.kind).toBe('refused');
    expect(refused.sent).toHaveLength(1);
    const held = scripted(() => json(405, {}, { allow: 'POST' }));
    await probeInference(held.send, route(), surface, { prompt: 'hi', method: 'PUT' });
    expect(new Set(held.sent.map((p) => p.method))).toEqual(new Set(['PUT']));
  });

  it('a template is sent as given, once', async () => {
    const { send, sent } = scripted(() => json(400, { error: 'prompt is required' }));
    const template = parseRequestTemplate('PUT /jobs {"task": "{{prompt}}"}');
    await probeInference(send, route({ shape: 'template', template, method: 'PUT', path: '/jobs', source: 'template' }), surface, { prompt: 'hi' });
    expect(sent.map((p) => [p.method, p.path, p.body])).toEqual([['PUT', '/jobs', '{"task": "hi"}']]);
  });
});
