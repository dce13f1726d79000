// TabbyAPI, ExLlamaV3's OpenAI-compatible server (docs/servers/tabbyapi.md): a FastAPI app under uvicorn whose keys are
// route dependencies — an API key for generation and reading, an admin key for loading, unloading and downloading.
// Routing and JSON parsing come before the key; the key is read from X-API-Key (X-Admin-Key on admin routes) or
// `Authorization: Bearer` (any-case scheme, only the second space-separated part), compared with plain equality; the
// admin key passes wherever the API key does; `disable_auth` makes every caller an admin. Not emulated: an embedding
// model (the embedding routes answer 503, as with none loaded), the SSE keep-alive comments (every stream here ends
// within a second), real chat-template rendering of generation requests.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type BodyModel, createFastapiApp, type FastapiRoute, fieldError, openapiDocument, parseFastapiBody, sendDetail, uvicornPath } from './fastapi-app.js';
import { type EmulatorRequest, firstHeader, type RunningTarget, sendJson, sendText, startTarget } from './harness.js';
import {
  CHAT_TEMPLATES,
  CREATED,
  chatMessages,
  countWords,
  finishReason,
  isRecord,
  mistralReply,
  renderMistral,
  replyPieces,
  TEST_KEY,
  tokenizeMistral,
  writeStream,
} from './mistral-model.js';
import { openaiPromptText } from './openai-compatible.js';
import { pyDumps, requiredFieldErrors, starletteCorsWithCredentials } from './python-wire.js';

/** The admin key of the KEYED preset (TabbyAPI generates 32 hex characters; any string works). */
export const ADMIN_KEY = 'sk-test-gatecrash-admin-456';

export interface TabbyapiOptions {
  /** `api_tokens.yml`: one or several API keys and the admin key. Undefined = `network.disable_auth: true`. */
  keys?: { api: string | string[]; admin: string };
  /** `network.api_servers` includes "kobold": the KoboldAI routes under /api, with their version imitations. */
  kobold?: boolean;
  /** The loaded model's folder name; null = no model loaded (503 where a route needs one). */
  model?: string | null;
  /** Every folder of the model directory: what the model list shows an admin. */
  modelFolders?: string[];
  maxSeqLen?: number;
  /** `model.inline_model_loading`: a generation request naming another folder loads it (admin key) or is refused (API key). */
  inlineModelLoading?: boolean;
}

export const OPEN: TabbyapiOptions = {};
export const KEYED: TabbyapiOptions = { keys: { api: TEST_KEY, admin: ADMIN_KEY } };

type Dependency = 'none' | 'api' | 'admin';
type Permission = 'api' | 'admin';

interface TabbyRoute {
  methods: string[];
  path: string;
  name: string;
  key: Dependency;
  /** `check_model_container` / `check_embeddings_container` after the key. */
  needs?: 'model' | 'embedding';
  /** The pydantic request model (required fields) and the checks its validators add. */
  body?: BodySpec;
  inSchema?: boolean;
  handle(c: Call): unknown;
}

interface Call {
  req: EmulatorRequest;
  res: ServerResponse;
  raw: IncomingMessage;
  body: Record<string, unknown>;
}

interface BodySpec {
  model: BodyModel;
  /** Required fields typed `Union[str, List[…]]`: a string or a list passes. */
  unions?: string[];
  check?: (b: Record<string, unknown>) => Record<string, unknown>[];
}

/** pydantic 2's errors for a body: its required fields, then the validators' checks. */
function bodyErrors(spec: BodySpec, parsed: { present: boolean; value: unknown }): Record<string, unknown>[] {
  const errors = requiredFieldErrors(spec.model, parsed, spec.unions);
  return errors.length || !isRecord(parsed.value) ? errors : (spec.check?.(parsed.value) ?? []);
}

/** An uncaught exception in an endpoint: Starlette's ServerErrorMiddleware answers a bare 500. */
class EndpointCrash extends Error {}
/** `get_key_permission`'s ValueError. */
class PermissionRefused extends Error {}

const TITLE = 'TabbyAPI';
const SSE_STARLETTE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
};
const SUMMARY = "An OAI compatible exllamav3 API that's both lightweight and fast";
const DESCRIPTION = 'This docs page is not meant to send requests! Please use a service like Postman or a frontend UI.';

