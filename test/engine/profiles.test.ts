// Profiles as data: every product has one, routes are well-formed, management routes are the ones docs/servers/
// names, the cheap phase stays small, and the model-family / Mistral template helpers behave as docs/chat-templates.md describes.
import { describe, expect, it } from 'vitest';
import { ALL_PROFILES, cheapPhasePaths, profileById, profileSpecificity } from '../../src/engine/profiles/index.js';
import { detectModelFamily, findTemplateLeakMarkers, mistralTokenizerGeneration, TEMPLATE_LEAK_MARKERS } from '../../src/engine/surface/model-family.js';
import { refusalShape } from '../../src/engine/surface/signals-read.js';
import { type Exchange, PRODUCT_IDS, type Signals } from '../../src/engine/types.js';
import { isServerFramework } from '../../src/knowledge/framework-info.js';
import { frameworkForProduct, PRODUCT_FACTS } from '../../src/knowledge/frameworks.js';

function res(status: number, body: unknown, headers: Record<string, string> = {}) {
  return { status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), truncated: false, latencyMs: 1 };
}

function signals(entries: Record<string, ReturnType<typeof res>>): Signals {
  const all: Exchange[] = Object.entries(entries).map(([path, response], i) => ({
    id: i + 1,
    probe: { method: 'GET', path, purpose: 'test' },
    request: { method: 'GET', url: `http://127.0.0.1:9${path}`, headers: {} },
    response,
  }));
  return { byPath: Object.fromEntries(all.map((e) => [e.probe.path, e])), all };
}

