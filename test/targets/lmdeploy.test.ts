// The LMDeploy emulator answers as docs/servers/lmdeploy.md says `lmdeploy serve api_server` does, fact by fact; the
// profile names it from what the cheap phase sees, and a scan reports its quirks as findings.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cheapPhasePaths } from '../../src/engine/profiles/index.js';
import { lmdeployProfile } from '../../src/engine/profiles/lmdeploy.js';
import { sglangProfile } from '../../src/engine/profiles/sglang.js';
import { vllmProfile } from '../../src/engine/profiles/vllm.js';
import { scan } from '../../src/engine/scan.js';
import type { RunningTarget } from './harness.js';
import { KEYED, type LmdeployOptions, OPEN, startLmdeploy } from './lmdeploy.js';
import { TEST_KEY } from './mistral-model.js';
import { observe, postJson, send } from './wire-client.js';

const MODEL = 'internlm/internlm2_5-7b-chat';
const CHAT = { model: MODEL, messages: [{ role: 'user', content: 'Hello' }], max_tokens: 1 };
const KEY = { Authorization: `Bearer ${TEST_KEY}` };
const REFUSED = { message: 'Unauthorized.', type: 'authentication_error', code: 401, param: null, object: 'error' };

const started: RunningTarget[] = [];
async function start(options: LmdeployOptions): Promise<RunningTarget> {
  const t = await startLmdeploy(options);
  started.push(t);
  return t;
}
afterAll(async () => {
  await Promise.all(started.map((t) => t.close()));
});

