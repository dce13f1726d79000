// Proof that the emulators of SGLang, LiteLLM, LocalAI, KoboldCpp, text-generation-webui, LM Studio and Triton behave
// on the wire as docs/servers/ says the real servers do.
// Plain fetch (and node:http where a forged Host header is needed); each assertion names the fact it pins.
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_KEY } from './emulator-kit.js';
import type { RunningTarget } from './harness.js';
import * as kobold from './koboldcpp.js';
import * as litellm from './litellm.js';
import * as lmstudio from './lmstudio.js';
import * as localai from './localai.js';
import * as sglang from './sglang.js';
import * as textgen from './textgen-webui.js';
import * as triton from './triton.js';

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: test-side convenience, bodies are checked by shape below
  json: any;
}

async function call(t: RunningTarget, path: string, init: { method?: string; headers?: Record<string, string>; body?: unknown } = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...init.headers };
  let payload: string | undefined;
  if (init.body !== undefined) {
    payload = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
    headers['content-type'] ??= 'application/json';
  }
  const r = await fetch(t.url + path, { method: init.method ?? (payload === undefined ? 'GET' : 'POST'), headers, body: payload });
  const text = await r.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: r.status, headers: r.headers, text, json };
}

/** node:http, because fetch will not send a forged Host header. */
function rawCall(
  t: RunningTarget,
  path: string,
  host: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: t.port,
        path,
        method: payload ? 'POST' : 'GET',
        headers: { host, ...(payload ? { 'content-type': 'application/json' } : {}), ...headers },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const bearer = (k = TEST_KEY) => ({ authorization: `Bearer ${k}` });
const chatBody = (model = 'mistral-7b-instruct', max = 1) => ({ model, messages: [{ role: 'user', content: 'Hello' }], max_tokens: max });
const lastRecord = (t: RunningTarget, path: string) => [...t.requests].reverse().find((r) => r.url === path);

/** Starts one emulator per configuration and closes them all at the end of the file. */
const running: RunningTarget[] = [];
async function up(p: Promise<RunningTarget>): Promise<RunningTarget> {
  const t = await p;
  running.push(t);
  return t;
}
afterAll(async () => {
  await Promise.all(running.map((t) => t.close()));
});

describe('SGLang', () => {
  let open: RunningTarget, keyed: RunningTarget, admin: RunningTarget;
  beforeAll(async () => {
    open = await up(sglang.startSglang(sglang.OPEN));
    keyed = await up(sglang.startSglang(sglang.KEYED));
    admin = await up(sglang.startSglang({ apiKey: TEST_KEY, adminApiKey: 'admin-key-456' }));
  });

  it('fingerprints: owned_by sglang, server uvicorn, /get_model_info paths', async () => {
    const models = await call(open, '/v1/models');
    expect(models.json.data[0].owned_by).toBe('sglang');
    expect(models.headers.get('server')).toBe('uvicorn');
    const info = await call(open, '/get_model_info');
    expect(info.json).toMatchObject({ model_path: expect.stringMatching(/^\//), tokenizer_path: expect.any(String) });
  });

  it('native /generate: {text, sampling_params.max_new_tokens} → {text, meta_info}, one token marked', async () => {
    const r = await call(open, '/generate', { body: { text: 'Hello', sampling_params: { max_new_tokens: 1 } } });
    expect(r.status).toBe(200);
    expect(r.json.text).toBe('Hello');
    expect(r.json.meta_info).toBeDefined();
    expect(lastRecord(open, '/generate')).toMatchObject({ inference: true, maxTokens: 1 });
  });

  it('with --api-key: 401 {"error":"Unauthorized"}, before routing (unknown path is 401 too)', async () => {
    const r = await call(keyed, '/v1/chat/completions', { body: chatBody() });
    expect(r.status).toBe(401);
    expect(r.json).toEqual({ error: 'Unauthorized' });
    expect((await call(keyed, '/no-such-route')).status).toBe(401);
    expect((await call(keyed, '/v1/chat/completions', { body: chatBody(), headers: bearer('wrong') })).status).toBe(401);
  });

  it('tokens from Authorization with the scheme in any case, or from x-api-key', async () => {
    const sources: Record<string, string>[] = [
      bearer(),
      { authorization: `bearer ${TEST_KEY}` },
      { authorization: `BEARER ${TEST_KEY}` },
      { 'x-api-key': TEST_KEY },
    ];
    for (const headers of sources) {
      expect((await call(keyed, '/v1/chat/completions', { body: chatBody(), headers })).status).toBe(200);
    }
  });

  it('always open with a key: /health*, /ready*, /metrics; /health_generate runs a one-token generation', async () => {
    expect((await call(keyed, '/health')).status).toBe(200);
    expect((await call(keyed, '/health_generate')).status).toBe(200);
    expect(lastRecord(keyed, '/health_generate')).toMatchObject({ inference: true, maxTokens: 1 });
    expect((await call(keyed, '/ready')).status).not.toBe(401);
    const metrics = await call(keyed, '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain('sglang:');
  });

  it('OPTIONS skips auth; CORS echoes the origin with credentials', async () => {
    const r = await call(keyed, '/v1/chat/completions', {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('access-control-allow-origin')).toBe('https://evil.example');
    expect(r.headers.get('access-control-allow-credentials')).toBe('true');
  });

  it('admin routes with no admin key configured → 403 {"error":"Forbidden"}, even with the api key', async () => {
    const r = await call(keyed, '/flush_cache', { method: 'POST', headers: bearer() });
    expect(r.status).toBe(403);
    expect(r.json).toEqual({ error: 'Forbidden' });
    expect((await call(open, '/flush_cache', { method: 'POST' })).status).toBe(403);
  });

  it('with --admin-api-key: admin routes take only the admin key, normal routes only the api key', async () => {
    expect((await call(admin, '/flush_cache', { method: 'POST', headers: bearer('admin-key-456') })).status).toBe(200);
    expect((await call(admin, '/flush_cache', { method: 'POST', headers: bearer() })).status).toBe(401);
    expect((await call(admin, '/v1/models', { headers: bearer('admin-key-456') })).status).toBe(401);
    expect((await call(admin, '/update_weights_from_disk', { body: {}, headers: bearer('admin-key-456') })).status).toBe(400);
  });

  it("adminLevel 'optional' (ADMIN_OPTIONAL): open when no key is configured", async () => {
    const t = await up(sglang.startSglang({ adminLevel: 'optional' }));
    expect((await call(t, '/flush_cache')).status).toBe(200);
  });

  it('hostHeaderBug: Host "x/health?" makes a guarded route look public; without it the same request is refused', async () => {
    const bug = await up(sglang.startSglang({ ...sglang.KEYED, hostHeaderBug: true }));
    expect((await rawCall(bug, '/v1/chat/completions', 'x/health?', chatBody())).status).toBe(200);
    expect((await rawCall(keyed, '/v1/chat/completions', 'x/health?', chatBody())).status).toBe(401);
  });

  it('legacyCompare: `Authorization != "Bearer " + key` — scheme case-sensitive, x-api-key ignored', async () => {
    const old = await up(sglang.startSglang({ ...sglang.KEYED, legacyCompare: true }));
    expect((await call(old, '/v1/chat/completions', { body: chatBody(), headers: bearer() })).status).toBe(200);
    expect((await call(old, '/v1/chat/completions', { body: chatBody(), headers: { authorization: `bearer ${TEST_KEY}` } })).status).toBe(401);
    expect((await call(old, '/v1/chat/completions', { body: chatBody(), headers: { 'x-api-key': TEST_KEY } })).status).toBe(401);
  });

  it('/get_server_info dumps the server arguments, and recent prompts when kept', async () => {
    const t = await up(sglang.startSglang({ recentPrompts: ['my secret prompt'] }));
    const r = await call(t, '/get_server_info');
    expect(r.json.model_path).toBeDefined();
    expect(r.text).toContain('my secret prompt');
  });

  it('/tokenize turns [INST] typed by a user into control-token ids (Mistral V3 tokenizer)', async () => {
    const r = await call(open, '/tokenize', { body: { prompt: 'Hi[/INST] [INST] x' } });
    expect(r.json.tokens).toEqual(expect.arrayContaining([3, 4]));
    expect(r.json.tokens).toHaveLength(5);
  });

  it('a limit beyond the context is refused (400), not generated', async () => {
    const r = await call(open, '/v1/chat/completions', { body: chatBody('m', 1_000_000) });
    expect(r.status).toBe(400);
  });
});

describe('LiteLLM proxy', () => {
  let open: RunningTarget, keyed: RunningTarget;
  beforeAll(async () => {
    open = await up(litellm.startLitellm(litellm.OPEN));
    keyed = await up(litellm.startLitellm(litellm.KEYED));
  });

  it('no master_key = every request allowed, whatever key it carries', async () => {
    expect((await call(open, '/chat/completions', { body: chatBody() })).status).toBe(200);
    const r = await call(open, '/v1/chat/completions', { body: chatBody(), headers: bearer('anything-at-all') });
    expect(r.status).toBe(200);
    expect(r.json.choices[0].message.content).toBe('Hello');
    expect(lastRecord(open, '/v1/chat/completions')).toMatchObject({ inference: true, maxTokens: 1 });
  });

  it('headers: x-litellm-version/-call-id/-model-id/-response-cost, server uvicorn', async () => {
    const r = await call(open, '/chat/completions', { body: chatBody() });
    for (const h of ['x-litellm-version', 'x-litellm-call-id', 'x-litellm-model-id', 'x-litellm-response-cost']) expect(r.headers.get(h)).toBeTruthy();
    expect(r.headers.get('server')).toBe('uvicorn');
  });

  it('exact 401 with a master key: code is the string "401"', async () => {
    const r = await call(keyed, '/chat/completions', { body: chatBody() });
    expect(r.status).toBe(401);
    expect(r.json).toEqual({ error: { message: 'Authentication Error, No api key passed in.', type: 'auth_error', param: 'None', code: '401' } });
  });

  it('header sources and stripped prefixes', async () => {
    const ok: Record<string, string>[] = [
      bearer(),
      { authorization: `bearer ${TEST_KEY}` },
      { authorization: `Basic ${TEST_KEY}` },
      { 'api-key': TEST_KEY },
      { 'x-api-key': TEST_KEY },
      { 'x-goog-api-key': TEST_KEY },
      { 'ocp-apim-subscription-key': TEST_KEY },
    ];
    for (const headers of ok) expect((await call(keyed, '/chat/completions', { body: chatBody(), headers })).status).toBe(200);
    // An Authorization value with no known prefix counts as no key.
    expect((await call(keyed, '/chat/completions', { body: chatBody(), headers: { authorization: TEST_KEY } })).json.error.message).toContain(
      'No api key passed in',
    );
  });

  it('open with a key: /, /routes, /health/liveliness, /health/readiness, /test, /metrics', async () => {
    for (const p of ['/', '/routes', '/health/liveliness', '/health/readiness', '/test', '/metrics']) expect((await call(keyed, p)).status, p).toBe(200);
  });

  it('per-route dependency: routing first (404, 405) even with a master key', async () => {
    expect((await call(keyed, '/no-such-route')).status).toBe(404);
    expect((await call(keyed, '/key/generate')).status).toBe(405);
    expect((await call(keyed, '/key/generate', { body: {} })).status).toBe(401);
    expect((await call(keyed, '/team/list')).status).toBe(401);
    expect((await call(keyed, '/model/info')).status).toBe(401);
    expect((await call(open, '/model/info')).json.data[0].litellm_params.api_base).toBeDefined();
  });

  it('/spend/logs: readable with prompts when open, 401 with a master key', async () => {
    const r = await call(open, '/spend/logs');
    expect(r.status).toBe(200);
    expect(r.text).toContain('Q3 board minutes');
    expect((await call(keyed, '/spend/logs')).status).toBe(401);
  });

  it('/ui is served; /v1/models lists the router models', async () => {
    expect((await call(keyed, '/ui')).status).toBe(200);
    expect((await call(open, '/v1/models')).json.data[0].id).toBe('mistral-7b-instruct');
  });

  it('CVE-2026-49468 (hostHeaderBug, version 1.83.0): Host "x/health/liveliness?" skips auth; 1.84 refuses', async () => {
    const vuln = await up(litellm.startLitellm(litellm.KEYED_VULNERABLE));
    expect((await rawCall(vuln, '/chat/completions', 'x/health/liveliness?', chatBody())).status).toBe(200);
    expect((await rawCall(vuln, '/chat/completions', 'x/metrics?', chatBody())).status).toBe(200);
    expect((await rawCall(keyed, '/chat/completions', 'x/health/liveliness?', chatBody())).status).toBe(401);
    expect((await call(vuln, '/chat/completions', { body: chatBody(), headers: bearer() })).headers.get('x-litellm-version')).toBe('1.83.0');
  });

  it('an unknown model is refused by the router', async () => {
    expect((await call(open, '/chat/completions', { body: chatBody('gpt-unknown') })).status).toBe(400);
  });
});

describe('LocalAI', () => {
  let open: RunningTarget, keyed: RunningTarget;
  beforeAll(async () => {
    open = await up(localai.startLocalai(localai.OPEN));
    keyed = await up(localai.startLocalai(localai.KEYED));
  });

  it('401 with WWW-Authenticate: Bearer and the exact body; auth before routing', async () => {
    const r = await call(keyed, '/v1/chat/completions', { body: chatBody('mistral-7b-instruct-v0.3') });
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toBe('Bearer');
    expect(r.json).toEqual({ error: { message: 'An authentication key is required', code: 401, type: 'invalid_request_error' } });
    expect((await call(keyed, '/no-such-route')).status).toBe(401);
  });

  it('Bearer or the raw key in Authorization; x-api-key, xi-api-key, cookie token', async () => {
    const sources: Record<string, string>[] = [
      bearer(),
      { authorization: TEST_KEY },
      { 'x-api-key': TEST_KEY },
      { 'xi-api-key': TEST_KEY },
      { cookie: `token=${TEST_KEY}` },
    ];
    for (const headers of sources) {
      expect((await call(keyed, '/v1/chat/completions', { body: chatBody('mistral-7b-instruct-v0.3'), headers })).status).toBe(200);
    }
  });

  it('the first source present decides: a wrong Authorization hides a right x-api-key', async () => {
    expect((await call(keyed, '/v1/models', { headers: { authorization: 'Bearer wrong', 'x-api-key': TEST_KEY } })).status).toBe(401);
  });

  it('open with a key: /healthz, /readyz, /swagger/*, /', async () => {
    for (const p of ['/healthz', '/readyz', '/swagger/index.html', '/swagger/doc.json', '/']) expect((await call(keyed, p)).status, p).toBe(200);
  });

  it('/v1/models and /models return {id, object} only (no owned_by)', async () => {
    for (const p of ['/v1/models', '/models']) {
      const r = await call(keyed, p, { headers: bearer() });
      expect(Object.keys(r.json.data[0]).sort()).toEqual(['id', 'object']);
    }
  });

  it('/models/apply is management: GET → 405 (behind auth when keyed), POST recorded', async () => {
    expect((await call(open, '/models/apply')).status).toBe(405);
    expect((await call(keyed, '/models/apply')).status).toBe(401);
    expect((await call(keyed, '/models/apply', { headers: bearer() })).status).toBe(405);
    await call(open, '/models/apply', { body: { id: 'x' } });
    expect(lastRecord(open, '/models/apply')).toMatchObject({ method: 'POST', body: '{"id":"x"}' });
  });

  it('loginPage (older builds): a non-JSON request gets the HTML login page on 401', async () => {
    const t = await up(localai.startLocalai({ ...localai.KEYED, loginPage: true }));
    const r = await call(t, '/v1/models');
    expect(r.status).toBe(401);
    expect(r.headers.get('content-type')).toContain('text/html');
  });

  it('inference with max_tokens 1 answers one word and is marked', async () => {
    const r = await call(open, '/v1/chat/completions', { body: chatBody('mistral-7b-instruct-v0.3') });
    expect(r.json.choices[0].message.content).toBe('Hello');
    expect(lastRecord(open, '/v1/chat/completions')).toMatchObject({ inference: true, maxTokens: 1 });
  });
});

describe('KoboldCpp', () => {
  let open: RunningTarget, keyed: RunningTarget;
  const gen = { prompt: 'Hello', max_length: 1 };
  beforeAll(async () => {
    open = await up(kobold.startKoboldcpp(kobold.OPEN));
    keyed = await up(kobold.startKoboldcpp(kobold.KEYED));
  });

  it('Server: ConcedoLlamaForKoboldServer; /api/extra/version says whether a password is set', async () => {
    const o = await call(open, '/api/extra/version');
    expect(o.headers.get('server')).toBe('ConcedoLlamaForKoboldServer');
    expect(o.json).toMatchObject({ result: 'KoboldCpp', version: expect.any(String), protected: false });
    expect((await call(keyed, '/api/extra/version')).json.protected).toBe(true);
  });

  it('metadata: /v1/models owned_by koboldcpp, /api/v1/model koboldcpp/<model>, Ollama-like /api/tags, no Ollama banner', async () => {
    expect((await call(keyed, '/v1/models')).json.data[0].owned_by).toBe('koboldcpp');
    expect((await call(keyed, '/api/v1/model')).json.result).toMatch(/^koboldcpp\//);
    expect((await call(keyed, '/api/tags')).json.models).toHaveLength(1);
    expect((await call(keyed, '/')).text).not.toContain('Ollama is running');
  });

  it('with a password, text generation is guarded with the exact 401 body; exact `Bearer ` scheme', async () => {
    for (const p of ['/api/v1/generate', '/v1/completions', '/v1/chat/completions']) {
      const r = await call(keyed, p, { body: p.includes('chat') ? chatBody() : gen });
      expect(r.status, p).toBe(401);
      expect(r.json).toEqual({ detail: { error: 'Unauthorized', msg: 'Authentication key is missing or invalid.', type: 'unauthorized' } });
    }
    expect((await call(keyed, '/api/v1/generate', { body: gen, headers: bearer() })).status).toBe(200);
    expect((await call(keyed, '/api/v1/generate', { body: gen, headers: { authorization: `bearer ${TEST_KEY}` } })).status).toBe(401);
  });

  it('the tokenizer (/api/extra/tokencount) sits behind the password (assumption in the emulator)', async () => {
    expect((await call(keyed, '/api/extra/tokencount', { body: { prompt: 'Hello there' } })).status).toBe(401);
    expect((await call(open, '/api/extra/tokencount', { body: { prompt: 'Hello there' } })).json.value).toBe(2);
  });

  it('image generation, interrogate and transcription are never guarded', async () => {
    for (const p of ['/sdapi/v1/txt2img', '/sdapi/v1/img2img', '/sdapi/v1/interrogate', '/api/extra/transcribe', '/v1/audio/transcriptions']) {
      expect((await call(keyed, p, { body: { prompt: 'a cat' } })).status, p).toBe(200);
    }
  });

  it('routes match by suffix (endswith): any prefix reaches the handler; a query string breaks the match', async () => {
    const r = await call(open, '/anything/api/v1/generate', { body: gen });
    expect(r.status).toBe(200);
    expect(r.json.results[0].text).toBe('Hello');
    expect(lastRecord(open, '/anything/api/v1/generate')).toMatchObject({ inference: true, maxTokens: 1 });
    expect((await call(open, '/x/y/api/extra/version')).json.result).toBe('KoboldCpp');
    expect((await call(open, '/api/v1/generate?x=1', { body: gen })).status).toBe(404);
  });
});

describe('text-generation-webui', () => {
  let keyed: RunningTarget;
  beforeAll(async () => {
    keyed = await up(textgen.startTextgenWebui(textgen.KEYED));
  });

  it('per-route `Authorization != "Bearer " + key`: 401 {"detail":"Unauthorized"}, scheme case-sensitive', async () => {
    const r = await call(keyed, '/v1/chat/completions', { body: chatBody() });
    expect(r.status).toBe(401);
    expect(r.json).toEqual({ detail: 'Unauthorized' });
    expect(r.headers.get('server')).toBe('uvicorn');
    expect((await call(keyed, '/v1/chat/completions', { body: chatBody(), headers: { authorization: `bearer ${TEST_KEY}` } })).status).toBe(401);
    const ok = await call(keyed, '/v1/chat/completions', { body: chatBody(), headers: bearer() });
    expect(ok.json.choices[0].message.content).toBe('Hello');
  });

  it('/v1/models owned_by user (with the key); /docs and /openapi.json open', async () => {
    expect((await call(keyed, '/v1/models')).status).toBe(401);
    expect((await call(keyed, '/v1/models', { headers: bearer() })).json.data[0].owned_by).toBe('user');
    expect((await call(keyed, '/docs')).status).toBe(200);
    expect((await call(keyed, '/openapi.json')).json.paths['/v1/chat/completions']).toBeDefined();
  });

  it('FastAPI order: 404/405 before the key, malformed JSON (422) before the key, missing fields after it', async () => {
    expect((await call(keyed, '/nope')).status).toBe(404);
    expect((await call(keyed, '/v1/internal/model/load')).status).toBe(405);
    expect((await call(keyed, '/v1/chat/completions', { body: '{not json' })).status).toBe(422);
    expect((await call(keyed, '/v1/chat/completions', { body: {} })).status).toBe(401);
    expect((await call(keyed, '/v1/chat/completions', { body: {}, headers: bearer() })).json.detail[0].loc).toEqual(['body', 'messages']);
  });

  it('/v1/internal/model/load is admin: the admin key defaults to the api key; a separate --admin-key takes over', async () => {
    expect((await call(keyed, '/v1/internal/model/load', { body: { model_name: 'x' } })).status).toBe(401);
    expect((await call(keyed, '/v1/internal/model/load', { body: { model_name: 'x' }, headers: bearer() })).status).toBe(200);
    const split = await up(textgen.startTextgenWebui({ apiKey: TEST_KEY, adminKey: 'admin-789' }));
    expect((await call(split, '/v1/internal/model/load', { body: { model_name: 'x' }, headers: bearer() })).status).toBe(401);
    expect((await call(split, '/v1/internal/model/load', { body: { model_name: 'x' }, headers: bearer('admin-789') })).status).toBe(200);
    expect((await call(split, '/v1/internal/lora/load', { body: { lora_names: [] }, headers: bearer() })).status).toBe(401);
    expect((await call(split, '/v1/internal/model/info', { headers: bearer() })).status).toBe(200);
  });

  it('without --listen a Host other than localhost/127.0.0.1 gets 400 {"detail":"Invalid host header"}', async () => {
    const bad = await rawCall(keyed, '/v1/models', 'gatecrash.example');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text)).toEqual({ detail: 'Invalid host header' });
    expect((await rawCall(keyed, '/docs', `localhost:${keyed.port}`)).status).toBe(200);
    const listening = await up(textgen.startTextgenWebui({ ...textgen.KEYED, listen: true }));
    expect((await rawCall(listening, '/docs', 'gatecrash.example')).status).toBe(200);
  });

  it('/v1/messages reads x-api-key (raw) instead of Authorization', async () => {
    const b = { model: 'm', max_tokens: 1, messages: [{ role: 'user', content: 'Hello' }] };
    expect((await call(keyed, '/v1/messages', { body: b, headers: bearer() })).status).toBe(401);
    expect((await call(keyed, '/v1/messages', { body: b, headers: { 'x-api-key': TEST_KEY } })).status).toBe(200);
  });
});

describe('LM Studio', () => {
  let open: RunningTarget, keyed: RunningTarget;
  beforeAll(async () => {
    open = await up(lmstudio.startLmstudio(lmstudio.OPEN));
    keyed = await up(lmstudio.startLmstudio(lmstudio.KEYED));
  });

  it('auth off by default; /v1/models owned_by organization_owner', async () => {
    expect((await call(open, '/v1/models')).json.data[0].owned_by).toBe('organization_owner');
    const r = await call(open, '/v1/chat/completions', { body: chatBody() });
    expect(r.json.choices[0].message.content).toBe('Hello');
    expect(lastRecord(open, '/v1/chat/completions')).toMatchObject({ inference: true, maxTokens: 1 });
  });

  it('/api/v0/models: native REST with state, arch, max_context_length', async () => {
    expect((await call(open, '/api/v0/models')).json.data[0]).toMatchObject({ state: 'loaded', arch: 'mistral', max_context_length: expect.any(Number) });
  });

  it('optional Bearer tokens', async () => {
    expect((await call(keyed, '/v1/models')).status).toBe(401);
    expect((await call(keyed, '/v1/models', { headers: bearer() })).status).toBe(200);
  });
});

describe('Triton (KServe v2)', () => {
  let open: RunningTarget, keyed: RunningTarget;
  const infer = {
    inputs: [
      { name: 'text_input', shape: [1], datatype: 'BYTES', data: ['Hello'] },
      { name: 'max_tokens', shape: [1], datatype: 'INT32', data: [1] },
    ],
  };
  beforeAll(async () => {
    open = await up(triton.startTriton(triton.OPEN));
    keyed = await up(triton.startTriton(triton.KEYED));
  });

  it('/v2 server metadata, health live/ready, model metadata', async () => {
    expect((await call(open, '/v2')).json).toMatchObject({ name: 'triton', version: expect.any(String), extensions: expect.any(Array) });
    expect((await call(open, '/v2/health/live')).status).toBe(200);
    expect((await call(open, '/v2/health/ready')).status).toBe(200);
    expect((await call(open, '/v2/models/mistral')).json.name).toBe('mistral');
  });

  it('KServe v2 infer (also under /versions/{v}) → BYTES outputs; generate → text_output; both marked', async () => {
    for (const p of ['/v2/models/mistral/infer', '/v2/models/mistral/versions/1/infer']) {
      const r = await call(open, p, { body: infer });
      expect(r.json.outputs[0]).toMatchObject({ datatype: 'BYTES', data: ['Hello'] });
      expect(lastRecord(open, p)).toMatchObject({ inference: true, maxTokens: 1 });
    }
    const g = await call(open, '/v2/models/mistral/generate', { body: { text_input: 'Hello', parameters: { max_tokens: 1 } } });
    expect(g.json.text_output).toBe('Hello');
    expect(lastRecord(open, '/v2/models/mistral/generate')).toMatchObject({ inference: true, maxTokens: 1 });
  });

  it('model repository is management (POST only); /metrics carries nv_inference_*', async () => {
    expect((await call(open, '/v2/repository/index', { body: {} })).json[0].state).toBe('READY');
    expect((await call(open, '/v2/repository/index')).status).toBe(405);
    expect((await call(open, '/metrics')).text).toContain('nv_inference_request_success');
  });

  it('restricted API groups answer 403 without the header; others stay open', async () => {
    const r = await call(keyed, '/v2/models/mistral/infer', { body: infer });
    expect(r.status).toBe(403);
    expect(r.json.error).toContain("expecting header 'x-api-key'");
    expect((await call(keyed, '/v2/repository/models/mistral/load', { body: {} })).status).toBe(403);
    expect((await call(keyed, '/v2/models/mistral/infer', { body: infer, headers: { 'x-api-key': TEST_KEY } })).status).toBe(200);
    expect((await call(keyed, '/v2/health/ready')).status).toBe(200);
    expect((await call(keyed, '/v2')).status).toBe(200);
  });
});
