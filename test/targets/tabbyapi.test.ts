// The TabbyAPI emulator answers as docs/servers/tabbyapi.md says TabbyAPI does, fact by fact; the profile names it from
// what the cheap phase sees, and a scan never changes it (no other model named, no admin route acted on).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fastapiProfile } from '../../src/engine/profiles/fastapi.js';
import { cheapPhasePaths } from '../../src/engine/profiles/index.js';
import { llamacppProfile } from '../../src/engine/profiles/llamacpp.js';
import { tabbyapiProfile } from '../../src/engine/profiles/tabbyapi.js';
import { scan } from '../../src/engine/scan.js';
import type { RunningTarget } from './harness.js';
import { TEST_KEY } from './mistral-model.js';
import { ADMIN_KEY, KEYED, OPEN, startTabbyapi, type TabbyapiOptions } from './tabbyapi.js';
import { observe, postJson, send } from './wire-client.js';

const CHAT = { messages: [{ role: 'user', content: 'Hello' }], max_tokens: 1 };
const API = { 'X-API-Key': TEST_KEY };
const ADMIN = { 'X-Admin-Key': ADMIN_KEY };

const started: RunningTarget[] = [];
async function start(options: TabbyapiOptions): Promise<RunningTarget> {
  const t = await startTabbyapi(options);
  started.push(t);
  return t;
}
afterAll(async () => {
  await Promise.all(started.map((t) => t.close()));
});