describe('LMDeploy emulator: the key middleware (0.16.0)', () => {
  let t: RunningTarget;
  beforeAll(async () => {
    t = await start({ ...KEYED, apiKeys: [TEST_KEY, 'second-key'], enableMetrics: true });
  });

  it('refuses every path before routing with the flat error object, docs, schema, metrics and unknown paths included', async () => {
    for (const [method, path] of [
      ['GET', '/'],
      ['GET', '/openapi.json'],
      ['GET', '/v1/models'],
      ['GET', '/metrics'],
      ['GET', '/nope'],
      ['GET', '/v1/chat/completions'],
      ['POST', '/update_weights'],
    ]) {
      const r = await send(t, method as string, path as string);
      expect([r.status, r.json()], `${method} ${path}`).toEqual([401, REFUSED]);
      expect(r.headers['www-authenticate']).toBeUndefined();
    }
    expect(t.inferenceCount() + t.managementCount()).toBe(0);
  });

  it("refuses in the route's own protocol on /v1/messages and /v1/responses", async () => {
    expect((await postJson(t, '/v1/messages', {})).json()).toEqual({
      type: 'error',
      error: { type: 'authentication_error', message: 'Unauthorized.' },
    });
    expect((await postJson(t, '/v1/responses', {})).json()).toEqual({
      error: { message: 'Unauthorized.', type: 'invalid_request_error', param: null, code: 401 },
    });
  });

  it('skips paths starting with /health, /docs, /redoc (a prefix test) and every OPTIONS', async () => {
    expect((await send(t, 'GET', '/health')).json()).toEqual({ status: 'healthy', message: 'Engine is healthy.' });
    expect([(await send(t, 'GET', '/health/readiness')).status, (await send(t, 'GET', '/healthz')).status]).toEqual([404, 404]);
    expect((await send(t, 'GET', '/redoc')).body).toContain('<redoc spec-url="/openapi.json">');
    expect((await send(t, 'GET', '/docs')).json()).toEqual({ detail: 'Not Found' });
    expect((await send(t, 'GET', '/docs/oauth2-redirect')).status).toBe(200);
    const pre = await send(t, 'OPTIONS', '/v1/chat/completions', {
      headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect([pre.status, pre.headers['access-control-allow-origin']]).toEqual([200, '*']);
    // CORS sits inside the key check: a refusal carries no CORS header.
    expect((await send(t, 'GET', '/v1/models', { headers: { Origin: 'https://evil.example' } })).headers['access-control-allow-origin']).toBeUndefined();
    expect((await send(t, 'GET', '/v1/models', { headers: { ...KEY, Origin: 'https://evil.example' } })).headers['access-control-allow-origin']).toBe('*');
  });

  it('reads only Authorization: any-case bearer, everything after the first space, every listed key', async () => {
    const status = async (headers: Record<string, string>, path = '/v1/models') => (await send(t, 'GET', path, { headers })).status;
    expect(await status(KEY)).toBe(200);
    expect(await status({ Authorization: 'Bearer second-key' })).toBe(200);
    expect(await status({ Authorization: `BEARER ${TEST_KEY}` })).toBe(200);
    expect(await status({ Authorization: `Bearer  ${TEST_KEY}` })).toBe(401);
    // HTTP strips a value's trailing whitespace (h11 and Node alike) before the middleware sees it.
    expect(await status({ Authorization: `Bearer ${TEST_KEY} ` })).toBe(200);
    expect(await status({ Authorization: `Basic ${TEST_KEY}` })).toBe(401);
    expect(await status({ Authorization: TEST_KEY })).toBe(401);
    expect(await status({ 'X-API-Key': TEST_KEY })).toBe(401);
    expect(await status({}, `/v1/models?api_key=${TEST_KEY}`)).toBe(401);
  });

  it("routes after the key: 405 and 404 in FastAPI's shape, Swagger UI at /", async () => {
    const method = await send(t, 'GET', '/v1/chat/completions', { headers: KEY });
    expect([method.status, method.headers.allow, method.json()]).toEqual([405, 'POST', { detail: 'Method Not Allowed' }]);
    expect((await send(t, 'GET', '/nope', { headers: KEY })).json()).toEqual({ detail: 'Not Found' });
    expect((await send(t, 'GET', '/', { headers: KEY })).body).toContain("url: '/openapi.json'");
    const doc = (await send(t, 'GET', '/openapi.json', { headers: KEY })).json();
    expect(doc.info).toEqual({ title: 'FastAPI', version: '0.1.0' });
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/encode', '/pooling', '/get_ppl', '/is_sleeping', '/anthropic/v1/models', '/generate']));
    expect((await send(t, 'GET', '/metrics', { headers: KEY })).body).toContain('lmdeploy:num_requests_running');
  });
});

describe('LMDeploy emulator: the Host header and Starlette', () => {
  it('on Starlette before 1.0.1 a Host of `x/health?` lets any request past the middleware', async () => {
    const t = await start({ ...KEYED, starletteHostBug: true });
    const r = await postJson(t, '/v1/chat/completions', CHAT, {}, 'x/health?');
    expect(r.status).toBe(200);
    expect(r.json().choices[0].message.content).toBe('Hello');
    expect(t.inferenceCount()).toBe(1);
  });

  it('on Starlette 1.0.1 and later the same request is refused', async () => {
    const t = await start(KEYED);
    expect((await postJson(t, '/v1/chat/completions', CHAT, {}, 'x/health?')).status).toBe(401);
    expect(t.inferenceCount()).toBe(0);
  });
});

describe('LMDeploy emulator: requests and answers', () => {
  let t: RunningTarget;
  beforeAll(async () => {
    t = await start({ ...KEYED, sessionLen: 4096 });
  });

  it('turns validation errors into a 400 naming the first one; JSON only; malformed JSON by its position', async () => {
    const first = await postJson(t, '/v1/chat/completions', {}, KEY);
    expect([first.status, first.json()]).toEqual([
      400,
      { message: 'model: Field required', type: 'invalid_request_error', code: 400, param: null, object: 'error' },
    ]);
    // validate_json_request runs before the body is validated: no content type is refused first.
    expect((await send(t, 'POST', '/v1/chat/completions', { headers: KEY })).json().message).toBe("Unsupported Media Type: Only 'application/json' is allowed");
    expect((await send(t, 'POST', '/v1/chat/completions', { headers: { ...KEY, 'content-type': 'application/json' } })).json().message).toBe('Field required');
    expect((await postJson(t, '/v1/chat/completions', '{"model": ', KEY)).json().message).toBe('10: JSON decode error');
    const form = await send(t, 'POST', '/v1/chat/completions', {
      headers: { ...KEY, 'content-type': 'text/plain' },
      body: JSON.stringify(CHAT),
    });
    expect(form.json().message).toBe("Unsupported Media Type: Only 'application/json' is allowed");
    const unknown = await postJson(t, '/v1/chat/completions', { ...CHAT, model: 'gpt-4' }, KEY);
    expect([unknown.status, unknown.json()]).toEqual([
      404,
      { message: "The model 'gpt-4' does not exist.", type: 'not_found_error', code: 404, param: null, object: 'error' },
    ]);
    expect(t.inferenceCount()).toBe(0);
  });

  it('answers chat with its own extras, takes messages as a string, and fills the session without a limit', async () => {
    const r = (await postJson(t, '/v1/chat/completions', CHAT, KEY)).json();
    expect(r.id).toMatch(/^chatcmpl-/);
    expect(r.choices[0]).toEqual({
      index: 0,
      message: { role: 'assistant', content: 'Hello', reasoning_content: null, tool_calls: null },
      logprobs: null,
      output_token_logprobs: null,
      finish_reason: 'length',
      output_ids: null,
      routed_experts: null,
    });
    expect(r.usage).toMatchObject({ completion_tokens: 1, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: null });
    expect(r.service_tier).toBeNull();
    expect((await postJson(t, '/v1/chat/completions', { ...CHAT, messages: 'Hello' }, KEY)).status).toBe(200);
    const before = t.requests.length;
    await postJson(t, '/v1/chat/completions', { model: MODEL, messages: 'Hello', max_completion_tokens: 2 }, KEY);
    await postJson(t, '/v1/chat/completions', { model: MODEL, messages: 'Hello' }, KEY);
    expect(t.requests.slice(before).map((x) => x.maxTokens)).toEqual([2, 4096 - 3]);
    const zero = await postJson(t, '/v1/completions', { model: MODEL, prompt: 'Hi', max_tokens: 0 }, KEY);
    expect([zero.status, zero.json().message]).toEqual([400, 'max_new_tokens must be at least 1, got 0.']);
  });

  it("streams LF-separated frames of Python's json.dumps without null fields, the role on every chunk, then [DONE]", async () => {
    const r = await postJson(t, '/v1/chat/completions', { ...CHAT, max_tokens: 2, stream: true }, KEY);
    expect(r.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const frames = r.body.split('\n\n').filter(Boolean);
    expect(frames[0]).toMatch(
      /^data: \{"id": "chatcmpl-\w+", "object": "chat.completion.chunk", "created": \d+, "model": "internlm\/internlm2_5-7b-chat", "choices": \[\{"index": 0, "delta": \{"role": "assistant", "content": "Hello!"\}\}\]\}$/,
    );
    expect(JSON.parse(frames[1]!.slice(6)).choices[0].finish_reason).toBe('length');
    expect(frames.at(-1)).toBe('data: [DONE]');
  });

  it('serves /generate (prompt or input_ids, 128 tokens by default), the tokenizer and forward passes', async () => {
    const g = await postJson(t, '/generate', { prompt: 'Hi', max_tokens: 1 }, KEY);
    expect(g.json()).toMatchObject({
      text: 'Hello',
      meta_info: { completion_tokens: 1, finish_reason: { type: 'length' }, routed_experts: null },
    });
    expect((await postJson(t, '/generate', {}, KEY)).json().message).toBe('You must specify exactly one of prompt or input_ids');
    const before = t.requests.length;
    await postJson(t, '/generate', { prompt: 'Hi' }, KEY);
    expect(t.requests[before]!.maxTokens).toBe(128);
    const enc = (await postJson(t, '/v1/encode', { input: '[INST] hi', add_bos: false }, KEY)).json();
    expect(enc.input_ids[0]).toBe(3);
    expect(enc.length).toBe(enc.input_ids.length);
    const pooled = await postJson(t, '/pooling', { input: 'Hi' }, KEY);
    expect(pooled.json().data[0]).toEqual({ index: 0, object: 'pooling', data: 0.5 });
    expect(t.requests.at(-1)).toMatchObject({ inference: true, maxTokens: 0 });
  });

  it("serves the Anthropic Messages route behind an anthropic-version header, in Anthropic's shapes", async () => {
    const body = { model: MODEL, max_tokens: 1, messages: [{ role: 'user', content: 'Hi' }] };
    expect((await postJson(t, '/v1/messages', body, KEY)).json()).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'Missing required header: anthropic-version' },
    });
    const m = (await postJson(t, '/v1/messages', body, { ...KEY, 'anthropic-version': '2023-06-01' })).json();
    expect(m).toMatchObject({ type: 'message', role: 'assistant', content: [{ type: 'text', text: 'Hello' }], stop_reason: 'max_tokens' });
    const s = await postJson(t, '/v1/messages', { ...body, stream: true }, { ...KEY, 'anthropic-version': '2023-06-01' });
    expect(
      s.body
        .split('\n\n')
        .filter(Boolean)
        .map((f) => f.split('\n')[0]),
    ).toEqual([
      'event: message_start',
      'event: content_block_start',
      'event: content_block_delta',
      'event: content_block_stop',
      'event: message_delta',
      'event: message_stop',
    ]);
  });

  it('acts on management routes: sleep stops inference with 503 until wakeup; terminate and abort need their flags', async () => {
    const m = await start({ ...KEYED });
    expect((await send(m, 'POST', '/sleep', { headers: KEY })).json().message).toBe("Unsupported Media Type: Only 'application/json' is allowed");
    expect((await send(m, 'POST', '/sleep?level=3', { headers: { ...KEY, 'content-type': 'application/json' } })).json().message).toBe(
      'The "level" query parameter must be 1 or 2.',
    );
    const sleep = await send(m, 'POST', '/sleep', { headers: { ...KEY, 'content-type': 'application/json' } });
    expect([sleep.status, sleep.body]).toEqual([200, '']);
    const asleep = await postJson(m, '/v1/chat/completions', CHAT, KEY);
    expect([asleep.status, asleep.json().type]).toEqual([503, 'server_error']);
    expect((await send(m, 'GET', '/health')).json()).toEqual({ status: 'sleeping', message: 'Engine is sleeping.' });
    await send(m, 'POST', '/wakeup', { headers: { ...KEY, 'content-type': 'application/json' } });
    expect((await postJson(m, '/v1/chat/completions', CHAT, KEY)).status).toBe(200);
    const terminate = await send(m, 'GET', '/terminate', { headers: KEY });
    expect([terminate.status, terminate.json().message]).toEqual([
      400,
      'The server can not be terminated. Please add --allow-terminate-by-client when start the server.',
    ]);
    const abort = await postJson(m, '/abort_request', { abort_all: true }, KEY);
    expect([abort.status, abort.headers['content-type'], abort.body]).toEqual([
      501,
      undefined,
      'This server does not support abort requests. Enable with --enable-abort-handling flag.',
    ]);
    expect(m.managementCount()).toBe(2);
  });
});

