// vLLM's OpenAI-compatible server (a FastAPI app under uvicorn), current and legacy auth (docs/servers/vllm.md).
// The auth middleware guards only some path prefixes, so inference, tokenizer, control and info routes outside
// them stay open with a key set; before 0.22 it read the path from a URL built with the Host header.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createFastapiApp, type FastapiRoute, parseFastapiBody, starletteUrlPath, uvicornPath } from './fastapi-app.js';
import { type EmulatorRequest, firstHeader, type RunningTarget, sendJson, sendText, startTarget } from './harness.js';
import { CHAT_TEMPLATES, CREATED, chatMessages, countWords, isRecord, renderMistral, TEST_KEY, tokenizeMistral } from './mistral-model.js';
import { answerOpenAI, openaiLimit, openaiPromptText } from './openai-compatible.js';

export interface VllmOptions {
  /** `--api-key` (several allowed); undefined or '' = no auth. */
  apiKey?: string | string[];
  /** `/version`; default follows the behaviour flags (0.10.1 legacy, 0.21.0 with the Host bug, else 0.29.0). */
  version?: string;
  /** ≤ 0.10: guards only `/v1`, `Authorization != "Bearer " + key` (scheme case-sensitive), old error objects. */
  legacy?: boolean;
  /** Before 0.22 (CVE-2026-48746): the middleware's path comes from `URL(scope=scope)`, built with the Host header. Default = legacy. */
  hostHeaderBug?: boolean;
  /** 0.27–0.29: `/invocations` reaches inference without a key (default true); false guards it. */
  invocationsOpen?: boolean;
  model?: string;
  maxModelLen?: number;
  /** Real vLLM refuses `max_tokens` beyond the context with a 400 (default true). */
  refuseOversized?: boolean;
  /** VLLM_SERVER_DEV_MODE=1: `/server_info`, `/reset_prefix_cache`, `/sleep`, `/wake_up`, `/collective_rpc`… */
  devMode?: boolean;
  /** `--enable-tokenizer-info-endpoint`: `/tokenizer_info` (leaks the chat template). */
  tokenizerInfo?: boolean;
  /** Serve a pooling model: `/pooling`, `/classify`, `/score`, `/rerank` answer instead of refusing. */
  pooling?: boolean;
}

export const OPEN: VllmOptions = {};
export const KEYED: VllmOptions = { apiKey: TEST_KEY };