describe('TabbyAPI emulator: keys', () => {
  let t: RunningTarget;
  beforeAll(async () => {
    t = await start({ ...KEYED, keys: { api: [TEST_KEY, 'second-user-key'], admin: ADMIN_KEY } });
  });

  it('refuses a missing or wrong key with FastAPI detail bodies and no WWW-Authenticate', async () => {
    const none = await postJson(t, '/v1/chat/completions', CHAT);
    expect(none.status).toBe(401);
    expect(none.json()).toEqual({ detail: 'Please provide an API key' });
    expect(none.headers['www-authenticate']).toBeUndefined();
    expect(none.headers.server).toBe('uvicorn');
    const wrong = await postJson(t, '/v1/chat/completions', CHAT, { 'X-API-Key': 'nope' });
    expect(wrong.json()).toEqual({ detail: 'Invalid API key' });
    expect(t.inferenceCount()).toBe(0);
  });

  it('takes X-API-Key or Bearer, every listed API key, and the admin key wherever the API key goes', async () => {
    for (const headers of [
      API,
      { 'X-API-Key': 'second-user-key' },
      { Authorization: `Bearer ${TEST_KEY}` },
      { 'X-API-Key': ADMIN_KEY },
      { Authorization: `Bearer ${ADMIN_KEY}` },
    ]) {
      expect((await postJson(t, '/v1/chat/completions', CHAT, headers)).status, JSON.stringify(headers)).toBe(200);
    }
  });

  it('lets a present X-API-Key decide alone; an empty one falls through to Authorization', async () => {
    expect((await postJson(t, '/v1/chat/completions', CHAT, { 'X-API-Key': 'nope', Authorization: `Bearer ${TEST_KEY}` })).json()).toEqual({
      detail: 'Invalid API key',
    });
    expect((await postJson(t, '/v1/chat/completions', CHAT, { 'X-API-Key': '', Authorization: `Bearer ${TEST_KEY}` })).status).toBe(200);
  });

  it('splits Authorization on single spaces: any-case scheme, only the second part compared', async () => {
    const status = async (value: string) => (await postJson(t, '/v1/chat/completions', CHAT, { Authorization: value })).status;
    expect(await status(`bEaReR ${TEST_KEY}`)).toBe(200);
    expect(await status(`Bearer ${TEST_KEY} anything-after`)).toBe(200);
    expect(await status(`Bearer  ${TEST_KEY}`)).toBe(401);
    expect(await status('Bearer')).toBe(401);
    expect(await status(`Basic ${TEST_KEY}`)).toBe(401);
    expect(await status(`Bearer ${TEST_KEY.toUpperCase()}`)).toBe(401);
    expect(await status(`Bearer ${TEST_KEY} `)).toBe(200);
    expect((await postJson(t, '/v1/chat/completions', CHAT, { Authorization: 'Bearer' })).json()).toEqual({ detail: 'Invalid API key' });
  });

  it('never reads a key from the query string', async () => {
    expect((await postJson(t, `/v1/chat/completions?api_key=${TEST_KEY}&key=${TEST_KEY}`, CHAT)).status).toBe(401);
  });

  it('routes before the key: 404, 405 with allow, and malformed JSON (422) need no key; {} is 401 without one, 422 with one', async () => {
    const generated = t.inferenceCount();
    const missing = await send(t, 'GET', '/v2/nothing');
    expect([missing.status, missing.json()]).toEqual([404, { detail: 'Not Found' }]);
    const method = await send(t, 'GET', '/v1/chat/completions');
    expect([method.status, method.headers.allow, method.json()]).toEqual([405, 'POST', { detail: 'Method Not Allowed' }]);
    const broken = await postJson(t, '/v1/chat/completions', '{"messages": [');
    expect(broken.status).toBe(422);
    expect(broken.json().detail[0]).toMatchObject({ type: 'json_invalid', loc: ['body', 14], msg: 'JSON decode error' });
    expect((await postJson(t, '/v1/chat/completions', {})).status).toBe(401);
    const shape = await postJson(t, '/v1/chat/completions', {}, API);
    expect([shape.status, shape.json()]).toEqual([422, { detail: [{ type: 'missing', loc: ['body', 'messages'], msg: 'Field required', input: {} }] }]);
    const text = await postJson(t, '/v1/completions', {}, API);
    expect(text.json().detail[0]).toMatchObject({ type: 'missing', loc: ['body', 'prompt'] });
    expect(t.inferenceCount()).toBe(generated);
  });

  it("leaves health, service info, docs and the schema open; the schema declares each dependency's header parameters", async () => {
    expect((await send(t, 'GET', '/health')).json()).toEqual({ status: 'healthy', issues: [] });
    const info = (await send(t, 'GET', '/.well-known/serviceinfo')).json();
    expect(info.software.name).toBe('TabbyAPI');
    expect(info.api.openai.relative_url).toBe('/v1');
    expect((await send(t, 'GET', '/docs')).status).toBe(200);
    const doc = (await send(t, 'GET', '/openapi.json')).json();
    expect(doc.info).toMatchObject({
      title: 'TabbyAPI',
      summary: "An OAI compatible exllamav3 API that's both lightweight and fast",
      version: '0.1.0',
    });
    expect(doc.paths['/v1/chat/completions'].post.parameters.map((p: { name: string }) => p.name)).toEqual(['x-api-key', 'authorization']);
    expect(doc.paths['/v1/model/load'].post.parameters).toEqual([
      { name: 'x-admin-key', in: 'header', required: false, schema: { type: 'string', title: 'X-Admin-Key' } },
      { name: 'authorization', in: 'header', required: false, schema: { type: 'string', title: 'Authorization' } },
    ]);
    expect(doc.paths['/health'].get.parameters).toBeUndefined();
    expect((await send(t, 'GET', '/props')).status).toBe(401);
    expect((await send(t, 'GET', '/api/extra/version')).status).toBe(404); // the Kobold API is off by default
  });

  it('answers CORS with credentials: a preflight echoes any Origin, other answers carry * and credentials', async () => {
    const pre = await send(t, 'OPTIONS', '/v1/chat/completions', {
      headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'x-api-key' },
    });
    expect(pre.status).toBe(200);
    expect(pre.headers['access-control-allow-origin']).toBe('https://evil.example');
    expect(pre.headers['access-control-allow-credentials']).toBe('true');
    expect(pre.headers['access-control-allow-headers']).toBe('x-api-key');
    const simple = await postJson(t, '/v1/chat/completions', CHAT, { ...API, Origin: 'https://evil.example' });
    expect([simple.headers['access-control-allow-origin'], simple.headers['access-control-allow-credentials']]).toEqual(['*', 'true']);
  });
});