describe('LMDeploy emulator: earlier releases and no keys', () => {
  it('0.12.2–0.15.x refuse with {"error":"Unauthorized"} and answer 422 with the body echoed', async () => {
    const t = await start({ ...KEYED, version: '0.15.0' });
    expect((await send(t, 'GET', '/')).json()).toEqual({ error: 'Unauthorized' });
    const v = await postJson(t, '/v1/completions', { prompt: 'Hi' }, KEY);
    expect([v.status, v.json()]).toEqual([
      422,
      { detail: [{ type: 'missing', loc: ['body', 'model'], msg: 'Field required', input: { prompt: 'Hi' } }], body: { prompt: 'Hi' } },
    ]);
  });

  it('up to 0.12.1 the key is a per-route dependency: /pooling and /abort_request answer without it, docs are open', async () => {
    const t = await start({ ...KEYED, version: '0.12.1' });
    const refused = await send(t, 'GET', '/v1/models');
    expect([refused.status, refused.json()]).toEqual([
      401,
      {
        detail: {
          error: { message: 'Please request with valid api key!', type: 'invalid_request_error', param: null, code: 'invalid_api_key' },
        },
      },
    ]);
    expect((await send(t, 'GET', '/v1/chat/completions')).status).toBe(405);
    expect((await send(t, 'GET', '/')).status).toBe(200);
    expect((await postJson(t, '/pooling', { input: 'Hi' })).status).toBe(200);
    expect(t.inferenceCount()).toBe(1);
    expect((await postJson(t, '/abort_request', {})).status).toBe(501);
    expect((await send(t, 'GET', '/health')).body).toBe('');
    expect((await postJson(t, '/v1/messages', {})).status).toBe(404);
  });

  it('without keys (or with only empty ones) every route answers', async () => {
    for (const options of [OPEN, { apiKeys: [''] }]) {
      const t = await start(options);
      const models = (await send(t, 'GET', '/v1/models')).json();
      expect(models.data[0]).toMatchObject({ id: MODEL, owned_by: 'lmdeploy', root: MODEL, parent: null });
      expect(models.data[0].permission[0]).toMatchObject({ object: 'model_permission', organization: '*', is_blocking: false });
      expect((await postJson(t, '/v1/chat/completions', CHAT)).status).toBe(200);
    }
  });
});