/** `BaseSamplerRequest`: max_tokens (aliases max_completion_tokens, max_length) and min_tokens are `ge=0`; n is `ge=1`. */
function samplerErrors(b: Record<string, unknown>): Record<string, unknown>[] {
  const errors: Record<string, unknown>[] = [];
  const bound = (field: string, ge: number) => {
    const v = b[field];
    if (v === undefined || v === null) return;
    if (typeof v !== 'number' || !Number.isInteger(v)) errors.push(fieldError(2, 'integer', ['body', field], v));
    else if (v < ge) {
      errors.push({
        type: 'greater_than_equal',
        loc: ['body', field],
        msg: `Input should be greater than or equal to ${ge}`,
        input: v,
        ctx: { ge },
      });
    }
  };
  for (const f of ['max_tokens', 'max_completion_tokens', 'max_length', 'min_tokens', 'min_length']) bound(f, 0);
  bound('n', 1);
  return errors;
}

/** The limit a sampler request asks for, under any of its aliases; 0 when absent (TabbyAPI then fills the context). */
const askedLimit = (b: Record<string, unknown>): number => {
  const v = b.max_tokens ?? b.max_completion_tokens ?? b.max_length;
  return typeof v === 'number' ? v : 0;
};

export async function startTabbyapi(options: TabbyapiOptions = {}): Promise<RunningTarget> {
  const keys = options.keys;
  const apiKeys = new Set(keys ? (Array.isArray(keys.api) ? keys.api : [keys.api]) : []);
  const maxSeqLen = options.maxSeqLen ?? 32768;
  const folders = options.modelFolders ?? ['Mistral-7B-Instruct-v0.3-exl3', 'Llama-3.1-8B-Instruct-exl3', 'Qwen2.5-14B-Instruct-exl3'];
  const state = { model: options.model === undefined ? (folders[0] as string) : options.model };
  const vocabulary = new Map<number, string>();
  let sequence = 0;
  const nextId = () => (++sequence).toString(16).padStart(32, '0');

  // ---------- keys (common/auth.py) ----------

  /** `check_api_key` / `check_admin_key`: the 401 detail, or null when the request may pass. */
  const refusal = (raw: IncomingMessage, dep: Dependency): string | null => {
    if (!keys || dep === 'none') return null;
    const admin = dep === 'admin';
    const verify = (k: string) => k === keys.admin || (!admin && apiKeys.has(k));
    const kind = admin ? 'admin key' : 'API key';
    const own = firstHeader(raw, admin ? 'x-admin-key' : 'x-api-key');
    if (own) return verify(own) ? null : `Invalid ${kind}`;
    const authorization = firstHeader(raw, 'authorization');
    if (authorization) {
      const parts = authorization.split(' ');
      if (parts.length < 2) return `Invalid ${kind}`;
      return (parts[0] as string).toLowerCase() === 'bearer' && verify(parts[1] as string) ? null : `Invalid ${kind}`;
    }
    return `Please provide an ${kind}`;
  };

  /** `get_key_permission`: the first of X-Admin-Key, X-API-Key, Authorization that is present decides. */
  const permission = (raw: IncomingMessage): Permission => {
    if (!keys) return 'admin';
    let key = firstHeader(raw, 'x-admin-key') ?? firstHeader(raw, 'x-api-key') ?? firstHeader(raw, 'authorization');
    if (key === undefined) throw new PermissionRefused('The provided authentication key is missing.');
    if (key.toLowerCase().startsWith('bearer')) {
      const parts = key.split(' ');
      if (parts.length < 2) throw new EndpointCrash('list index out of range');
      key = parts[1] as string;
    }
    if (key === keys.admin) return 'admin';
    if (apiKeys.has(key)) return 'api';
    throw new PermissionRefused('The provided authentication key is invalid.');
  };

  // ---------- shapes ----------

  const card = (id: string, parameters: unknown = null) => ({
    id,
    object: 'model',
    created: CREATED,
    owned_by: 'tabbyAPI',
    logging: null,
    parameters,
  });
  const loadedCard = () =>
    card(state.model as string, {
      max_seq_len: maxSeqLen,
      cache_size: maxSeqLen,
      cache_mode: 'FP16',
      rope_scale: 1.0,
      rope_alpha: 1.0,
      max_batch_size: 256,
      chunk_size: 2048,
      prompt_template: 'mistral_v3',
      prompt_template_content: CHAT_TEMPLATES.v3,
      use_vision: false,
      draft: null,
    });
  const list = (all: string[], loaded: string | null) => ({
    object: 'list',
    data: (all.length ? all : loaded ? [loaded] : []).map((id) => card(id)),
  });

  const contextError = (res: ServerResponse, required: number) =>
    sendJson(res, 400, {
      error: {
        message: `Initial job allocation requires ${required} cache tokens, which exceeds the available context size of ${maxSeqLen} tokens`,
        type: 'invalid_request_error',
        param: null,
        code: 'context_length_exceeded',
      },
    });

  /** Whether the request's `model` may run: inline loading, or a 401/500 already sent (false). */
  const inlineModel = (c: Call): boolean => {
    const named = c.body.model;
    if (typeof named !== 'string' || named === '') {
      if (state.model !== null) return true;
      sendDetail(c.res, 503, 'No models are currently loaded.');
      return false;
    }
    if (named !== state.model && options.inlineModelLoading) {
      if (permission(c.raw) !== 'admin') {
        sendDetail(c.res, 401, `Unable to switch model to ${named} because an admin key isn't provided`);
        return false;
      }
      if (folders.includes(named)) {
        c.req.markManagement(); // an admin key loads the named model before answering
        state.model = named;
      }
    }
    // With no model loaded and inline loading off, the handler reads `model.container.model_dir` of None.
    if (state.model === null) throw new EndpointCrash("'NoneType' object has no attribute 'model_dir'");
    return true;
  };

  /** Runs the model for a validated request: the answer text, the tokens it generates, or null when a 400 was sent. */
  const generate = (c: Call, promptText: string): { text: string; finish: 'length' | 'stop'; promptTokens: number } | null => {
    const promptTokens = countWords(promptText) + 1;
    const asked = askedLimit(c.body);
    // validate_context_requirements: a limit of 0 means "fill the context", which always fits.
    if (asked > 0 && promptTokens + asked > maxSeqLen) {
      contextError(c.res, promptTokens + asked);
      return null;
    }
    const limit = asked > 0 ? asked : maxSeqLen - promptTokens - 1;
    c.req.markInference(limit);
    return { text: mistralReply(asked > 0 ? asked : undefined), finish: finishReason(asked > 0 ? asked : undefined), promptTokens };
  };

  const usage = (promptTokens: number, text: string) => ({
    prompt_tokens: promptTokens,
    prompt_time: 0.01,
    prompt_tokens_per_sec: 400.0,
    completion_tokens: countWords(text),
    completion_time: 0.02,
    completion_tokens_per_sec: 50.0,
    total_tokens: promptTokens + countWords(text),
    total_time: 0.03,
  });

  /** sse-starlette's EventSourceResponse: each yielded string becomes `data: …\r\n\r\n`. */
  const eventStream = (c: Call, data: string[]) =>
    writeStream(
      c.res,
      200,
      SSE_STARLETTE_HEADERS,
      data.map((d) => `data: ${d}\r\n\r\n`),
    );

  const complete = (kind: 'chat' | 'text') => async (c: Call) => {
    if (!inlineModel(c)) return;
    const out = generate(c, openaiPromptText(c.body, kind));
    if (!out) return;
    const id = nextId();
    const eos = out.finish === 'length' ? 'max_new_tokens' : 'stop_token';
    const withUsage = isRecord(c.body.stream_options) && c.body.stream_options.include_usage === true;
    if (c.body.stream === true) {
      const pieces = replyPieces(askedLimit(c.body) || undefined);
      const chunk = (piece: string, last: boolean) => {
        const finish = last && !withUsage ? { finish_reason: out.finish, eos_reason: eos } : { finish_reason: null };
        return kind === 'chat'
          ? {
              id: `chatcmpl-${id}`,
              object: 'chat.completion.chunk',
              created: CREATED,
              choices: [{ index: 0, delta: { content: piece }, ...finish }],
              model: state.model,
            }
          : {
              id: `chatcmpl-${id}`,
              object: 'text_completion',
              choices: [{ index: 0, text: piece, ...finish }],
              created: CREATED,
              model_name: state.model,
            };
      };
      const events: unknown[] = pieces.map((p, i) => chunk(p, i === pieces.length - 1));
      if (withUsage) {
        const u = usage(out.promptTokens, out.text);
        events.push(
          kind === 'chat'
            ? {
                id: `chatcmpl-${id}`,
                object: 'chat.completion.chunk',
                created: CREATED,
                choices: [{ index: 0, delta: {}, finish_reason: out.finish }],
                usage: u,
                model: state.model,
              }
            : {
                id: `chatcmpl-${id}`,
                object: 'text_completion',
                choices: [{ index: 0, text: '', finish_reason: out.finish }],
                created: CREATED,
                usage: u,
                model_name: state.model,
              },
        );
      }
      return eventStream(c, [...events.map(pyDumps), '[DONE]']);
    }
    const common = { index: 0, finish_reason: out.finish, eos_reason: eos };
    const choice =
      kind === 'chat'
        ? {
            ...common,
            stop_str: null,
            message: { role: 'assistant', content: out.text, reasoning_content: null, tool_calls: null, tool_call_id: null },
            logprobs: null,
          }
        : { ...common, logprobs: null, text: out.text };
    sendJson(c.res, 200, {
      id: `cmpl-${id}`,
      choices: [choice],
      created: CREATED,
      model: state.model,
      object: kind === 'chat' ? 'chat.completion' : 'text_completion',
      usage: withUsage ? usage(out.promptTokens, out.text) : null,
    });
  };

  const koboldGenerate = (streamed: boolean) => async (c: Call) => {
    const out = generate(c, String(c.body.prompt));
    if (!out) return;
    if (!streamed) return sendJson(c.res, 200, { results: [{ text: out.text }] });
    // ServerSentEvent(event="message", data=model_dump_json(), sep="\n"): compact JSON, no [DONE].
    const frames = replyPieces(askedLimit(c.body) || undefined).map((p) => `event: message\ndata: ${JSON.stringify({ token: p })}\n\n`);
    return writeStream(c.res, 200, SSE_STARLETTE_HEADERS, frames);
  };

  const encode = (c: Call) => {
    const text = Array.isArray(c.body.text) ? renderMistral(chatMessages({ messages: c.body.text }) ?? [], 'v3').replace(/^<s>/, '') : String(c.body.text);
    const tokens = tokenizeMistral(text, { controlTokens: c.body.encode_special_tokens !== false, addBos: c.body.add_bos_token !== false });
    for (const t of tokens) vocabulary.set(t.id, t.piece);
    sendJson(c.res, 200, { tokens: tokens.map((t) => t.id), length: tokens.length });
  };

  /** A model-changing route reached with what it needs: it would act (recorded, nothing changes here). */
  const acts = (answer: (c: Call) => void) => (c: Call) => {
    c.req.markManagement();
    answer(c);
  };
  const nullBody = (c: Call) => sendJson(c.res, 200, null);
  const loadModel = (c: Call) => {
    const name = c.body.model_name;
    if (!name) return sendDetail(c.res, 400, 'A model name was not provided for load.');
    if (!folders.includes(String(name))) return sendDetail(c.res, 400, 'Could not find the model path for load. Check model name or config.yml?');
    c.req.markManagement();
    // `stream_model_load`: pydantic's compact JSON per module, the last one "finished"; no [DONE].
    const progress = (status: string) => JSON.stringify({ model_type: 'model', module: 1, modules: 1, status });
    return eventStream(c, [progress('processing'), progress('finished')]);
  };
  const switchOverrides = (c: Call) => {
    if (!c.body.preset && !c.body.overrides) return sendDetail(c.res, 400, "A sampler override preset or dictionary wasn't provided.");
    c.req.markManagement();
    nullBody(c);
  };

  // ---------- routes ----------

  const chatBody: BodySpec = { model: { name: 'ChatCompletionRequest', fields: { messages: 'array' } }, check: samplerErrors };
  const textBody: BodySpec = {
    model: { name: 'CompletionRequest', fields: { prompt: 'string' } },
    unions: ['prompt'],
    check: samplerErrors,
  };
  const r = (methods: string[], path: string, name: string, key: Dependency, handle: TabbyRoute['handle'], extra: Partial<TabbyRoute> = {}): TabbyRoute => ({
    methods,
    path,
    name,
    key,
    handle,
    ...extra,
  });
  const listed = (which: 'model' | 'draft' | 'lora' | 'template' | 'overrides') => (c: Call) => {
    const admin = permission(c.raw) === 'admin';
    if (which === 'model') return sendJson(c.res, 200, list(admin ? folders : [], state.model));
    if (which === 'draft') return sendJson(c.res, 200, list([], null));
    if (which === 'lora') return sendJson(c.res, 200, { object: 'list', data: [] });
    if (which === 'template') return sendJson(c.res, 200, { object: 'list', data: admin ? ['alpaca', 'chatml', 'mistral_v3'] : ['mistral_v3'] });
    sendJson(c.res, 200, { presets: admin ? ['safe_defaults', 'sample_preset'] : [], selected_preset: null, overrides: {} });
  };

  const routes: TabbyRoute[] = [
    r(['GET'], '/health', 'healthcheck', 'none', (c) => sendJson(c.res, 200, { status: 'healthy', issues: [] })),
    r(['GET'], '/.well-known/serviceinfo', 'service_info', 'none', (c) =>
      sendJson(c.res, 200, {
        version: 0.1,
        software: {
          name: 'TabbyAPI',
          repository: 'https://github.com/theroyallab/tabbyAPI',
          homepage: 'https://github.com/theroyallab/tabbyAPI',
        },
        api: {
          openai: { name: 'OpenAI API', relative_url: '/v1', documentation: 'https://theroyallab.github.io/tabbyAPI', version: 1 },
          koboldai: { name: 'KoboldAI API', relative_url: '/api', documentation: 'https://theroyallab.github.io/tabbyAPI', version: 1 },
        },
      }),
    ),
    r(['GET'], '/v1/models', 'list_models', 'api', listed('model')),
    r(['GET'], '/v1/model/list', 'list_models', 'api', listed('model')),
    r(['GET'], '/v1/model', 'current_model', 'api', (c) => sendJson(c.res, 200, loadedCard()), { needs: 'model' }),
    r(
      ['GET'],
      '/props',
      'model_props',
      'api',
      (c) => sendJson(c.res, 200, { total_slots: 256, chat_template: CHAT_TEMPLATES.v3, default_generation_settings: { n_ctx: maxSeqLen } }),
      {
        needs: 'model',
      },
    ),
    r(['GET'], '/v1/model/draft/list', 'list_draft_models', 'api', listed('draft')),
    r(['POST'], '/v1/model/load', 'load_model', 'admin', loadModel, {
      body: { model: { name: 'ModelLoadRequest', fields: { model_name: 'string' } } },
    }),
    r(['POST'], '/v1/model/unload', 'unload_model', 'admin', acts(nullBody), { needs: 'model' }),
    r(
      ['POST'],
      '/v1/download',
      'download_model',
      'admin',
      acts((c) => sendJson(c.res, 200, { download_path: `models/${String(c.body.repo_id).split('/').pop()}` })),
      {
        body: { model: { name: 'DownloadRequest', fields: { repo_id: 'string' } } },
      },
    ),
    r(['GET'], '/v1/loras', 'list_all_loras', 'api', listed('lora')),
    r(['GET'], '/v1/lora/list', 'list_all_loras', 'api', listed('lora')),
    r(['GET'], '/v1/lora', 'active_loras', 'api', (c) => sendJson(c.res, 200, { object: 'list', data: [] }), { needs: 'model' }),
    r(
      ['POST'],
      '/v1/lora/load',
      'load_lora',
      'admin',
      acts((c) => sendJson(c.res, 200, { success: [], failure: [] })),
      {
        needs: 'model',
        body: { model: { name: 'LoraLoadRequest', fields: { loras: 'array' } } },
      },
    ),
    r(['POST'], '/v1/lora/unload', 'unload_loras', 'admin', acts(nullBody), { needs: 'model' }),
    r(['GET'], '/v1/model/embedding/list', 'list_embedding_models', 'api', (c) => sendJson(c.res, 200, list([], null))),
    r(['GET'], '/v1/model/embedding', 'get_embedding_model', 'api', (c) => sendJson(c.res, 200, list([], null)), { needs: 'embedding' }),
    r(
      ['POST'],
      '/v1/model/embedding/load',
      'load_embedding_model',
      'admin',
      acts((c) => sendJson(c.res, 200, { model_type: 'embedding_model', module: 1, modules: 1, status: 'finished' })),
      {
        body: { model: { name: 'EmbeddingModelLoadRequest', fields: { embedding_model_name: 'string' } } },
      },
    ),
    r(['POST'], '/v1/model/embedding/unload', 'unload_embedding_model', 'admin', acts(nullBody), { needs: 'embedding' }),
    r(['POST'], '/v1/token/encode', 'encode_tokens', 'api', encode, {
      needs: 'model',
      body: { model: { name: 'TokenEncodeRequest', fields: { text: 'string' } }, unions: ['text'] },
    }),
    r(
      ['POST'],
      '/v1/token/decode',
      'decode_tokens',
      'api',
      (c) => sendJson(c.res, 200, { text: (c.body.tokens as number[]).map((t) => vocabulary.get(t) ?? '').join('') }),
      {
        needs: 'model',
        body: { model: { name: 'TokenDecodeRequest', fields: { tokens: 'array' } } },
      },
    ),
    r(['GET'], '/v1/auth/permission', 'key_permission', 'api', (c) => {
      try {
        sendJson(c.res, 200, { permission: permission(c.raw) });
      } catch (e) {
        if (!(e instanceof PermissionRefused)) throw e;
        sendDetail(c.res, 400, e.message);
      }
    }),
    r(['GET'], '/v1/templates', 'list_templates', 'api', listed('template')),
    r(['GET'], '/v1/template/list', 'list_templates', 'api', listed('template')),
    r(['POST'], '/v1/template/switch', 'switch_template', 'admin', acts(nullBody), {
      needs: 'model',
      body: { model: { name: 'TemplateSwitchRequest', fields: { prompt_template_name: 'string' } } },
    }),
    r(['POST'], '/v1/template/unload', 'unload_template', 'admin', acts(nullBody), { needs: 'model' }),
    r(['GET'], '/v1/sampling/overrides', 'list_sampler_overrides', 'api', listed('overrides')),
    r(['GET'], '/v1/sampling/override/list', 'list_sampler_overrides', 'api', listed('overrides')),
    r(['POST'], '/v1/sampling/override/switch', 'switch_sampler_override', 'admin', switchOverrides, {
      body: { model: { name: 'SamplerOverrideSwitchRequest', fields: {} } },
    }),
    r(['POST'], '/v1/sampling/override/unload', 'unload_sampler_override', 'admin', acts(nullBody)),
    r(['POST'], '/v1/completions', 'completion_request', 'api', complete('text'), { body: textBody }),
    r(['POST'], '/v1/chat/completions', 'chat_completion_request', 'api', complete('chat'), { body: chatBody }),
    // No embedding model is ever loaded here: check_embeddings_container answers 503 after the key.
    r(['POST'], '/v1/embeddings', 'embeddings', 'api', () => undefined, {
      needs: 'embedding',
      body: { model: { name: 'EmbeddingsRequest', fields: { input: 'string' } }, unions: ['input'] },
    }),
  ];

  if (options.kobold) {
    const koboldBody: BodySpec = { model: { name: 'GenerateRequest', fields: { prompt: 'string' } }, check: samplerErrors };
    for (const prefix of ['/api/v1', '/api/latest']) {
      const inSchema = prefix === '/api/v1';
      routes.push(
        r(['POST'], `${prefix}/generate`, 'generate', 'api', koboldGenerate(false), { needs: 'model', body: koboldBody, inSchema }),
        r(['GET'], `${prefix}/model`, 'current_model', 'api', (c) => sendJson(c.res, 200, { result: `tabbyAPI/${state.model}` }), {
          needs: 'model',
          inSchema,
        }),
        r(['GET'], `${prefix}/config/max_length`, 'get_max_length', 'api', (c) => sendJson(c.res, 200, { value: maxSeqLen }), {
          needs: 'model',
          inSchema,
        }),
        r(['GET'], `${prefix}/config/max_context_length`, 'get_max_length', 'api', (c) => sendJson(c.res, 200, { value: maxSeqLen }), {
          needs: 'model',
          inSchema,
        }),
        r(['GET'], `${prefix}/info/version`, 'get_version', 'none', (c) => sendJson(c.res, 200, { result: '1.2.5' }), { inSchema }),
        r(['GET'], `${prefix}/config/soft_prompts_list`, 'get_available_softprompts', 'none', (c) => sendJson(c.res, 200, { values: [] }), {
          inSchema,
        }),
        r(['GET'], `${prefix}/config/soft_prompt`, 'get_current_softprompt', 'none', (c) => sendJson(c.res, 200, { value: '' }), {
          inSchema,
        }),
        r(['PUT'], `${prefix}/config/soft_prompt`, 'set_current_softprompt', 'none', (c) => sendJson(c.res, 200, {}), { inSchema }),
      );
    }
    routes.push(
      r(['POST'], '/api/extra/generate/stream', 'generate_stream', 'api', koboldGenerate(true), { needs: 'model', body: koboldBody }),
      r(['POST'], '/api/extra/abort', 'abort_generate', 'api', (c) => sendJson(c.res, 200, { success: true }), {
        needs: 'model',
        body: { model: { name: 'AbortRequest', fields: { genkey: 'string' } } },
      }),
      r(['GET', 'POST'], '/api/extra/generate/check', 'check_generate', 'api', (c) => sendJson(c.res, 200, { results: [{ text: '' }] }), {
        needs: 'model',
        body: { model: { name: 'CheckGenerateRequest', fields: { genkey: 'string' } } },
      }),
      r(
        ['POST'],
        '/api/extra/tokencount',
        'get_tokencount',
        'api',
        (c) => {
          const ids = tokenizeMistral(String(c.body.prompt), { controlTokens: true, addBos: true }).map((t) => t.id);
          sendJson(c.res, 200, { value: ids.length, ids });
        },
        { needs: 'model', body: { model: { name: 'TokenCountRequest', fields: { prompt: 'string' } } } },
      ),
      r(['GET'], '/api/extra/true_max_context_length', 'get_max_length', 'api', (c) => sendJson(c.res, 200, { value: maxSeqLen }), {
        needs: 'model',
      }),
      r(['GET'], '/api/extra/version', 'get_extra_version', 'none', (c) => sendJson(c.res, 200, { result: 'KoboldCpp', version: '1.74' })),
    );
  }

  // FastAPI's order: the JSON body is parsed, the dependencies run (key, then model container), the body is validated.
  const asFastapi = (t: TabbyRoute): FastapiRoute => ({
    methods: t.methods,
    path: t.path,
    name: t.name,
    ...(t.inSchema === false ? { inSchema: false } : {}),
    ...(t.body ? { body: t.body.model } : {}),
    handle: async (req, res, raw) => {
      const parsed = t.body ? parseFastapiBody(req, 2) : { ok: true as const, present: false, value: undefined };
      if (!parsed.ok) return sendDetail(res, 422, parsed.errors);
      const refused = refusal(raw, t.key);
      if (refused) return sendDetail(res, 401, refused);
      if (t.needs === 'model' && state.model === null) return sendDetail(res, 503, 'No models are currently loaded.');
      if (t.needs === 'embedding') return sendDetail(res, 503, 'No embedding models are currently loaded.');
      let body: Record<string, unknown> = {};
      if (t.body) {
        const errors = bodyErrors(t.body, parsed);
        if (errors.length) return sendDetail(res, 422, errors);
        body = parsed.value as Record<string, unknown>;
      }
      try {
        await t.handle({ req, res, raw, body });
      } catch (e) {
        if (!(e instanceof EndpointCrash || e instanceof PermissionRefused)) throw e;
        sendText(res, 500, 'Internal Server Error');
      }
    },
  });
  const fastapiRoutes = routes.map(asFastapi);

  /** FastAPI documents each dependency's Header(None) parameters on the operation, optional. */
  const openapi = () => {
    const doc = openapiDocument(fastapiRoutes, { title: TITLE }) as {
      info: Record<string, unknown>;
      paths: Record<string, Record<string, Record<string, unknown>>>;
    };
    doc.info = { title: TITLE, summary: SUMMARY, description: DESCRIPTION, version: '0.1.0' };
    for (const t of routes) {
      if (t.key === 'none' || t.inSchema === false) continue;
      const own = t.key === 'admin' ? 'x-admin-key' : 'x-api-key';
      for (const method of t.methods) {
        const op = doc.paths[t.path]?.[method.toLowerCase()];
        if (!op) continue;
        op.parameters = [own, 'authorization'].map((name) => ({
          name,
          in: 'header',
          required: false,
          schema: {
            type: 'string',
            title: name
              .split('-')
              .map((w) => w[0]!.toUpperCase() + w.slice(1))
              .join('-'),
          },
        }));
        (op.responses as Record<string, unknown>)['422'] = {
          description: 'Validation Error',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/HTTPValidationError' } } },
        };
      }
    }
    return doc;
  };

  const app = createFastapiApp(fastapiRoutes, {
    title: TITLE,
    middleware: (req, res, raw) => {
      if (starletteCorsWithCredentials(req, res, raw)) return true;
      const schema = uvicornPath(req.path) === '/openapi.json' && (req.method === 'GET' || req.method === 'HEAD');
      if (schema) sendJson(res, 200, openapi());
      return schema;
    },
  });
  return startTarget(app, { serverHeader: 'uvicorn' });
}