describe('TabbyAPI emulator: the admin key', () => {
  let t: RunningTarget;
  beforeAll(async () => {
    t = await start(KEYED);
  });

  it('refuses the API key on admin routes, and reads X-Admin-Key or Bearer there but not X-API-Key', async () => {
    const unload = (headers: Record<string, string>) => send(t, 'POST', '/v1/model/unload', { headers });
    expect((await unload({})).json()).toEqual({ detail: 'Please provide an admin key' });
    expect((await unload(API)).json()).toEqual({ detail: 'Please provide an admin key' });
    expect((await unload({ 'X-API-Key': ADMIN_KEY })).json()).toEqual({ detail: 'Please provide an admin key' });
    expect((await unload({ Authorization: `Bearer ${TEST_KEY}` })).json()).toEqual({ detail: 'Invalid admin key' });
    expect((await unload({ 'X-Admin-Key': TEST_KEY })).json()).toEqual({ detail: 'Invalid admin key' });
    expect(t.managementCount()).toBe(0);
  });

  it('shows an admin every model folder and an API key only the loaded model; /v1/auth/permission names the key', async () => {
    const ids = async (headers: Record<string, string>) => (await send(t, 'GET', '/v1/models', { headers })).json().data.map((m: { id: string }) => m.id);
    expect(await ids(API)).toEqual(['Mistral-7B-Instruct-v0.3-exl3']);
    // API routes read X-API-Key and Authorization only: X-Admin-Key alone is no key there.
    expect((await send(t, 'GET', '/v1/models', { headers: ADMIN })).json()).toEqual({ detail: 'Please provide an API key' });
    expect(await ids({ Authorization: `Bearer ${ADMIN_KEY}` })).toEqual([
      'Mistral-7B-Instruct-v0.3-exl3',
      'Llama-3.1-8B-Instruct-exl3',
      'Qwen2.5-14B-Instruct-exl3',
    ]);
    const card = (await send(t, 'GET', '/v1/models', { headers: API })).json().data[0];
    expect(card).toEqual({
      id: 'Mistral-7B-Instruct-v0.3-exl3',
      object: 'model',
      created: expect.any(Number),
      owned_by: 'tabbyAPI',
      logging: null,
      parameters: null,
    });
    expect((await send(t, 'GET', '/v1/auth/permission', { headers: API })).json()).toEqual({ permission: 'api' });
    expect((await send(t, 'GET', '/v1/auth/permission', { headers: { Authorization: `Bearer ${ADMIN_KEY}` } })).json()).toEqual({
      permission: 'admin',
    });
  });

  it('crashes a list route (500) when a passing X-API-Key comes with a wrong X-Admin-Key', async () => {
    const r = await send(t, 'GET', '/v1/models', { headers: { ...API, 'X-Admin-Key': 'nope' } });
    expect([r.status, r.body]).toEqual([500, 'Internal Server Error']);
    const p = await send(t, 'GET', '/v1/auth/permission', { headers: { ...API, 'X-Admin-Key': 'nope' } });
    expect([p.status, p.json()]).toEqual([400, { detail: 'The provided authentication key is invalid.' }]);
  });

  it('acts on a management route only with the admin key and what the route needs', async () => {
    const load = await postJson(t, '/v1/model/load', { model_name: 'Llama-3.1-8B-Instruct-exl3' }, ADMIN);
    expect(load.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(load.body).toBe(
      'data: {"model_type":"model","module":1,"modules":1,"status":"processing"}\r\n\r\ndata: ' +
        '{"model_type":"model","module":1,"modules":1,"status":"finished"}\r\n\r\n',
    );
    expect((await postJson(t, '/v1/model/load', { model_name: 'missing' }, ADMIN)).json()).toEqual({
      detail: 'Could not find the model path for load. Check model name or config.yml?',
    });
    expect((await postJson(t, '/v1/model/load', {}, ADMIN)).status).toBe(422);
    expect((await postJson(t, '/v1/sampling/override/switch', {}, ADMIN)).json()).toEqual({
      detail: "A sampler override preset or dictionary wasn't provided.",
    });
    expect(t.managementCount()).toBe(1);
  });
});

describe('TabbyAPI emulator: generation', () => {
  let t: RunningTarget;
  beforeAll(async () => {
    t = await start({ ...KEYED, maxSeqLen: 4096 });
  });

  it("answers chat in TabbyAPI's shape: a cmpl- id, eos_reason, the model folder, usage null unless asked", async () => {
    const r = (await postJson(t, '/v1/chat/completions', CHAT, API)).json();
    expect(r).toMatchObject({ object: 'chat.completion', model: 'Mistral-7B-Instruct-v0.3-exl3', usage: null });
    expect(r.id).toMatch(/^cmpl-[0-9a-f]{32}$/);
    expect(r.choices[0]).toEqual({
      index: 0,
      finish_reason: 'length',
      eos_reason: 'max_new_tokens',
      stop_str: null,
      message: { role: 'assistant', content: 'Hello', reasoning_content: null, tool_calls: null, tool_call_id: null },
      logprobs: null,
    });
    const withUsage = (await postJson(t, '/v1/completions', { prompt: 'Hi', max_tokens: 2, stream_options: { include_usage: true } }, API)).json();
    expect(withUsage.choices[0]).toMatchObject({ text: 'Hello! How', finish_reason: 'length' });
    expect(withUsage.usage).toMatchObject({ completion_tokens: 2, total_tokens: withUsage.usage.prompt_tokens + 2 });
  });

  it('accepts max_completion_tokens and max_length as aliases, fills the context without a limit, refuses a negative one', async () => {
    const before = t.requests.length;
    await postJson(t, '/v1/chat/completions', { messages: CHAT.messages, max_completion_tokens: 1 }, API);
    await postJson(t, '/v1/chat/completions', { messages: CHAT.messages, max_length: 1 }, API);
    await postJson(t, '/v1/chat/completions', { messages: CHAT.messages }, API);
    await postJson(t, '/v1/chat/completions', { messages: CHAT.messages, max_tokens: 0 }, API);
    expect(t.requests.slice(before).map((r) => r.maxTokens)).toEqual([1, 1, 4096 - 2 - 1, 4096 - 2 - 1]);
    const negative = await postJson(t, '/v1/chat/completions', { messages: CHAT.messages, max_tokens: -1 }, API);
    expect(negative.json().detail[0]).toMatchObject({ type: 'greater_than_equal', loc: ['body', 'max_tokens'], ctx: { ge: 0 } });
  });

  it('refuses a limit beyond the cache with an OpenAI-style context_length_exceeded error', async () => {
    const r = await postJson(t, '/v1/chat/completions', { messages: CHAT.messages, max_tokens: 5000 }, API);
    expect(r.status).toBe(400);
    expect(r.json()).toEqual({
      error: {
        message: 'Initial job allocation requires 5002 cache tokens, which exceeds the available context size of 4096 tokens',
        type: 'invalid_request_error',
        param: null,
        code: 'context_length_exceeded',
      },
    });
  });

  it("streams sse-starlette frames (CRLF) of Python's json.dumps, ending in [DONE]; completion chunks name model_name", async () => {
    const chat = await postJson(t, '/v1/chat/completions', { ...CHAT, max_tokens: 2, stream: true }, API);
    expect(chat.headers).toMatchObject({
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no',
    });
    const frames = chat.body.split('\r\n\r\n').filter(Boolean);
    expect(frames.at(-1)).toBe('data: [DONE]');
    expect(frames[0]).toMatch(
      /^data: \{"id": "chatcmpl-[0-9a-f]{32}", "object": "chat.completion.chunk", "created": \d+, "choices": \[\{"index": 0, "delta": \{"content": "Hello!"\}, "finish_reason": null\}\], "model": "Mistral-7B-Instruct-v0.3-exl3"\}$/,
    );
    expect(JSON.parse(frames[1]!.slice(6)).choices[0]).toEqual({
      index: 0,
      delta: { content: ' How' },
      finish_reason: 'length',
      eos_reason: 'max_new_tokens',
    });
    const text = await postJson(t, '/v1/completions', { prompt: 'Hi', max_tokens: 1, stream: true }, API);
    const chunk = JSON.parse(text.body.split('\r\n\r\n')[0]!.slice(6));
    expect(chunk).toMatchObject({ object: 'text_completion', model_name: 'Mistral-7B-Instruct-v0.3-exl3' });
    expect(chunk.id).toMatch(/^chatcmpl-/);
  });

  it('answers 503 after the key when no model is loaded', async () => {
    const empty = await start({ ...KEYED, model: null });
    expect((await postJson(empty, '/v1/chat/completions', CHAT)).status).toBe(401);
    const r = await postJson(empty, '/v1/chat/completions', CHAT, API);
    expect([r.status, r.json()]).toEqual([503, { detail: 'No models are currently loaded.' }]);
    expect((await send(empty, 'GET', '/props', { headers: API })).status).toBe(503);
  });

  it('ignores `model` by default; with inline loading, refuses another model to an API key and loads it for the admin key', async () => {
    expect((await postJson(t, '/v1/chat/completions', { ...CHAT, model: 'Qwen2.5-14B-Instruct-exl3' }, API)).status).toBe(200);
    const inline = await start({ ...KEYED, inlineModelLoading: true });
    const refused = await postJson(inline, '/v1/chat/completions', { ...CHAT, model: 'Qwen2.5-14B-Instruct-exl3' }, API);
    expect([refused.status, refused.json()]).toEqual([
      401,
      { detail: "Unable to switch model to Qwen2.5-14B-Instruct-exl3 because an admin key isn't provided" },
    ]);
    expect(inline.managementCount()).toBe(0);
    const loaded = await postJson(inline, '/v1/chat/completions', { ...CHAT, model: 'Qwen2.5-14B-Instruct-exl3' }, { 'X-API-Key': ADMIN_KEY });
    expect(loaded.json().model).toBe('Qwen2.5-14B-Instruct-exl3');
    expect(inline.managementCount()).toBe(1);
  });
});

describe('TabbyAPI emulator: disable_auth and the Kobold API', () => {
  it('with auth disabled, serves everyone as an admin: every folder listed, management acts', async () => {
    const t = await start(OPEN);
    expect((await send(t, 'GET', '/v1/models')).json().data).toHaveLength(3);
    expect((await send(t, 'GET', '/v1/auth/permission')).json()).toEqual({ permission: 'admin' });
    expect((await send(t, 'GET', '/props')).json()).toMatchObject({ total_slots: 256, default_generation_settings: { n_ctx: 32768 } });
    expect((await send(t, 'GET', '/v1/model')).json().parameters.prompt_template_content).toContain('[INST]');
    const unload = await send(t, 'POST', '/v1/model/unload');
    expect([unload.status, unload.body]).toEqual([200, 'null']);
    expect(t.managementCount()).toBe(1);
  });

  it('mounts KoboldAI under /api and /api/latest, imitating KoboldCpp 1.74 and KAI United 1.2.5 without a key', async () => {
    const t = await start({ ...KEYED, kobold: true });
    expect((await send(t, 'GET', '/api/extra/version')).json()).toEqual({ result: 'KoboldCpp', version: '1.74' });
    expect((await send(t, 'GET', '/api/v1/info/version')).json()).toEqual({ result: '1.2.5' });
    expect((await send(t, 'PUT', '/api/latest/config/soft_prompt')).json()).toEqual({});
    expect((await postJson(t, '/api/v1/generate', { prompt: 'Hi', max_length: 1 })).status).toBe(401);
    expect((await postJson(t, '/api/v1/generate', { prompt: 'Hi', max_length: 1 }, API)).json()).toEqual({ results: [{ text: 'Hello' }] });
    const stream = await postJson(t, '/api/extra/generate/stream', { prompt: 'Hi', max_length: 2 }, API);
    expect(stream.body).toBe('event: message\ndata: {"token":"Hello!"}\n\nevent: message\ndata: {"token":" How"}\n\n');
    expect((await send(t, 'GET', '/api/v1/model', { headers: API })).json()).toEqual({ result: 'tabbyAPI/Mistral-7B-Instruct-v0.3-exl3' });
    const doc = (await send(t, 'GET', '/openapi.json')).json();
    expect(Object.keys(doc.paths)).toContain('/api/v1/generate');
    expect(Object.keys(doc.paths).some((p) => p.startsWith('/api/latest'))).toBe(false);
  });
});

describe('TabbyAPI profile on the emulator', () => {
  const confidence = async (options: TabbyapiOptions, paths: readonly string[] = cheapPhasePaths()) => {
    const signals = await observe(await start(options), paths);
    return {
      tabbyapi: tabbyapiProfile.detect(signals),
      llamacpp: llamacppProfile.detect(signals).confidence,
      fastapi: fastapiProfile.detect(signals).confidence,
      version: tabbyapiProfile.version?.(signals),
    };
  };

  it('names an open TabbyAPI from the cheap phase, above the llama.cpp profile its /props resembles', async () => {
    const c = await confidence(OPEN);
    expect(c.tabbyapi.confidence, c.tabbyapi.signals.join('; ')).toBeGreaterThanOrEqual(0.95);
    expect(c.tabbyapi.confidence).toBeGreaterThan(c.llamacpp);
    expect(c.version).toBeNull();
  });

  it('names a keyed TabbyAPI from its OpenAPI document alone, above the FastAPI fallback', async () => {
    const c = await confidence(KEYED);
    expect(c.tabbyapi.signals).toEqual(expect.arrayContaining([expect.stringContaining('x-admin-key'), expect.stringContaining('lists TabbyAPI routes')]));
    expect(c.tabbyapi.confidence).toBeGreaterThanOrEqual(0.9);
    expect(c.tabbyapi.confidence).toBeGreaterThan(c.fastapi);
  });

  it('reads /health and /.well-known/serviceinfo by shape when the cheap phase asks them', async () => {
    const c = await confidence(KEYED, ['/health', '/.well-known/serviceinfo']);
    expect(c.tabbyapi.confidence).toBeGreaterThanOrEqual(0.95);
    expect(c.tabbyapi.signals.join(';')).toMatch(/serviceinfo.*TabbyAPI/);
  });

  it('tells its Kobold imitation from KoboldCpp by the missing `protected` field', async () => {
    const c = await confidence({ ...KEYED, kobold: true }, ['/api/extra/version', '/api/v1/info/version']);
    expect(c.tabbyapi.signals[0]).toMatch(/imitates KoboldCpp without "protected", next to \/api\/v1\/info\/version/);
    expect(c.tabbyapi.confidence).toBeGreaterThanOrEqual(0.8);
  });
});

describe('TabbyAPI scans', () => {
  const rules = (r: Awaited<ReturnType<typeof scan>>) => r.findings.map((f) => f.rule);

  it('an open TabbyAPI (every caller an admin) is named TabbyAPI, not llama.cpp, and fails auth.missing', async () => {
    const t = await start(OPEN);
    const r = await scan({ url: t.url }, { depth: 'standard' });
    expect(r.fingerprint.product, r.fingerprint.signals.join('; ')).toBe('tabbyapi');
    expect(r.findings.filter((f) => f.rule === 'auth.missing').every((f) => f.confidence === 'confirmed')).toBe(true);
    expect(rules(r)).toContain('auth.missing');
    expect(t.managementCount()).toBe(0);
  });

  it('with the API key, the admin routes refuse it: no auth finding but the unthrottled wrong keys', async () => {
    const t = await start(KEYED);
    const r = await scan({ url: t.url, headers: API }, { depth: 'standard' });
    expect(r.fingerprint.models).toEqual(['Mistral-7B-Instruct-v0.3-exl3']);
    expect(rules(r).filter((id) => id.startsWith('auth.'))).toEqual(['auth.brute-force']);
    expect(t.managementCount()).toBe(0);
  });

  it('never names a model, so inline loading with the admin key never loads another one', async () => {
    const folders = ['Qwen2.5-14B-Instruct-exl3', 'Mistral-7B-Instruct-v0.3-exl3'];
    const t = await start({ ...KEYED, inlineModelLoading: true, modelFolders: folders });
    const r = await scan({ url: t.url, headers: { Authorization: `Bearer ${ADMIN_KEY}` } }, { depth: 'deep' });
    // The admin sees every folder, the loaded one not first.
    expect(r.fingerprint.models[0]).toBe('Qwen2.5-14B-Instruct-exl3');
    expect(t.requests.filter((x) => /"model"\s*:/.test(x.body ?? '')).map((x) => x.url)).toEqual([]);
    expect(t.managementCount()).toBe(0);
  });
});