describe('profile catalogue', () => {
  it('has exactly one profile per product id', () => {
    expect(ALL_PROFILES.map((p) => p.id).sort()).toEqual([...PRODUCT_IDS].sort());
    for (const id of PRODUCT_IDS) expect(profileById(id).id).toBe(id);
    expect(profileById('nginx')).toBeUndefined();
  });

  it('a profile whose own settings close a hole has a start script in the knowledge base; every product has its facts', () => {
    for (const p of ALL_PROFILES) {
      if (p.operation.fixedBy === 'own-settings') expect(isServerFramework(frameworkForProduct(p.id)), p.id).toBe(true);
      expect(PRODUCT_FACTS[p.id].port, p.id).toBe(p.defaultPort);
    }
    expect(frameworkForProduct('tabbyapi')).toBe('nginx');
    expect(frameworkForProduct('lmdeploy')).toBe('nginx');
    expect(frameworkForProduct('node-http')).toBe('express');
  });

  it('default ports follow docs/servers/', () => {
    const ports = Object.fromEntries(ALL_PROFILES.map((p) => [p.id, p.defaultPort]));
    expect(ports).toMatchObject({
      fastapi: 8000,
      vllm: 8000,
      tgi: 3000,
      ollama: 11434,
      llamacpp: 8080,
      sglang: 30000,
      litellm: 4000,
      localai: 8080,
      koboldcpp: 5001,
      'textgen-webui': 5000,
      lmstudio: 1234,
      triton: 8000,
    });
  });

  it.each(ALL_PROFILES.map((p) => [p.id, p] as const))('%s: routes are well-formed', (_id, p) => {
    expect(p.inferenceRoutes.length).toBeGreaterThan(0);
    for (const r of [...p.inferenceRoutes, ...p.metadataRoutes, ...p.managementRoutes]) {
      expect(r.path.startsWith('/'), r.path).toBe(true);
      expect(r.method).toMatch(/^(GET|POST|DELETE|HEAD|PUT)$/);
    }
    for (const r of p.inferenceRoutes) {
      expect(r.kind, r.path).toBe('inference');
      expect(r.shape, r.path).toBeDefined();
      expect(r.method).toBe('POST');
      // A guessed wrapper route has no prompt field of its own: its body is learned from the route, or every usual name.
      if (r.shape === 'wrapper') expect(r.exactSchema, r.path).toBeFalsy();
    }
    for (const r of p.metadataRoutes) {
      // POST entries reach the model without generating (tokenizers, templates, pooling, images): never generation routes.
      if (r.method !== 'GET') expect(['tokenize', 'other']).toContain(r.kind);
      else expect(['metadata', 'docs', 'health']).toContain(r.kind);
    }
    for (const r of p.managementRoutes) {
      expect(r.kind).toBe('management');
      expect(r.note).toBeTruthy();
    }
    // Discovery sends an empty body to each inference route; the whole fingerprint phase must fit in 20 requests.
    expect(p.inferenceRoutes.length).toBeLessThanOrEqual(5);
    const keys = p.inferenceRoutes.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("no metadata POST route shares a path with any profile's generation route", () => {
    const generation = new Set(ALL_PROFILES.flatMap((p) => p.inferenceRoutes.map((r) => r.path)));
    for (const p of ALL_PROFILES) for (const r of p.metadataRoutes) if (r.method !== 'GET') expect(generation.has(r.path), `${p.id} ${r.path}`).toBe(false);
  });

  it('management routes include every one docs/servers/ names', () => {
    const has = (id: string, method: string, path: string) =>
      expect(
        profileById(id)!.managementRoutes.some((r) => r.method === method && r.path === path),
        `${id} ${method} ${path}`,
      ).toBe(true);
    for (const p of ['/api/pull', '/api/push', '/api/create', '/api/copy', '/api/blobs/{digest}']) has('ollama', 'POST', p);
    has('ollama', 'DELETE', '/api/delete');
    for (const p of [
      '/pause',
      '/resume',
      '/update_weights',
      '/sleep',
      '/wake_up',
      '/collective_rpc',
      '/reset_prefix_cache',
      '/scale_elastic_ep',
      '/init_weight_transfer_engine',
      '/abort_requests',
    ]) {
      has('vllm', 'POST', p);
    }
    for (const p of ['/update_weights_from_disk', '/flush_cache', '/abort_request']) has('sglang', 'POST', p);
    has('llamacpp', 'POST', '/slots/{id}?action=save');
    has('llamacpp', 'POST', '/slots/{id}?action=restore');
    has('llamacpp', 'POST', '/props');
    has('localai', 'POST', '/models/apply');
    has('litellm', 'POST', '/key/generate');
    expect(profileById('litellm').managementRoutes.some((r) => r.path.startsWith('/team/'))).toBe(true);
    has('triton', 'POST', '/v2/repository/models/{model}/load');
    has('triton', 'POST', '/v2/repository/models/{model}/unload');
    has('textgen-webui', 'POST', '/v1/internal/model/load');
  });

  it('auth models follow docs/servers/', () => {
    expect(profileById('ollama').auth.none).toBe(true);
    expect(profileById('vllm').auth.headers).toEqual(['Authorization']);
    expect(profileById('vllm').auth.openWithKey).toEqual(expect.arrayContaining(['/invocations', '/version', '/health', '/tokenize']));
    expect(profileById('tgi').auth.compare).toBe('case-insensitive');
    expect(profileById('tgi').auth.openWithKey).toEqual(expect.arrayContaining(['/info', '/v1/models', '/chat_tokenize']));
    expect(profileById('llamacpp').auth.schemeCaseSensitive).toBe(true);
    expect(profileById('sglang').auth.headers).toEqual(['Authorization', 'x-api-key']);
    expect(profileById('litellm').auth.headers).toEqual(['Authorization', 'API-Key', 'x-api-key', 'x-goog-api-key', 'Ocp-Apim-Subscription-Key']);
    expect(profileById('localai').auth.headers).toEqual(expect.arrayContaining(['x-api-key', 'xi-api-key']));
    expect(profileById('fastapi').auth.openWithKey).toEqual(['/docs', '/redoc', '/openapi.json']);
  });

  it("inference routes carry the product's own body shape", () => {
    const shapeOf = (id: string, path: string) => profileById(id)!.inferenceRoutes.find((r) => r.path === path)?.shape;
    expect(shapeOf('tgi', '/generate')).toBe('tgi-generate');
    expect(shapeOf('tgi', '/v2/models/{model}/versions/{version}/infer')).toBe('tgi-kserve');
    expect(shapeOf('ollama', '/api/generate')).toBe('ollama-generate');
    expect(shapeOf('llamacpp', '/completion')).toBe('llamacpp-completion');
    expect(shapeOf('koboldcpp', '/api/v1/generate')).toBe('kobold-generate');
    expect(shapeOf('sglang', '/generate')).toBe('sglang-generate');
    expect(shapeOf('vllm', '/invocations')).toBe('openai-chat');
    expect(shapeOf('triton', '/v2/models/{model}/infer')).toBe('kserve-v2');
    const generate = profileById('fastapi').inferenceRoutes.find((r) => r.path === '/generate');
    expect(generate).toMatchObject({ shape: 'wrapper' });
    expect(generate?.promptField).toBeUndefined();
  });

  it('specificity: fallbacks lose ties, LiteLLM beats what it fronts', () => {
    expect(profileSpecificity('fastapi')).toBeLessThan(profileSpecificity('openai-compatible'));
    expect(profileSpecificity('openai-compatible')).toBeLessThan(profileSpecificity('vllm'));
    expect(profileSpecificity('vllm')).toBeLessThan(profileSpecificity('litellm'));
  });

  it('every detect is silent on empty signals and every version is null', () => {
    const empty: Signals = { byPath: {}, all: [] };
    for (const p of ALL_PROFILES) {
      expect(p.detect(empty), p.id).toEqual({ confidence: 0, signals: [] });
      expect(p.version?.(empty) ?? null, p.id).toBeNull();
    }
  });
});

describe('cheap phase', () => {
  const paths = cheapPhasePaths();

  it('is small, deduplicated and starts with / and /openapi.json', () => {
    expect(paths.length).toBeLessThanOrEqual(18);
    expect(new Set(paths).size).toBe(paths.length);
    expect(paths).toEqual(expect.arrayContaining(['/', '/openapi.json', '/v1/models']));
  });

  it('only GETs metadata routes of some profile (never a route that runs the model)', () => {
    const metadataGets = new Set(ALL_PROFILES.flatMap((p) => p.metadataRoutes.filter((r) => r.method === 'GET').map((r) => r.path)));
    for (const p of paths) if (p !== '/' && p !== '/openapi.json') expect(metadataGets.has(p), p).toBe(true);
    expect(paths).not.toContain('/health_generate');
    expect(paths.some((p) => p.includes('{'))).toBe(false);
  });

  it("asks every product's version source that docs/servers/ lists", () => {
    expect(paths).toEqual(expect.arrayContaining(['/version', '/info', '/api/version', '/props', '/api/extra/version', '/v2']));
  });
});

describe('refusal shapes (the 401 table of docs/servers/README.md)', () => {
  it.each([
    [res(401, { error: 'Unauthorized' }), 'error-unauthorized'],
    [res(401, ''), 'empty'],
    [res(401, { error: { code: 401, message: 'Invalid API Key', type: 'authentication_error' } }), 'llamacpp'],
    [res(401, { error: { message: 'Authentication Error, No api key passed in.', type: 'auth_error', param: 'None', code: '401' } }), 'litellm'],
    [res(401, { detail: 'Unauthorized' }), 'detail-unauthorized'],
    [res(401, { detail: { error: 'Unauthorized', msg: 'Authentication key is missing or invalid.', type: 'unauthorized' } }), 'kobold'],
    [
      res(401, { error: { message: 'An authentication key is required', code: 401, type: 'invalid_request_error' } }, { 'www-authenticate': 'Bearer' }),
      'localai',
    ],
    [res(401, { error: { message: 'Incorrect API key', type: 'invalid_request_error' } }), 'openai-error'],
    [res(403, { detail: 'Not authenticated' }), 'detail-other'],
    [res(401, '<html>no</html>'), 'other'],
  ] as const)('%# → %s', (r, shape) => {
    expect(refusalShape(r)).toBe(shape);
  });

  it('is null for anything but 401/403', () => {
    expect(refusalShape(res(404, { detail: 'Not Found' }))).toBeNull();
    expect(refusalShape(undefined)).toBeNull();
  });
});

describe('single-profile predicates', () => {
  it('vLLM reads its version from /version only', () => {
    const s = signals({ '/version': res(200, { version: '0.9.2' }, { server: 'uvicorn' }) });
    expect(profileById('vllm').version!(s)).toBe('0.9.2');
    expect(profileById('vllm').version!(signals({ '/version': res(401, { error: 'Unauthorized' }) }))).toBeNull();
  });

  it('LiteLLM reads x-litellm-version from any response', () => {
    const s = signals({ '/v1/models': res(200, { data: [] }, { 'x-litellm-version': '1.84.0' }) });
    expect(profileById('litellm').version!(s)).toBe('1.84.0');
    expect(profileById('litellm').detect(s).confidence).toBeGreaterThan(0.95);
  });

  it('Ollama: /api/tags alone is weak, the banner is decisive, a different / is held against it', () => {
    const tags = { '/api/tags': res(200, { models: [] }) };
    const ollama = profileById('ollama');
    const alone = ollama.detect(signals(tags)).confidence;
    const banner = ollama.detect(signals({ ...tags, '/': res(200, 'Ollama is running') })).confidence;
    const imitator = ollama.detect(signals({ ...tags, '/': res(200, '<html>KoboldAI Lite</html>') })).confidence;
    expect(banner).toBeGreaterThan(0.95);
    expect(alone).toBeLessThan(0.6);
    expect(imitator).toBeLessThan(alone);
  });

  it('TGI: an empty 401 alone points at TGI', () => {
    const r = profileById('tgi').detect(signals({ '/generate': res(401, '') }));
    expect(r.confidence).toBeGreaterThanOrEqual(0.5);
    expect(r.signals[0]).toMatch(/empty 401/);
  });

  it('Triton: version only when /v2 names triton', () => {
    const meta = (name: string) => signals({ '/v2': res(200, { name, version: '2.41.0', extensions: [] }) });
    expect(profileById('triton').version!(meta('triton'))).toBe('2.41.0');
    expect(profileById('triton').version!(meta('kserve'))).toBeNull();
  });
});

describe('model family', () => {
  it.each([
    [['mistralai/Mistral-7B-Instruct-v0.2'], 'mistral'],
    [['mistralai/Mixtral-8x7B-Instruct-v0.1'], 'mistral'],
    [['mistral-nemo:12b'], 'mistral'],
    [['/models/mistral-7b-instruct-v0.2.Q4_K_M.gguf'], 'mistral'],
    [['codestral-22b'], 'mistral'],
    [['NousResearch/Nous-Hermes-2-Mistral-7B-DPO'], 'mistral'],
    [['meta-llama/Meta-Llama-3-8B-Instruct'], 'llama'],
    [['TheBloke/Llama-2-7B-Chat-GGUF'], 'llama'],
    [['Qwen/Qwen2.5-7B-Instruct'], 'qwen'],
    [['google/gemma-2-9b-it'], 'gemma'],
    [['microsoft/Phi-3-mini-4k-instruct'], 'phi'],
    [['phi3:mini'], 'phi'],
    [['deepseek-ai/DeepSeek-R1-Distill-Llama-8B'], 'deepseek'],
    [['tiiuae/falcon-7b-instruct'], 'falcon'],
    [['my-finetune', 'mistral-7b'], 'mistral'],
    [['dolphin-2.6'], null],
    [['my-model'], null],
    [[], null],
  ] as const)('%j → %s', (ids, family) => {
    expect(detectModelFamily({ modelIds: [...ids] })).toBe(family);
  });

  it('the family most ids name wins', () => {
    expect(detectModelFamily({ modelIds: ['llama-3-8b', 'mistral-7b', 'mixtral-8x7b'] })).toBe('mistral');
  });

  it('falls back to the chat template, then to output markers', () => {
    expect(detectModelFamily({ modelIds: ['model'], chatTemplate: "{{ '[INST] ' + m + ' [/INST]' }}" })).toBe('mistral');
    expect(detectModelFamily({ modelIds: ['model'], chatTemplate: '[INST] <<SYS>>\n{{ system }}\n<</SYS>>' })).toBe('llama');
    expect(detectModelFamily({ modelIds: [], chatTemplate: '<|start_header_id|>user<|end_header_id|>' })).toBe('llama');
    expect(detectModelFamily({ modelIds: [], chatTemplate: '<start_of_turn>user' })).toBe('gemma');
    expect(detectModelFamily({ modelIds: [], chatTemplate: '<|im_start|>system\nYou are Qwen, created by Alibaba Cloud.' })).toBe('qwen');
    // ChatML alone is many models' template, and llama-server's fallback: it names no family.
    expect(detectModelFamily({ modelIds: [], chatTemplate: '<|im_start|>user' })).toBeNull();
    expect(detectModelFamily({ modelIds: [], outputs: ['Sure. [/INST] Now as admin'] })).toBe('mistral');
    expect(detectModelFamily({ modelIds: [], outputs: ['Hello there'] })).toBeNull();
    // Ids win over templates.
    expect(detectModelFamily({ modelIds: ['qwen2-7b'], chatTemplate: '[INST]' })).toBe('qwen');
  });
});

describe('Mistral tokenizer generation', () => {
  it.each([
    // Rendered prompts, as docs/chat-templates.md writes them.
    ['<s> [INST] Hello [/INST] Fine</s> [INST] Next [/INST]', 'v1'],
    ['<s>[INST] Hello [/INST]Fine</s> [INST] Next [/INST]', 'v1'],
    ['<s>[INST] Hello[/INST] Fine</s>', 'v3'],
    ['<s>[INST]Hello[/INST]Fine</s>', 'v3-tekken'],
    ['<s>[SYSTEM_PROMPT]Be brief[/SYSTEM_PROMPT][INST]Hello[/INST]', 'v7'],
    // Jinja sources of the Hugging Face templates.
    ["{{ bos_token }}{% for m in messages %}{{ '[INST] ' + m['content'] + ' [/INST]' }}{% endfor %}", 'v1'],
    ["{%- for m in messages %}{{- '[INST] ' + m['content'] + '[/INST]' }}{%- endfor %}", 'v3'],
    ["{%- for m in messages %}{{- '[INST]' + m['content'] + '[/INST]' }}{%- endfor %}", 'v3-tekken'],
    ["{{- '[SYSTEM_PROMPT]' + system_message + '[/SYSTEM_PROMPT]' }}{{- '[INST]' + m['content'] + '[/INST]' }}", 'v7'],
    // Not Mistral.
    ['[INST] <<SYS>>\nYou are helpful\n<</SYS>>\n\nHi [/INST]', null],
    ['<|im_start|>user\nHi<|im_end|>', null],
    ['', null],
  ] as const)('%j → %s', (text, gen) => {
    expect(mistralTokenizerGeneration(text)).toBe(gen);
  });

  it('null and undefined are null', () => {
    expect(mistralTokenizerGeneration(null)).toBeNull();
    expect(mistralTokenizerGeneration(undefined)).toBeNull();
  });
});

describe('template leak markers', () => {
  it('match the control tokens docs/chat-templates.md lists, and nothing else', () => {
    for (const m of [
      '[INST]',
      '[/INST]',
      '[SYSTEM_PROMPT]',
      '[/SYSTEM_PROMPT]',
      '[TOOL_CALLS]',
      '[AVAILABLE_TOOLS]',
      '[/AVAILABLE_TOOLS]',
      '[TOOL_RESULTS]',
      '[/TOOL_RESULTS]',
      '</s>',
      '<s>',
    ]) {
      expect(TEMPLATE_LEAK_MARKERS.test(`text ${m} more`), m).toBe(true);
    }
    for (const t of ['INST', 'Hello there', '[inst]', '<strong>', '</span>', '[TOOL]']) expect(TEMPLATE_LEAK_MARKERS.test(t), t).toBe(false);
    expect(TEMPLATE_LEAK_MARKERS.flags).not.toContain('g');
  });

  it('lists the distinct markers found', () => {
    expect(findTemplateLeakMarkers('Fine</s> [INST] Next [/INST] and [INST] again')).toEqual(['</s>', '[INST]', '[/INST]']);
    expect(findTemplateLeakMarkers('clean output')).toEqual([]);
  });
});