describe('LMDeploy profile on the emulator', () => {
  const detect = async (options: LmdeployOptions, paths: readonly string[] = cheapPhasePaths()) => {
    const signals = await observe(await start(options), paths);
    return {
      lmdeploy: lmdeployProfile.detect(signals),
      sglang: sglangProfile.detect(signals).confidence,
      vllm: vllmProfile.detect(signals).confidence,
      version: lmdeployProfile.version?.(signals),
    };
  };

  it('names an open LMDeploy from its model list and schema', async () => {
    const c = await detect(OPEN);
    expect(c.lmdeploy.confidence, c.lmdeploy.signals.join('; ')).toBeGreaterThanOrEqual(0.95);
    expect(c.version).toBeNull();
  });

  it('names a keyed 0.16 from the flat refusal on every path, above vLLM and SGLang', async () => {
    const c = await detect(KEYED);
    expect(c.lmdeploy.confidence, c.lmdeploy.signals.join('; ')).toBeGreaterThanOrEqual(0.85);
    expect(c.lmdeploy.confidence).toBeGreaterThan(Math.max(c.sglang, c.vllm));
  });

  it('tells a keyed 0.12.2–0.15.x from SGLang once /redoc is asked (the cheap phase asks it when every path is refused alike)', async () => {
    const c = await detect({ ...KEYED, version: '0.15.0' }, [...cheapPhasePaths(), '/redoc']);
    expect(c.lmdeploy.signals[0]).toMatch(/GET \/redoc open/);
    expect(c.lmdeploy.confidence).toBeGreaterThan(c.sglang);
  });

  it("names a keyed 0.12.1 from the dependency's refusal next to Swagger UI at the root", async () => {
    const c = await detect({ ...KEYED, version: '0.12.1' });
    expect(c.lmdeploy.confidence, c.lmdeploy.signals.join('; ')).toBeGreaterThanOrEqual(0.8);
  });
});