/** A rough Python repr, for the messages vLLM builds with `str(exc)`. */
const pyRepr = (v: unknown): string =>
  JSON.stringify(v)
    .replace(/"/g, "'")
    .replace(/\bnull\b/g, 'None')
    .replace(/\btrue\b/g, 'True')
    .replace(/\bfalse\b/g, 'False');

export async function startVllm(options: VllmOptions = {}): Promise<RunningTarget> {
  const legacy = options.legacy ?? false;
  const hostBug = options.hostHeaderBug ?? legacy;
  const keys = (Array.isArray(options.apiKey) ? options.apiKey : [options.apiKey]).filter((k): k is string => !!k);
  const model = options.model ?? 'mistralai/Mistral-7B-Instruct-v0.3';
  const maxModelLen = options.maxModelLen ?? 32768;
  const version = options.version ?? (legacy ? '0.10.1' : hostBug ? '0.21.0' : '0.29.0');
  const counters = { requests: 0, promptTokens: 0, generationTokens: 0 };
  const digests = keys.map((k) => createHash('sha256').update(k).digest());

  /** 0.11+: split on the first space, any-case scheme, sha256 digests compared in constant time. */
  const verifyToken = (auth: string | undefined): boolean => {
    if (!auth) return false;
    const sp = auth.indexOf(' ');
    const scheme = sp === -1 ? auth : auth.slice(0, sp);
    if (scheme.toLowerCase() !== 'bearer') return false;
    const digest = createHash('sha256')
      .update(sp === -1 ? '' : auth.slice(sp + 1))
      .digest();
    return digests.some((d) => timingSafeEqual(d, digest));
  };
  const guardedPrefixes = legacy ? ['/v1'] : ['/v1', '/v2', '/inference', '/cohere', ...(options.invocationsOpen === false ? ['/invocations'] : [])];

  const middleware = (req: EmulatorRequest, res: ServerResponse, raw: IncomingMessage): boolean => {
    if (keys.length === 0 || req.method === 'OPTIONS') return false;
    const path = hostBug ? starletteUrlPath(req, raw) : uvicornPath(req.path);
    if (!guardedPrefixes.some((p) => path.startsWith(p))) return false;
    const auth = firstHeader(raw, 'authorization');
    const ok = legacy ? keys.some((k) => auth === `Bearer ${k}`) : verifyToken(auth);
    if (ok) return false;
    sendJson(res, 401, { error: 'Unauthorized' });
    return true;
  };

  const error = (res: ServerResponse, status: number, type: string, message: string, param: string | null = null) =>
    sendJson(res, status, legacy ? { object: 'error', message, type, param, code: status } : { error: { message, type, param, code: status } });

  /** FastAPI parses the body, then vLLM's RequestValidationError handler turns 422s into 400 error objects. */
  const jsonBody = (req: EmulatorRequest, res: ServerResponse): Record<string, unknown> | undefined => {
    const parsed = parseFastapiBody(req, 2);
    if (!parsed.ok) return void error(res, 400, 'BadRequestError', pyRepr(parsed.errors));
    if (!isRecord(parsed.value)) {
      return void error(
        res,
        400,
        'BadRequestError',
        pyRepr([{ type: parsed.present ? 'model_attributes_type' : 'missing', loc: ['body'], input: parsed.value ?? null }]),
      );
    }
    return parsed.value;
  };

  const complete = (kind: 'chat' | 'text') => async (req: EmulatorRequest, res: ServerResponse) => {
    const body = jsonBody(req, res);
    if (!body) return;
    if (kind === 'chat' && chatMessages(body) === undefined)
      return error(res, 400, 'BadRequestError', pyRepr([{ type: 'missing', loc: ['body', 'messages'], msg: 'Field required' }]));
    if (kind === 'text' && body.prompt === undefined)
      return error(res, 400, 'BadRequestError', pyRepr([{ type: 'missing', loc: ['body', 'prompt'], msg: 'Field required' }]));
    if (legacy && body.model === undefined)
      return error(res, 400, 'BadRequestError', pyRepr([{ type: 'missing', loc: ['body', 'model'], msg: 'Field required' }]));
    if (body.model !== undefined && body.model !== model)
      return error(res, 404, 'NotFoundError', `The model \`${String(body.model)}\` does not exist.`, 'model');
    const promptTokens = countWords(openaiPromptText(body, kind)) + 4;
    const limit = openaiLimit(body, kind);
    if (options.refuseOversized !== false && limit !== undefined && limit > maxModelLen - promptTokens) {
      const field = kind === 'chat' ? "'max_tokens' or 'max_completion_tokens'" : "'max_tokens'";
      return error(
        res,
        400,
        'BadRequestError',
        `${field} is too large: ${limit}. This model's maximum context length is ${maxModelLen} tokens and ` +
          `your request has ${promptTokens} input tokens (${limit} > ${maxModelLen} - ${promptTokens}).`,
      );
    }
    counters.requests++;
    counters.promptTokens += promptTokens;
    counters.generationTokens += Math.min(limit ?? 24, 24);
    await answerOpenAI(req, res, body, {
      kind,
      model,
      defaultMaxTokens: kind === 'chat' ? maxModelLen - promptTokens : 16,
      extra: kind === 'chat' ? { prompt_logprobs: null, kv_transfer_params: null } : { kv_transfer_params: null },
    });
  };

  const tokenize = (req: EmulatorRequest, res: ServerResponse) => {
    const body = jsonBody(req, res);
    if (!body) return;
    const messages = chatMessages(body);
    if (messages === undefined && typeof body.prompt !== 'string')
      return error(res, 400, 'BadRequestError', pyRepr([{ type: 'missing', loc: ['body', 'prompt'], msg: 'Field required' }]));
    // HF tokenizers encode special-token strings found in the text as the special ids: [INST] in user text → 3.
    const text = messages ? renderMistral(messages, 'v3') : (body.prompt as string);
    const tokens = tokenizeMistral(text, { controlTokens: true, addBos: !messages && body.add_special_tokens !== false });
    sendJson(res, 200, { count: tokens.length, max_model_len: maxModelLen, tokens: tokens.map((t) => t.id), token_strs: null });
  };

  const unsupported = (api: string, answer: () => unknown) => (req: EmulatorRequest, res: ServerResponse) => {
    const body = jsonBody(req, res);
    if (!body) return;
    if (!options.pooling) return error(res, 400, 'BadRequestError', `The model does not support ${api} API`);
    req.markInference(0); // a forward pass, no generated token
    sendJson(res, 200, answer());
  };
  const usage = { prompt_tokens: 4, total_tokens: 4, completion_tokens: 0, prompt_tokens_details: null };

  /** A control route acts when POSTed (with its required body, when it has one): record it, change nothing. */
  const control = (needs: string | undefined, answer: unknown) => (req: EmulatorRequest, res: ServerResponse) => {
    if (needs !== undefined) {
      const body = jsonBody(req, res);
      if (!body) return;
      if (!(needs in body)) return error(res, 400, 'BadRequestError', pyRepr([{ type: 'missing', loc: ['body', needs], msg: 'Field required' }]));
    }
    req.markManagement();
    if (answer === undefined) return sendText(res, 200, '', { 'content-type': 'application/json' });
    sendJson(res, 200, answer);
  };

  const empty200 = (_q: EmulatorRequest, res: ServerResponse) => {
    res.writeHead(200, { 'content-length': 0 });
    res.end();
  };
  const r = (methods: string[], path: string, name: string, handle: FastapiRoute['handle'], extra: Partial<FastapiRoute> = {}): FastapiRoute => ({
    methods,
    path,
    name,
    handle,
    ...extra,
  });
  const modelCard = {
    id: model,
    object: 'model',
    created: CREATED,
    owned_by: 'vllm',
    root: model,
    parent: null,
    max_model_len: maxModelLen,
    permission: [
      {
        id: 'modelperm-0a1b2c3d4e5f',
        object: 'model_permission',
        created: CREATED,
        allow_create_engine: false,
        allow_sampling: true,
        allow_logprobs: true,
        allow_search_indices: false,
        allow_view: true,
        allow_fine_tuning: false,
        organization: '*',
        group: null,
        is_blocking: false,
      },
    ],
  };
  const metrics = () =>
    [
      '# HELP vllm:num_requests_running Number of requests in model execution batches.',
      '# TYPE vllm:num_requests_running gauge',
      `vllm:num_requests_running{engine="0",model_name="${model}"} 0.0`,
      '# HELP vllm:num_requests_waiting Number of requests waiting to be processed.',
      '# TYPE vllm:num_requests_waiting gauge',
      `vllm:num_requests_waiting{engine="0",model_name="${model}"} 0.0`,
      '# HELP vllm:prompt_tokens_total Number of prefill tokens processed.',
      '# TYPE vllm:prompt_tokens_total counter',
      `vllm:prompt_tokens_total{engine="0",model_name="${model}"} ${counters.promptTokens}.0`,
      '# HELP vllm:generation_tokens_total Number of generation tokens processed.',
      '# TYPE vllm:generation_tokens_total counter',
      `vllm:generation_tokens_total{engine="0",model_name="${model}"} ${counters.generationTokens}.0`,
      '# HELP vllm:request_success_total Count of successfully processed requests.',
      '# TYPE vllm:request_success_total counter',
      `vllm:request_success_total{engine="0",finished_reason="length",model_name="${model}"} ${counters.requests}.0`,
      '',
    ].join('\n');

  const routes: FastapiRoute[] = [
    r(['GET'], '/health', 'health', empty200),
    r(['GET', 'POST'], '/ping', 'ping', empty200),
    r(['GET'], '/load', 'get_server_load_metrics', (_q, res) => sendJson(res, 200, { server_load: 0 })),
    r(['GET'], '/version', 'show_version', (_q, res) => sendJson(res, 200, { version })),
    r(['GET'], '/metrics', 'metrics', (_q, res) => sendText(res, 200, metrics(), { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }), {
      inSchema: false,
    }),
    r(['GET'], '/v1/models', 'show_available_models', (_q, res) => sendJson(res, 200, { object: 'list', data: [modelCard] })),
    r(['POST'], '/v1/chat/completions', 'create_chat_completion', complete('chat'), { body: { name: 'ChatCompletionRequest', fields: { messages: 'array' } } }),
    r(['POST'], '/v1/completions', 'create_completion', complete('text'), { body: { name: 'CompletionRequest', fields: { prompt: 'string' } } }),
    r(['POST'], '/tokenize', 'tokenize', tokenize, { body: { name: 'TokenizeRequest', fields: { prompt: 'string' } } }),
    r(['POST'], '/detokenize', 'detokenize', (req, res) => {
      const body = jsonBody(req, res);
      if (body) sendJson(res, 200, { prompt: '' });
    }),
    r(['POST'], '/invocations', 'invocations', (req, res) => {
      // SageMaker entry point: dispatches on the body to chat or completions (docs/servers/vllm.md: reaches inference).
      const body = jsonBody(req, res);
      if (!body) return;
      if (body.messages !== undefined) return complete('chat')(req, res);
      if (body.prompt !== undefined) return complete('text')(req, res);
      error(
        res,
        400,
        'BadRequestError',
        'Cannot find suitable handler for request. Expected one of: ChatCompletionRequest, CompletionRequest, ' +
          'EmbeddingRequest, ClassificationRequest, ScoreRequest, RerankRequest',
      );
    }),
    r(
      ['POST'],
      '/pooling',
      'create_pooling',
      unsupported('Pooling', () => ({
        id: 'pool-1',
        object: 'list',
        created: CREATED,
        model,
        data: [{ index: 0, object: 'pooling', data: [0.1, 0.2] }],
        usage,
      })),
    ),
    r(
      ['POST'],
      '/classify',
      'create_classify',
      unsupported('Classification', () => ({
        id: 'classify-1',
        object: 'list',
        created: CREATED,
        model,
        data: [{ index: 0, label: 'LABEL_0', probs: [0.9, 0.1], num_classes: 2 }],
        usage,
      })),
    ),
    r(
      ['POST'],
      '/score',
      'create_score',
      unsupported('Score', () => ({ id: 'score-1', object: 'list', created: CREATED, model, data: [{ index: 0, object: 'score', score: 0.5 }], usage })),
    ),
    // Generative scoring runs the generative model itself (next-token probabilities; response shape inferred).
    r(['POST'], '/generative_scoring', 'create_generative_scoring', (req, res) => {
      const body = jsonBody(req, res);
      if (!body) return;
      req.markInference(1);
      sendJson(res, 200, { id: 'genscore-1', object: 'list', created: CREATED, model, data: [{ index: 0, object: 'score', score: 0.5 }], usage });
    }),
    r(
      ['POST'],
      '/rerank',
      'do_rerank',
      unsupported('Rerank', () => ({
        id: 'rerank-1',
        model,
        usage: { total_tokens: 4 },
        results: [{ index: 0, document: { text: '' }, relevance_score: 0.5 }],
      })),
    ),
  ];
  if (!legacy) {
    routes.push(
      r(['POST'], '/pause', 'pause_generation', control(undefined, { status: 'paused' })),
      r(['POST'], '/resume', 'resume_generation', control(undefined, { status: 'resumed' })),
      r(['GET'], '/is_paused', 'is_paused', (_q, res) => sendJson(res, 200, { is_paused: false })),
      r(['POST'], '/scale_elastic_ep', 'scale_elastic_ep', control('new_data_parallel_size', { message: 'Scaled' })),
      r(['POST'], '/update_weights', 'update_weights', control('update_info', { status: 'ok' })),
      r(['POST'], '/init_weight_transfer_engine', 'init_weight_transfer_engine', control('init_info', { status: 'ok' })),
      r(['POST'], '/abort_requests', 'abort_requests', control(undefined, { status: 'ok' })),
    );
  }
  if (options.devMode) {
    routes.push(
      r(['GET'], '/server_info', 'show_server_info', (_q, res) =>
        sendJson(res, 200, { vllm_config: `model='${model}', max_model_len=${maxModelLen}, served_model_name=${model}` }),
      ),
      r(['POST'], '/reset_prefix_cache', 'reset_prefix_cache', control(undefined, undefined)),
      r(['POST'], '/reset_mm_cache', 'reset_mm_cache', control(undefined, undefined)),
      r(['POST'], '/sleep', 'sleep', control(undefined, undefined)),
      r(['POST'], '/wake_up', 'wake_up', control(undefined, undefined)),
      r(['GET'], '/is_sleeping', 'is_sleeping', (_q, res) => sendJson(res, 200, { is_sleeping: false })),
      r(['POST'], '/collective_rpc', 'collective_rpc', control('method', { results: [] })),
    );
  }
  if (options.tokenizerInfo) {
    routes.push(
      r(['GET'], '/tokenizer_info', 'get_tokenizer_info', (_q, res) =>
        sendJson(res, 200, {
          tokenizer_class: 'LlamaTokenizerFast',
          chat_template: CHAT_TEMPLATES.v3,
          bos_token: '<s>',
          eos_token: '</s>',
          unk_token: '<unk>',
          add_bos_token: true,
          model_max_length: maxModelLen,
        }),
      ),
    );
  }
  // build_app adds CORSMiddleware (--allowed-origins/methods/headers default ["*"]) before the auth middleware, so auth
  // is the outer layer: a refused request carries no CORS header, a preflight (OPTIONS, skipped by auth) gets 200.
  return startTarget(createFastapiApp(routes, { middleware, corsAllowAll: true }), { serverHeader: 'uvicorn' });
}
