// Proof that the emulators of the FastAPI wrapper, a generic OpenAI-compatible server, vLLM, TGI, Ollama and llama.cpp
// behave like the real servers on the wire, fact by fact from docs/servers/.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYED as FASTAPI_KEYED, startFastapiWrapper } from './fastapi-wrapper.js';
import type { RunningTarget } from './harness.js';
import { KEYED as LLAMACPP_KEYED, startLlamaCpp } from './llamacpp.js';
import { TEST_KEY } from './mistral-model.js';
import { OPEN as OLLAMA_OPEN, startOllama } from './ollama.js';
import { KEYED as OPENAI_KEYED, startOpenAICompatible } from './openai-compatible.js';
import { startTgi, KEYED as TGI_KEYED, OPEN as TGI_OPEN } from './tgi.js';
import { startVllm, KEYED as VLLM_KEYED, OPEN as VLLM_OPEN } from './vllm.js';
import { postJson, send } from './wire-client.js';

// ---------------------------------------------------------------------------------------------------------------

describe('the tutorial FastAPI wrapper', () => {
  let open: RunningTarget;
  let keyed: RunningTarget;
  beforeAll(async () => {
    open = await startFastapiWrapper();
    keyed = await startFastapiWrapper(FASTAPI_KEYED);
  });
  afterAll(async () => {
    await open.close();
    await keyed.close();
  });

  it('answers the tutorial request with model output and server: uvicorn', async () => {
    const r = await postJson(open, '/generate', { text: 'Hello' });
    expect(r.status).toBe(200);
    expect(r.headers.server).toBe('uvicorn');
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.headers.date).toBeDefined();
    expect(r.json().generated).toMatch(/^Hello! How can I assist you today\?/);
    expect(open.inferenceCount()).toBe(1);
  });

  it("gives FastAPI's 404 and 405 (with allow) shapes", async () => {
    const nf = await send(open, 'GET', '/nope');
    expect(nf.status).toBe(404);
    expect(nf.json()).toEqual({ detail: 'Not Found' });
    const na = await send(open, 'GET', '/generate');
    expect(na.status).toBe(405);
    expect(na.headers.allow).toBe('POST');
    expect(na.json()).toEqual({ detail: 'Method Not Allowed' });
  });

  it('validates the body with pydantic 2 and pydantic 1 shapes', async () => {
    const v2 = await postJson(open, '/generate', {});
    expect(v2.status).toBe(422);
    expect(v2.json()).toEqual({ detail: [{ type: 'missing', loc: ['body', 'text'], msg: 'Field required', input: {} }] });
    const t1 = await startFastapiWrapper({ pydantic: 1, promptField: 'prompt' });
    try {
      const v1 = await postJson(t1, '/generate', {});
      expect(v1.json()).toEqual({ detail: [{ loc: ['body', 'prompt'], msg: 'field required', type: 'value_error.missing' }] });
    } finally {
      await t1.close();
    }
  });

  it('names the credential header in the 422 loc when a Header(...) dependency is missing', async () => {
    const r = await postJson(keyed, '/generate', { text: 'hi' });
    expect(r.status).toBe(422);
    expect(r.json().detail[0]).toMatchObject({ loc: ['header', 'x-api-key'] });
    const wrong = await postJson(keyed, '/generate', { text: 'hi' }, { 'X-API-Key': 'wrong' });
    expect(wrong.status).toBe(401);
    expect(wrong.json()).toEqual({ detail: 'Invalid API key' });
    const right = await postJson(keyed, '/generate', { text: 'hi' }, { 'X-API-Key': TEST_KEY });
    expect(right.status).toBe(200);
    // auth runs after routing: a wrong method is a 405 even without a key (docs/architecture.md, "Never change the target": the calibration)
    expect((await send(keyed, 'GET', '/generate')).status).toBe(405);
  });

  it('publishes /docs, /redoc and /openapi.json with every route and the header parameter', async () => {
    expect((await send(keyed, 'GET', '/docs')).body).toContain('SwaggerUIBundle');
    expect((await send(keyed, 'GET', '/redoc')).body).toContain('<redoc spec-url="/openapi.json">');
    const doc = (await send(keyed, 'GET', '/openapi.json')).json();
    const op = doc.paths['/generate'].post;
    expect(op.operationId).toBe('generate_generate_post');
    expect(op.requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/Prompt');
    expect(doc.components.schemas.Prompt.required).toEqual(['text']);
    expect(op.parameters[0]).toMatchObject({ name: 'x-api-key', in: 'header', required: true });
    const off = await startFastapiWrapper({ docs: false });
    try {
      expect((await send(off, 'GET', '/docs')).status).toBe(404);
    } finally {
      await off.close();
    }
  });

  it('declares APIKeyHeader as a security scheme and refuses a missing key with 403', async () => {
    const t = await startFastapiWrapper({ auth: { mode: 'api-key-header', key: TEST_KEY } });
    try {
      const doc = (await send(t, 'GET', '/openapi.json')).json();
      expect(doc.components.securitySchemes.APIKeyHeader).toEqual({ type: 'apiKey', in: 'header', name: 'X-API-Key' });
      expect(doc.paths['/generate'].post.security).toEqual([{ APIKeyHeader: [] }]);
      expect((await postJson(t, '/generate', { text: 'hi' })).json()).toEqual({ detail: 'Not authenticated' });
      expect((await postJson(t, '/generate', { text: 'hi' }, { 'X-API-Key': TEST_KEY })).status).toBe(200);
    } finally {
      await t.close();
    }
  });

  it("fails open on an unset key: os.getenv(..., '') accepts an empty header; f'Bearer {None}' accepts 'Bearer None'", async () => {
    const empty = await startFastapiWrapper({ auth: { mode: 'depends-header', key: null } });
    const none = await startFastapiWrapper({ auth: { mode: 'bearer-decorator', key: null } });
    try {
      expect((await postJson(empty, '/generate', { text: 'hi' }, { 'X-API-Key': '' })).status).toBe(200);
      expect((await postJson(empty, '/generate', { text: 'hi' }, { 'X-API-Key': 'x' })).status).toBe(401);
      expect((await postJson(none, '/generate', { text: 'hi' })).status).toBe(401);
      expect((await postJson(none, '/generate', { text: 'hi' }, { Authorization: 'Bearer None' })).status).toBe(200);
      // the decorator runs inside the endpoint, after body validation
      expect((await postJson(none, '/generate', {})).status).toBe(422);
    } finally {
      await empty.close();
      await none.close();
    }
  });

  it('requires the extra fields too, reports every missing one, and reads a configured limit field', async () => {
    const t = await startFastapiWrapper({
      promptField: 'prompt',
      extraFields: { user_id: 'string', temperature: 'number' },
      maxTokensField: 'max_new_tokens',
      outputField: 'response',
    });
    try {
      const r = await postJson(t, '/generate', { prompt: 'hi' });
      expect(r.json().detail.map((e: { loc: string[] }) => e.loc)).toEqual([
        ['body', 'user_id'],
        ['body', 'temperature'],
      ]);
      const ok = await postJson(t, '/generate', { prompt: 'hi', user_id: 'u', temperature: 0.1, max_new_tokens: 1 });
      expect(ok.json()).toEqual({ response: 'Hello' });
      expect(t.requests.at(-1)?.maxTokens).toBe(1);
      expect((await send(t, 'GET', '/openapi.json')).json().components.schemas.Prompt.required).toEqual(['prompt', 'user_id', 'temperature']);
    } finally {
      await t.close();
    }
  });

  it('can guard /v1/generate and forget /generate, with a custom header name', async () => {
    const t = await startFastapiWrapper({
      paths: ['/v1/generate', '/generate'],
      auth: { mode: 'depends-header', header: 'X-Token', key: TEST_KEY, guarded: ['/v1/generate'] },
    });
    try {
      const guarded = await postJson(t, '/v1/generate', { text: 'hi' });
      expect(guarded.json().detail[0].loc).toEqual(['header', 'x-token']);
      expect((await postJson(t, '/generate', { text: 'hi' })).status).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('middleware refuses before routing, and its public-path check trusts the Host header', async () => {
    const t = await startFastapiWrapper({ health: true, auth: { mode: 'middleware', key: TEST_KEY, publicPaths: ['/health'] } });
    try {
      expect((await send(t, 'GET', '/unknown')).status).toBe(401);
      expect((await postJson(t, '/generate', { text: 'hi' })).json()).toEqual({ detail: 'Unauthorized' });
      expect((await send(t, 'GET', '/health')).status).toBe(200);
      const bypass = await postJson(t, '/generate', { text: 'hi' }, {}, 'x/health?');
      expect(bypass.status).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('can echo the raw [INST] template in its output, and redirects a trailing slash with 307', async () => {
    const t = await startFastapiWrapper({ rawTemplate: true });
    try {
      expect((await postJson(t, '/generate', { text: 'Hi' })).json().generated).toMatch(/^\[INST\] Hi \[\/INST\] Hello!/);
      const r = await postJson(t, '/generate/', { text: 'Hi' });
      expect(r.status).toBe(307);
      expect(r.headers.location).toBe(`http://127.0.0.1:${t.port}/generate`);
    } finally {
      await t.close();
    }
  });

  it('rejects malformed JSON with a 422 before any auth dependency', async () => {
    const r = await send(keyed, 'POST', '/generate', { body: '{bad', headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(422);
    expect(r.json().detail[0]).toMatchObject({ type: 'json_invalid', loc: ['body', 1], ctx: { error: 'Expecting property name enclosed in double quotes' } });
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('generic OpenAI-compatible server', () => {
  it('checks the Bearer key before routing and answers chat, completions and SSE', async () => {
    const t = await startOpenAICompatible(OPENAI_KEYED);
    try {
      expect((await send(t, 'GET', '/v1/models')).status).toBe(401);
      expect((await send(t, 'GET', '/nope')).status).toBe(401);
      const auth = { Authorization: `Bearer ${TEST_KEY}` };
      expect((await send(t, 'GET', '/v1/models', { headers: auth })).json().data[0].owned_by).toBe('me');
      const chat = await postJson(t, '/v1/chat/completions', { messages: [{ role: 'user', content: 'hi' }], max_tokens: 1 }, auth);
      expect(chat.json().choices[0].message.content).toBe('Hello');
      const text = await postJson(t, '/v1/completions', { prompt: 'hi', max_tokens: 1 }, auth);
      expect(text.json().choices[0].text).toBe('Hello');
      const sse = await postJson(t, '/v1/chat/completions', { messages: [{ role: 'user', content: 'hi' }], stream: true, max_tokens: 3 }, auth);
      expect(sse.headers['content-type']).toMatch(/^text\/event-stream/);
      expect(sse.body).toMatch(/^data: \{.*"delta":\{"role":"assistant","content":"Hello!"\}/);
      expect(sse.body.trimEnd().endsWith('data: [DONE]')).toBe(true);
      expect(t.requests.filter((r) => r.inference).map((r) => r.maxTokens)).toEqual([1, 1, 3]);
    } finally {
      await t.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('vLLM', () => {
  let keyed: RunningTarget;
  const auth = { Authorization: `Bearer ${TEST_KEY}` };
  const chat = { model: 'mistralai/Mistral-7B-Instruct-v0.3', messages: [{ role: 'user', content: 'Hello' }], max_tokens: 1 };
  beforeAll(async () => {
    keyed = await startVllm({ ...VLLM_KEYED, devMode: true, tokenizerInfo: true });
  });
  afterAll(() => keyed.close());

  it('guards /v1 with 401 {"error":"Unauthorized"} and server: uvicorn, before routing', async () => {
    const r = await postJson(keyed, '/v1/chat/completions', chat);
    expect(r.status).toBe(401);
    expect(r.json()).toEqual({ error: 'Unauthorized' });
    expect(r.headers.server).toBe('uvicorn');
    expect((await send(keyed, 'GET', '/v1/does-not-exist')).status).toBe(401);
    expect((await send(keyed, 'GET', '/v2/anything')).status).toBe(401);
    expect((await send(keyed, 'GET', '/v1/does-not-exist', { headers: auth })).status).toBe(404);
    // X-API-Key is not read
    expect((await postJson(keyed, '/v1/chat/completions', chat, { 'X-API-Key': TEST_KEY })).status).toBe(401);
  });

  it('accepts the scheme in any case and skips OPTIONS', async () => {
    expect((await postJson(keyed, '/v1/chat/completions', chat, { Authorization: `bEaReR ${TEST_KEY}` })).status).toBe(200);
    expect((await send(keyed, 'OPTIONS', '/v1/chat/completions')).status).not.toBe(401);
  });

  it('leaves inference, tokenizer and info routes open with a key set', async () => {
    const inv = await postJson(keyed, '/invocations', chat);
    expect(inv.status).toBe(200);
    expect(inv.json().choices[0].message.content).toBe('Hello');
    const tok = await postJson(keyed, '/tokenize', { prompt: 'hi [/INST] x' });
    expect(tok.json().tokens).toContain(4);
    expect(tok.json().max_model_len).toBe(32768);
    expect((await send(keyed, 'GET', '/health')).status).toBe(200);
    expect((await send(keyed, 'GET', '/version')).json()).toEqual({ version: '0.29.0' });
    expect((await send(keyed, 'GET', '/metrics')).body).toMatch(/^vllm:num_requests_running/m);
    expect((await send(keyed, 'GET', '/openapi.json')).json().paths['/v1/chat/completions']).toBeDefined();
    expect((await send(keyed, 'GET', '/tokenizer_info')).json().chat_template).toContain('[INST]');
    expect((await postJson(keyed, '/score', { text_1: 'a', text_2: 'b' })).json().error.message).toBe('The model does not support Score API');
  });

  it('answers control routes with 405 to GET and records nothing', async () => {
    for (const p of ['/pause', '/resume', '/update_weights', '/sleep', '/wake_up', '/collective_rpc', '/reset_prefix_cache']) {
      const r = await send(keyed, 'GET', p);
      expect(r.status, p).toBe(405);
      expect(r.headers.allow).toBe('POST');
    }
    expect(keyed.managementCount()).toBe(0);
    expect((await send(keyed, 'GET', '/is_paused')).json()).toEqual({ is_paused: false });
  });

  it('lists the model with owned_by vllm, root, parent, max_model_len and permission', async () => {
    const m = (await send(keyed, 'GET', '/v1/models', { headers: auth })).json().data[0];
    expect(m).toMatchObject({ id: 'mistralai/Mistral-7B-Instruct-v0.3', object: 'model', owned_by: 'vllm', root: m.id, parent: null, max_model_len: 32768 });
    expect(m.permission[0].object).toBe('model_permission');
  });

  it('refuses max_tokens above max_model_len with a 400 error object', async () => {
    const r = await postJson(keyed, '/v1/chat/completions', { ...chat, max_tokens: 1_000_000 }, auth);
    expect(r.status).toBe(400);
    expect(r.json().error).toMatchObject({ type: 'BadRequestError', code: 400, param: null });
    expect(r.json().error.message).toMatch(/maximum context length is 32768/);
    const nf = await postJson(keyed, '/v1/chat/completions', { ...chat, model: 'nope' }, auth);
    expect(nf.status).toBe(404);
    expect(nf.json().error.type).toBe('NotFoundError');
  });

  it('before 0.22 trusts the Host header for the path (CVE-2026-48746), current versions do not', async () => {
    const old = await startVllm({ apiKey: TEST_KEY, hostHeaderBug: true });
    try {
      expect((await postJson(old, '/v1/chat/completions', chat)).status).toBe(401);
      const bypass = await postJson(old, '/v1/chat/completions', chat, {}, 'x/health?');
      expect(bypass.status).toBe(200);
      expect(bypass.json().choices[0].message.content).toBe('Hello');
      expect((await send(old, 'GET', '/version')).json().version).toBe('0.21.0');
    } finally {
      await old.close();
    }
    expect((await postJson(keyed, '/v1/chat/completions', chat, {}, 'x/health?')).status).toBe(401);
  });

  it('legacy (≤0.10) compares "Bearer " + key case-sensitively, guards only /v1 and uses old error objects', async () => {
    const old = await startVllm({ apiKey: TEST_KEY, legacy: true });
    try {
      expect((await postJson(old, '/v1/chat/completions', chat, { Authorization: `bearer ${TEST_KEY}` })).status).toBe(401);
      expect((await postJson(old, '/v1/chat/completions', chat, auth)).status).toBe(200);
      expect((await send(old, 'GET', '/v2/anything')).status).toBe(404);
      const big = await postJson(old, '/v1/completions', { model: chat.model, prompt: 'hi', max_tokens: 1_000_000 }, auth);
      expect(big.json()).toMatchObject({ object: 'error', type: 'BadRequestError', code: 400 });
      expect((await postJson(old, '/v1/chat/completions', chat, {}, 'x/health?')).status).toBe(200);
    } finally {
      await old.close();
    }
  });

  it('has CORSMiddleware allowing any origin inside the auth middleware (vLLM defaults)', async () => {
    const pre = await send(keyed, 'OPTIONS', '/v1/chat/completions', {
      headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization' },
    });
    expect([pre.status, pre.body]).toEqual([200, 'OK']);
    expect(pre.headers['access-control-allow-origin']).toBe('*');
    expect(pre.headers['access-control-allow-headers']).toBe('authorization');
    const refused = await postJson(keyed, '/v1/chat/completions', chat, { Origin: 'https://evil.example' });
    expect(refused.status).toBe(401);
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    const ok = await postJson(keyed, '/v1/chat/completions', chat, { ...auth, Origin: 'https://evil.example' });
    expect(ok.headers['access-control-allow-origin']).toBe('*');
    const scored = await postJson(keyed, '/generative_scoring', { query: 'q', items: ['a'] });
    expect(scored.status).toBe(200);
  });

  it('can guard /invocations (invocationsOpen: false), and has no auth at all without a key', async () => {
    const fixed = await startVllm({ apiKey: TEST_KEY, invocationsOpen: false });
    const open = await startVllm(VLLM_OPEN);
    try {
      expect((await postJson(fixed, '/invocations', chat)).status).toBe(401);
      expect((await postJson(open, '/v1/chat/completions', chat)).status).toBe(200);
    } finally {
      await fixed.close();
      await open.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('Hugging Face TGI', () => {
  let keyed: RunningTarget;
  const gen = { inputs: 'Hello', parameters: { max_new_tokens: 1 } };
  beforeAll(async () => {
    keyed = await startTgi({ ...TGI_KEYED, kserve: true });
  });
  afterAll(() => keyed.close());

  it('refuses the guarded routes with 401 and an EMPTY body', async () => {
    for (const p of ['/', '/generate', '/generate_stream', '/v1/chat/completions', '/v1/completions', '/vertex', '/invocations', '/tokenize']) {
      const r = await postJson(keyed, p, gen);
      expect(r.status, p).toBe(401);
      expect(r.body, p).toBe('');
    }
  });

  it('lower-cases the whole Authorization value: the key itself is case-insensitive', async () => {
    const upper = await postJson(keyed, '/generate', gen, { Authorization: `BEARER ${TEST_KEY.toUpperCase()}` });
    expect(upper.status).toBe(200);
    expect(upper.json()).toEqual({ generated_text: 'Hello' });
    expect((await postJson(keyed, '/generate', gen, { Authorization: `Bearer ${TEST_KEY}x` })).status).toBe(401);
  });

  it('sets the x-compute-* headers on /generate', async () => {
    const r = await postJson(keyed, '/generate', gen, { Authorization: `Bearer ${TEST_KEY}` });
    for (const h of [
      'x-compute-type',
      'x-compute-time',
      'x-total-time',
      'x-validation-time',
      'x-queue-time',
      'x-inference-time',
      'x-prompt-tokens',
      'x-generated-tokens',
    ]) {
      expect(r.headers[h], h).toBeDefined();
    }
    expect(r.headers['x-generated-tokens']).toBe('1');
    expect(keyed.requests.at(-1)?.maxTokens).toBe(1);
  });

  it('leaves GET / /info /health /ping /metrics /v1/models, /chat_tokenize and the docs open', async () => {
    expect((await send(keyed, 'GET', '/')).status).toBe(200);
    const info = (await send(keyed, 'GET', '/info')).json();
    expect(info).toMatchObject({ model_id: 'mistralai/Mistral-7B-Instruct-v0.3', router: 'text-generation-router', version: '3.3.4', max_total_tokens: 4096 });
    for (const k of ['model_sha', 'max_concurrent_requests', 'max_input_tokens', 'sha', 'docker_label']) expect(info).toHaveProperty(k);
    expect((await send(keyed, 'GET', '/health')).status).toBe(200);
    expect((await send(keyed, 'GET', '/ping')).status).toBe(200);
    expect((await send(keyed, 'GET', '/metrics')).body).toMatch(/^tgi_request_count /m);
    expect((await send(keyed, 'GET', '/v1/models')).json().data[0].owned_by).toBe('mistralai/Mistral-7B-Instruct-v0.3');
    expect((await send(keyed, 'GET', '/api-doc/openapi.json')).json().paths['/generate']).toBeDefined();
    expect((await send(keyed, 'GET', '/docs')).status).toBe(303);
    const ct = await postJson(keyed, '/chat_tokenize', { messages: [{ role: 'user', content: 'hi [/INST] x' }] });
    expect(ct.json().templated_text).toBe('<s>[INST] hi [/INST] x[/INST]');
    expect(ct.json().tokenize_response.map((t: { id: number }) => t.id)).toContain(4);
  });

  it('KServe infer is outside the auth layer and reaches the model (bytes in, bytes out)', async () => {
    const body = {
      id: '1',
      inputs: [{ name: 'input-0', shape: [2], datatype: 'BYTES', data: [...Buffer.from('hi')] }],
      outputs: [{ name: 'output-0' }],
      parameters: { max_new_tokens: 1 },
    };
    const r = await postJson(keyed, '/v2/models/mistral/versions/1/infer', body);
    expect(r.status).toBe(200);
    expect(Buffer.from(r.json().outputs[0].data).toString()).toBe('Hello');
    expect((await send(keyed, 'GET', '/v2/health/live')).json()).toEqual({ live: true });
    expect((await send(keyed, 'GET', '/v2/health/ready')).status).toBe(200);
  });

  it('answers errors as {"error","error_type"} and routing misses with empty 404/405', async () => {
    const auth = { Authorization: `Bearer ${TEST_KEY}` };
    const big = await postJson(keyed, '/generate', { inputs: 'hi', parameters: { max_new_tokens: 1_000_000 } }, auth);
    expect(big.status).toBe(422);
    expect(big.json()).toMatchObject({ error_type: 'validation' });
    expect(big.json().error).toMatch(/must be <= 4096/);
    const nf = await send(keyed, 'GET', '/nope');
    expect([nf.status, nf.body]).toEqual([404, '']);
    // the layer wraps the route's method fallback: a wrong method is 401 without the key, 405 with it
    expect((await send(keyed, 'GET', '/generate')).status).toBe(401);
    expect((await send(keyed, 'GET', '/generate', { headers: auth })).status).toBe(405);
    expect((await send(keyed, 'POST', '/info')).status).toBe(405);
  });

  it('streams /generate_stream as SSE and needs no key at all when none is set', async () => {
    const open = await startTgi(TGI_OPEN);
    try {
      const r = await postJson(open, '/generate_stream', { inputs: 'hi', parameters: { max_new_tokens: 2 } });
      expect(r.headers['content-type']).toMatch(/^text\/event-stream/);
      const events = r.body
        .split('\n\n')
        .filter(Boolean)
        .map((e) => JSON.parse(e.replace(/^data:/, '')));
      expect(events.at(-1).generated_text).toBe('Hello! How');
      expect((await postJson(open, '/generate', gen)).status).toBe(200);
    } finally {
      await open.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('Ollama', () => {
  let t: RunningTarget;
  beforeAll(async () => {
    t = await startOllama({ version: '0.1.33' });
  });
  afterAll(() => t.close());

  it('has no auth: the banner, version, tags, ps and inference answer anyone', async () => {
    const root = await send(t, 'GET', '/');
    expect([root.status, root.body]).toEqual([200, 'Ollama is running']);
    expect((await send(t, 'GET', '/api/version')).json()).toEqual({ version: '0.1.33' });
    const tags = (await send(t, 'GET', '/api/tags')).json().models[0];
    for (const k of ['name', 'model', 'modified_at', 'size', 'digest', 'details']) expect(tags).toHaveProperty(k);
    expect((await send(t, 'GET', '/api/ps')).status).toBe(200);
    const gen = await postJson(t, '/api/generate', { model: 'mistral', prompt: 'Hello', stream: false, options: { num_predict: 1 } });
    expect(gen.json()).toMatchObject({ model: 'mistral', response: 'Hello', done: true });
    expect(t.requests.at(-1)).toMatchObject({ inference: true, maxTokens: 1 });
    const chat = await postJson(t, '/api/chat', { model: 'mistral', messages: [{ role: 'user', content: 'hi' }], stream: false, options: { num_predict: 1 } });
    expect(chat.json().message).toEqual({ role: 'assistant', content: 'Hello' });
    expect((await postJson(t, '/api/embed', { model: 'mistral', input: 'hi' })).json().embeddings).toHaveLength(1);
  });

  it('streams NDJSON unless stream is false, and only loads the model on an empty prompt', async () => {
    const s = await postJson(t, '/api/generate', { model: 'mistral', prompt: 'hi', options: { num_predict: 2 } });
    expect(s.headers['content-type']).toBe('application/x-ndjson');
    expect(
      s.body
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).done),
    ).toEqual([false, false, true]);
    const before = t.inferenceCount();
    expect((await postJson(t, '/api/generate', { model: 'mistral' })).json().done_reason).toBe('load');
    expect(t.inferenceCount()).toBe(before);
  });

  it('serves OpenAI routes with owned_by library and system_fingerprint fp_ollama', async () => {
    expect((await send(t, 'GET', '/v1/models')).json().data[0]).toMatchObject({ id: 'mistral:latest', owned_by: 'library' });
    const c = await postJson(t, '/v1/chat/completions', { model: 'mistral', messages: [{ role: 'user', content: 'hi' }], max_tokens: 1 });
    expect(c.json()).toMatchObject({ system_fingerprint: 'fp_ollama', choices: [{ message: { content: 'Hello' } }] });
  });

  it("answers management routes' wrong methods with gin's 405 and never records them", async () => {
    for (const p of ['/api/pull', '/api/push', '/api/create', '/api/copy', '/api/delete', `/api/blobs/sha256:${'a'.repeat(64)}`]) {
      const r = await send(t, 'GET', p);
      expect(r.status, p).toBe(405);
      expect(r.body).toBe('405 method not allowed');
    }
    const empty = await send(t, 'POST', '/api/pull');
    expect([empty.status, empty.json()]).toEqual([400, { error: 'missing request body' }]);
    expect((await send(t, 'HEAD', `/api/blobs/sha256:${'a'.repeat(64)}`)).status).toBe(404);
    expect(t.managementCount()).toBe(0);
    const nf = await send(t, 'GET', '/api/nothing');
    expect([nf.status, nf.body]).toEqual([404, '404 page not found']);
  });

  it('records a management call that carries a body', async () => {
    const m = await startOllama(OLLAMA_OPEN);
    try {
      await send(m, 'DELETE', '/api/delete', { body: JSON.stringify({ model: 'mistral' }), headers: { 'content-type': 'application/json' } });
      expect(m.managementCount()).toBe(1);
    } finally {
      await m.close();
    }
  });

  it('on loopback refuses a non-local Host with 403; bound to 0.0.0.0 accepts it', async () => {
    expect((await send(t, 'GET', '/api/tags', { host: 'evil.example' })).status).toBe(403);
    expect((await send(t, 'GET', '/api/tags', { host: 'localhost:11434' })).status).toBe(200);
    const wide = await startOllama({ loopbackOnly: false });
    try {
      expect((await send(wide, 'GET', '/api/tags', { host: 'evil.example' })).status).toBe(200);
    } finally {
      await wide.close();
    }
  });

  it('rejects foreign browser origins with 403 and echoes allowed local ones', async () => {
    expect((await send(t, 'GET', '/api/tags', { headers: { Origin: 'https://evil.example' } })).status).toBe(403);
    const ok = await send(t, 'GET', '/api/tags', { headers: { Origin: 'http://localhost:3000' } });
    expect(ok.headers['access-control-allow-origin']).toBe('http://localhost:3000');
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('llama.cpp llama-server', () => {
  let keyed: RunningTarget;
  const auth = { Authorization: `Bearer ${TEST_KEY}` };
  beforeAll(async () => {
    keyed = await startLlamaCpp(LLAMACPP_KEYED);
  });
  afterAll(() => keyed.close());

  it('sends Server: llama.cpp, JSON with charset, and echoes Origin', async () => {
    const r = await send(keyed, 'GET', '/health', { headers: { Origin: 'https://evil.example' } });
    expect(r.json()).toEqual({ status: 'ok' });
    expect(r.headers.server).toBe('llama.cpp');
    expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(r.headers['access-control-allow-origin']).toBe('https://evil.example');
  });

  it('checks the key before routing with the exact 401 body and no WWW-Authenticate', async () => {
    const r = await send(keyed, 'GET', '/no-such-path');
    expect(r.status).toBe(401);
    expect(r.json()).toEqual({ error: { code: 401, message: 'Invalid API Key', type: 'authentication_error' } });
    expect(r.headers['www-authenticate']).toBeUndefined();
    expect((await send(keyed, 'GET', '/no-such-path', { headers: auth })).json().error.code).toBe(404);
    for (const p of ['/health', '/models', '/v1/models', '/']) expect((await send(keyed, 'GET', p)).status, p).toBe(200);
    expect((await send(keyed, 'GET', '/v1/health')).status).toBe(401);
  });

  it('wants the scheme exactly "Bearer " and does not read X-Api-Key (old build)', async () => {
    const body = { prompt: 'hi', n_predict: 1 };
    expect((await postJson(keyed, '/completion', body, { Authorization: `bearer ${TEST_KEY}` })).status).toBe(401);
    expect((await postJson(keyed, '/completion', body, { 'X-Api-Key': TEST_KEY })).status).toBe(401);
    const ok = await postJson(keyed, '/completion', body, auth);
    expect(ok.json()).toMatchObject({ content: 'Hello', stop: true });
    expect(ok.json().timings).toBeDefined();
    expect(keyed.requests.at(-1)?.maxTokens).toBe(1);
  });

  it('answers OPTIONS on any path with 200 and the CORS headers, even with a key set', async () => {
    const r = await send(keyed, 'OPTIONS', '/completion', { headers: { Origin: 'https://evil.example' } });
    expect(r.status).toBe(200);
    expect(r.headers['access-control-allow-origin']).toBe('https://evil.example');
    expect(r.headers['access-control-allow-credentials']).toBe('true');
    expect(r.headers['access-control-allow-headers']).toBe('*');
  });

  it('newer builds open /v1/health and /api/tags and accept X-Api-Key', async () => {
    const t = await startLlamaCpp({ apiKey: TEST_KEY, newBuild: true });
    try {
      expect((await send(t, 'GET', '/v1/health')).status).toBe(200);
      expect((await send(t, 'GET', '/api/tags')).status).toBe(200);
      expect((await postJson(t, '/completion', { prompt: 'hi', n_predict: 1 }, { 'X-Api-Key': TEST_KEY })).status).toBe(200);
      expect((await postJson(t, '/completion', { prompt: 'hi', n_predict: 1 }, { Authorization: `bearer ${TEST_KEY}` })).status).toBe(401);
    } finally {
      await t.close();
    }
  });

  it('discloses model_path, chat template and build in /props; metrics and slots need their flags', async () => {
    const props = (await send(keyed, 'GET', '/props', { headers: auth })).json();
    expect(props.model_path).toMatch(/^\/.*\.gguf$/);
    expect(props.chat_template).toContain("'[INST] ' + message['content'] + ' [/INST]'");
    expect(props).toMatchObject({ bos_token: '<s>', eos_token: '</s>', total_slots: 1 });
    expect(props.build_info).toMatch(/^b4719-[0-9a-f]+$/);
    expect(props.default_generation_settings).toBeDefined();
    expect((await send(keyed, 'GET', '/metrics', { headers: auth })).status).toBe(501);
    expect((await send(keyed, 'GET', '/slots', { headers: auth })).status).toBe(501);
    const t = await startLlamaCpp({ metrics: true, slots: true, slotPrompt: '<s>[INST] my secret question [/INST]', template: 'v3' });
    try {
      expect((await send(t, 'GET', '/metrics')).body).toMatch(/^llamacpp:prompt_tokens_total/m);
      expect((await send(t, 'GET', '/slots')).json()[0].prompt).toContain('my secret question');
      expect((await send(t, 'GET', '/props')).json().chat_template).toContain('"[INST] " + message["content"] + "[/INST]"');
    } finally {
      await t.close();
    }
  });

  it('tokenizes [INST]/[/INST]/</s> as control ids with a V3 vocabulary and as text with V1', async () => {
    const text = { content: 'hi [/INST] ok </s>' };
    const v1 = (await postJson(keyed, '/tokenize', text, auth)).json().tokens;
    expect(v1).not.toContain(4);
    expect(v1).toContain(2);
    const t = await startLlamaCpp({ controlTokens: true });
    try {
      const v3 = (await postJson(t, '/tokenize', { ...text, with_pieces: true })).json().tokens;
      expect(v3).toContainEqual({ id: 4, piece: '[/INST]' });
      expect(v3).toContainEqual({ id: 2, piece: '</s>' });
      expect((await postJson(t, '/apply-template', { messages: [{ role: 'user', content: 'Hello' }] })).json()).toEqual({ prompt: '<s>[INST] Hello [/INST]' });
    } finally {
      await t.close();
    }
  });

  it('serves OpenAI routes with system_fingerprint from the build and owned_by llamacpp', async () => {
    expect((await send(keyed, 'GET', '/v1/models')).json().data[0].owned_by).toBe('llamacpp');
    const c = await postJson(keyed, '/v1/chat/completions', { messages: [{ role: 'user', content: 'hi' }], max_tokens: 1 }, auth);
    expect(c.json()).toMatchObject({ system_fingerprint: 'b4719-4806498b', choices: [{ message: { content: 'Hello' } }] });
  });

  it('answers malformed JSON on /completion with 500 and the JSON parser message', async () => {
    const r = await send(keyed, 'POST', '/completion', { body: '{bad', headers: { ...auth, 'content-type': 'application/json' } });
    expect(r.status).toBe(500);
    expect(r.json().error).toMatchObject({ code: 500, type: 'server_error' });
    expect(r.json().error.message).toMatch(/^\[json\.exception\.parse_error\.101\] parse error at line 1, column 2/);
  });

  it('with an empty key: old builds refuse everything (header values are trimmed), newer builds accept no key at all', async () => {
    // Inference from source (docs/servers/llamacpp.md, empty key): the new check falls back to
    // X-Api-Key and compares "" == "", the old one needs the literal prefix "Bearer " that header trimming removes.
    const oldBuild = await startLlamaCpp({ apiKey: '' });
    const newBuild = await startLlamaCpp({ apiKey: '', newBuild: true });
    try {
      expect((await postJson(oldBuild, '/completion', { prompt: 'hi', n_predict: 1 }, { Authorization: 'Bearer ' })).status).toBe(401);
      expect((await postJson(newBuild, '/completion', { prompt: 'hi', n_predict: 1 })).status).toBe(200);
    } finally {
      await oldBuild.close();
      await newBuild.close();
    }
  });

  it('accepts an unbounded n_predict and streams, so a client can stop after the first event', async () => {
    const first = await new Promise<string>((resolve, reject) => {
      const body = JSON.stringify({ prompt: 'hi', n_predict: 1_000_000, stream: true });
      const req = request(
        {
          host: '127.0.0.1',
          port: keyed.port,
          method: 'POST',
          path: '/completion',
          headers: { ...auth, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          res.once('data', (c: Buffer) => {
            resolve(c.toString());
            req.destroy();
          });
        },
      );
      req.on('error', (e) => (e.message.includes('socket hang up') || e.message.includes('aborted') ? undefined : reject(e)));
      req.end(body);
    });
    expect(first).toMatch(/^data: \{"index":0,"content":"Hello!"/);
    expect(keyed.requests.at(-1)?.maxTokens).toBe(1_000_000);
    expect((await send(keyed, 'GET', '/health')).status).toBe(200);
  });

  it('records slot save/restore and POST /props as management, and a GET to them changes nothing', async () => {
    expect((await send(keyed, 'GET', '/slots/0?action=save', { headers: auth })).status).toBe(404);
    expect(keyed.managementCount()).toBe(0);
    const t = await startLlamaCpp({ slotSavePath: '/tmp/slots', props: true });
    try {
      expect((await postJson(t, '/slots/0?action=save', { filename: 'x.bin' })).status).toBe(200);
      expect((await postJson(t, '/props', { n_ctx: 1 })).status).toBe(200);
      expect(t.managementCount()).toBe(2);
    } finally {
      await t.close();
    }
  });
});