describe('LMDeploy scans', () => {
  const rules = (r: Awaited<ReturnType<typeof scan>>) => [
    ...new Set(r.findings.map((f) => `${f.rule} ${f.endpoint.method} ${new URL(f.endpoint.url).pathname}`)),
  ];

  it('a keyed 0.15 is named LMDeploy in a scan: the cheap phase asks /redoc when the first round is refused alike', async () => {
    const t = await start({ ...KEYED, version: '0.15.0' });
    const r = await scan({ url: t.url }, { surfaceOnly: true, budget: 20 });
    expect(r.fingerprint.product, r.fingerprint.signals.join('; ')).toBe('lmdeploy');
    expect(t.requests.filter((x) => x.method === 'GET' && x.url === '/redoc')).toHaveLength(1);
  });

  it('on Starlette before 1.0.1, a keyed server is bypassed with a Host of x/health?: auth.host-header', async () => {
    const t = await start({ ...KEYED, starletteHostBug: true });
    const r = await scan({ url: t.url }, { depth: 'standard' });
    expect(r.fingerprint.product).toBe('lmdeploy');
    expect(rules(r)).toContain('auth.host-header POST /v1/chat/completions');
    expect(r.findings.some((f) => f.rule === 'auth.missing')).toBe(false);
  });

  it('on Starlette 1.0.1 the same keyed server has no bypass finding (only the unthrottled wrong keys)', async () => {
    const t = await start(KEYED);
    const r = await scan({ url: t.url }, { depth: 'standard' });
    expect(r.findings.filter((f) => f.rule.startsWith('auth.')).map((f) => f.rule)).toEqual(['auth.brute-force']);
  });

  it('0.12.1 leaves /pooling open with a key set: auth.alternate-path, a forward pass without credentials', async () => {
    const t = await start({ ...KEYED, version: '0.12.1' });
    const r = await scan({ url: t.url }, { depth: 'standard' });
    expect(r.fingerprint.product).toBe('lmdeploy');
    expect(rules(r)).toContain('auth.alternate-path POST /pooling');
    expect(r.findings.some((f) => f.rule === 'auth.missing')).toBe(false);
  });

  it('never sends GET /terminate (GET is its acting method), even at deep depth with the management routes open', async () => {
    for (const options of [
      { ...KEYED, version: '0.12.1', allowTerminateByClient: true },
      { ...KEYED, allowTerminateByClient: true },
    ]) {
      const t = await start(options);
      await scan({ url: t.url }, { depth: 'deep' });
      expect(t.requests.filter((x) => x.url.split('?')[0] === '/terminate' && x.method === 'GET')).toEqual([]);
      expect(t.managementCount()).toBe(0);
    }
  });
});
