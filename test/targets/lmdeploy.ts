// LMDeploy's `lmdeploy serve api_server` (docs/servers/lmdeploy.md): a FastAPI app under uvicorn, Swagger UI at `/`.
// With `--api-keys` an ASGI middleware checks `Authorization: Bearer` (any-case scheme, SHA-256 digests compared in
// constant time) before routing, on every path but those starting with /health, /docs, /redoc, /nodes, and refuses in
// the route's own error shape. It reads the path from a URL Starlette rebuilds with the Host header, which Starlette
// before 1.0.1 lets a `Host: x/health?` rewrite. Up to 0.12.1 the key was a per-route dependency that several routes
// lacked. Not emulated: the Responses stream beyond its created, text-delta and completed events, the PD
// disaggregation connection routes (`/distserve/p2p_*`), tool calls, logprobs and `n > 1`.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type BodyModel, createFastapiApp, type FastapiRoute, fieldError, parseFastapiBody, sendDetail, starletteUrlPath, uvicornPath } from './fastapi-app.js';
import { type EmulatorRequest, firstHeader, type RunningTarget, sendJson, sendText, startTarget } from './harness.js';
import {
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

export interface LmdeployOptions {
  /** `--api-keys`; undefined, empty, or only empty strings = no authentication. */
  apiKeys?: string[];
  /**
   * The release whose wire behaviour to follow: 0.16.0 (default) refuses in the route's protocol and turns validation
   * errors into 400s; 0.12.2–0.15.x refuse `{"error":"Unauthorized"}` and answer 422 with the body echoed; up to 0.12.1
   * the key is a per-route dependency that /pooling, /abort_request and /distserve/* lack.
   */
  version?: string;
  /** Starlette before 1.0.1 (CVE-2026-48710): `URL(scope=scope)` takes the Host header as given. Default false. */
  starletteHostBug?: boolean;
  /** `--model-name` (else the model path). */
  model?: string;
  /** LoRA adapters: accepted as `model` besides the served name. */
  adapters?: string[];
  sessionLen?: number;
  /** `--disable-fastapi-docs` turns Swagger UI (at `/`), ReDoc and the schema off. */
  disableDocs?: boolean;
  /** `--allow-credentials`: CORS echoes the Origin with credentials allowed. */
  allowCredentials?: boolean;
  allowTerminateByClient?: boolean;
  enableAbortHandling?: boolean;
  /** `--enable-metrics`: Prometheus at /metrics. */
  enableMetrics?: boolean;
}

export const OPEN: LmdeployOptions = {};
export const KEYED: LmdeployOptions = { apiKeys: [TEST_KEY] };

type Generation = 'per-route' | 'middleware' | 'protocol';

/** Which code the release runs: the dependency (≤ 0.12.1), the first middleware (0.12.2–0.15.x), the protocol-aware one. */
function generationOf(version: string): Generation {
  const [major = 0, minor = 0, patch = 0] = version.split('.').map((n) => Number.parseInt(n, 10) || 0);
  const n = major * 10_000 + minor * 100 + patch;
  return n < 1202 ? 'per-route' : n < 1600 ? 'middleware' : 'protocol';
}

const SKIP_PREFIXES = ['/health', '/docs', '/redoc', '/nodes'];
const UNAUTHORIZED = 'Unauthorized.';

/** `ErrorResponse.model_dump()`: a flat error object, `code` the HTTP status. */
const flatError = (status: number, message: string, type: string) => ({ message, type, code: status, param: null, object: 'error' });
const openaiType = (status: number) =>
  status === 401 ? 'authentication_error' : status === 404 ? 'not_found_error' : status >= 500 || status === 503 ? 'server_error' : 'invalid_request_error';
const anthropicType = (status: number) =>
  status === 401
    ? 'authentication_error'
    : status === 404
      ? 'not_found_error'
      : status === 503
        ? 'overloaded_error'
        : status >= 500
          ? 'api_error'
          : 'invalid_request_error';

/** `protocol_error_response`: the error in the shape of the protocol the path belongs to. */
function protocolError(res: ServerResponse, path: string, status: number, message: string, param: string | null = null): void {
  if (path.startsWith('/v1/messages')) return sendJson(res, status, { type: 'error', error: { type: anthropicType(status), message } });
  if (path.startsWith('/v1/responses')) {
    const type = status === 404 ? 'not_found_error' : status >= 500 ? 'server_error' : 'invalid_request_error';
    return sendJson(res, status, { error: { message, type, param, code: status } });
  }
  sendJson(res, status, { ...flatError(status, message, openaiType(status)), param });
}

interface LmRoute {
  methods: string[];
  path: string;
  name: string;
  body?: BodyModel;
  /** Required fields typed `str | list[…]`. */
  unions?: string[];
  /** `Depends(validate_json_request)`: only `application/json` bodies (0.12.2 and later). */
  jsonOnly?: boolean;
  /** Up to 0.12.1: `Depends(check_api_key)`. */
  keyed?: boolean;
  inSchema?: boolean;
  handle(c: Call): unknown;
}

interface Call {
  req: EmulatorRequest;
  res: ServerResponse;
  raw: IncomingMessage;
  body: Record<string, unknown>;
  /** The path as the router saw it. */
  path: string;
}

export async function startLmdeploy(options: LmdeployOptions = {}): Promise<RunningTarget> {
  const generation = generationOf(options.version ?? '0.16.0');
  const tokens = (options.apiKeys ?? []).filter((k) => k !== '');
  const digests = tokens.map((t) => createHash('sha256').update(t).digest());
  const model = options.model ?? 'internlm/internlm2_5-7b-chat';
  const models = [model, ...(options.adapters ?? [])];
  const sessionLen = options.sessionLen ?? 32768;
  const state = { sleeping: false };
  let sequence = 0;
  const nextId = () => (++sequence).toString(36).padStart(22, '0');

  // ---------- errors ----------

  /** A handler's own error (`create_error_response`): the flat object on OpenAI routes, Anthropic's on /v1/messages. */
  const fail = (c: Call, status: number, message: string) =>
    generation === 'per-route' ? sendJson(c.res, status, flatError(status, message, 'invalid_request_error')) : protocolError(c.res, c.path, status, message);

  /** FastAPI's RequestValidationError, as each release's handler renders it. */
  const validationFailed = (c: Omit<Call, 'body'>, errors: unknown[], body: unknown) => {
    if (generation !== 'protocol') return sendJson(c.res, 422, { detail: errors, body: body ?? null });
    const first = isRecord(errors[0]) ? errors[0] : { msg: String(errors[0]) };
    const loc = (Array.isArray(first.loc) ? first.loc : [])
      .filter((p) => p !== 'body')
      .map(String)
      .join('.');
    const msg = typeof first.msg === 'string' ? first.msg : 'Invalid request body.';
    protocolError(c.res, c.path, 400, loc ? `${loc}: ${msg}` : msg);
  };

  // ---------- keys ----------

  /** AuthenticationMiddleware.verify_token: `scheme, _, param = value.partition(' ')`, OR over constant-time compares. */
  const verifyToken = (raw: IncomingMessage): boolean => {
    const value = firstHeader(raw, 'authorization');
    if (!value) return false;
    const sp = value.indexOf(' ');
    const scheme = sp === -1 ? value : value.slice(0, sp);
    if (scheme.toLowerCase() !== 'bearer') return false;
    const digest = createHash('sha256')
      .update(sp === -1 ? '' : value.slice(sp + 1))
      .digest();
    let match = false;
    for (const d of digests) match = timingSafeEqual(d, digest) || match;
    return match;
  };

  const middleware = (req: EmulatorRequest, res: ServerResponse, raw: IncomingMessage): boolean => {
    if (tokens.length > 0 && generation !== 'per-route' && req.method !== 'OPTIONS') {
      const path = options.starletteHostBug ? starletteUrlPath(req, raw) : uvicornPath(req.path);
      if (!SKIP_PREFIXES.some((p) => path.startsWith(p)) && !verifyToken(raw)) {
        if (generation === 'middleware') sendJson(res, 401, { error: 'Unauthorized' });
        else protocolError(res, path, 401, UNAUTHORIZED);
        return true;
      }
    }
    // CORSMiddleware sits inside the key check; without --allow-credentials it is fastapi-app's allow-all.
    return options.allowCredentials === true && starletteCorsWithCredentials(req, res, raw);
  };

  /** Up to 0.12.1: `HTTPBearer(auto_error=False)` then `token not in api_keys`. */
  const bearerRefused = (raw: IncomingMessage): boolean => {
    if (tokens.length === 0) return false;
    const value = firstHeader(raw, 'authorization') ?? '';
    const sp = value.indexOf(' ');
    const [scheme, credentials] = sp === -1 ? [value, ''] : [value.slice(0, sp), value.slice(sp + 1)];
    return !(scheme && credentials && scheme.toLowerCase() === 'bearer' && tokens.includes(credentials));
  };

  // ---------- the model ----------

  /** `validate_request`'s model check, the engine's state, then the token limit: null when an error was sent. */
  const modelAndLimit = (c: Call, promptText: string, asked: number | undefined): { limit: number; promptTokens: number } | null => {
    const promptTokens = countWords(promptText) + 2;
    const limit = asked ?? Math.max(0, sessionLen - promptTokens);
    const refusal: [number, string] | null = !models.includes(String(c.body.model))
      ? [404, `The model '${String(c.body.model)}' does not exist.`]
      : state.sleeping
        ? [503, 'Engine is sleeping; call POST /wakeup before inference (e.g. tags=weights&tags=kv_cache).']
        : promptTokens >= sessionLen
          ? [400, `Input length (${promptTokens}) must be smaller than the model context length (${sessionLen}).`]
          : limit < 1
            ? [400, `max_new_tokens must be at least 1, got ${limit}.`]
            : null;
    if (refusal) {
      fail(c, ...refusal);
      return null;
    }
    c.req.markInference(limit);
    return { limit, promptTokens };
  };

  const usage = (promptTokens: number, text: string) => ({
    prompt_tokens: promptTokens,
    total_tokens: promptTokens + countWords(text),
    completion_tokens: countWords(text),
    prompt_tokens_details: { cached_tokens: 0 },
    completion_tokens_details: null,
  });

  /** Starlette's StreamingResponse: frames as the handler writes them, no cache or keep-alive headers. */
  const stream = (c: Call, frames: string[]) => writeStream(c.res, 200, { 'content-type': 'text/event-stream; charset=utf-8' }, frames);

  const complete = (kind: 'chat' | 'text') => async (c: Call) => {
    const asked = [c.body.max_completion_tokens, c.body.max_tokens].find((v): v is number => typeof v === 'number');
    const promptText = kind === 'chat' && typeof c.body.messages === 'string' ? c.body.messages : openaiPromptText(c.body, kind);
    const run = modelAndLimit(c, promptText, asked);
    if (!run) return;
    const id = kind === 'chat' ? `chatcmpl-${nextId()}` : `cmpl-${nextId()}`;
    const text = mistralReply(run.limit);
    const finish = finishReason(run.limit);
    const name = String(c.body.model);
    if (c.body.stream === true) {
      // Chunks are model_dump(exclude_none=True) written with json.dumps: no null fields, Python's separators.
      const pieces = replyPieces(run.limit);
      const chunk = (piece: string, last: boolean) => ({
        id,
        object: kind === 'chat' ? 'chat.completion.chunk' : 'text_completion',
        created: CREATED,
        model: name,
        choices: [
          kind === 'chat'
            ? { index: 0, delta: { role: 'assistant', content: piece }, ...(last ? { finish_reason: finish } : {}) }
            : { index: 0, text: piece, ...(last ? { finish_reason: finish } : {}) },
        ],
      });
      return stream(c, [...pieces.map((p, i) => `data: ${pyDumps(chunk(p, i === pieces.length - 1))}\n\n`), 'data: [DONE]\n\n']);
    }
    if (kind === 'text') {
      return sendJson(c.res, 200, {
        id,
        object: 'text_completion',
        created: CREATED,
        model: name,
        choices: [{ index: 0, text, logprobs: null, finish_reason: finish }],
        usage: usage(run.promptTokens, text),
      });
    }
    sendJson(c.res, 200, {
      id,
      object: 'chat.completion',
      created: CREATED,
      model: name,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: text, reasoning_content: null, tool_calls: null },
          logprobs: null,
          output_token_logprobs: null,
          finish_reason: finish,
          output_ids: null,
          routed_experts: null,
        },
      ],
      usage: usage(run.promptTokens, text),
      service_tier: null,
    });
  };

  /** `/generate`: exactly one of prompt and input_ids, max_tokens 128 by default. */
  const generate = async (c: Call) => {
    const hasPrompt = c.body.prompt !== undefined && c.body.prompt !== null;
    const hasIds = c.body.input_ids !== undefined && c.body.input_ids !== null;
    if (hasPrompt === hasIds) return fail(c, 400, 'You must specify exactly one of prompt or input_ids');
    if (c.body.prompt === '') return fail(c, 400, 'The prompt must not be an empty string');
    const asked = typeof c.body.max_tokens === 'number' ? c.body.max_tokens : 128;
    if (asked <= 0) return fail(c, 400, `The max_tokens ${asked} must be a positive integer.`);
    const run = modelAndLimit({ ...c, body: { ...c.body, model } }, hasPrompt ? String(c.body.prompt) : '', asked);
    if (!run) return;
    const text = mistralReply(run.limit);
    const ids = tokenizeMistral(text, { controlTokens: true }).map((t) => t.id);
    const meta = (done: boolean, n: number) => ({
      prompt_tokens: run.promptTokens,
      completion_tokens: n,
      finish_reason: done ? { type: finishReason(run.limit) } : null,
      output_token_logprobs: null,
      routed_experts: null,
    });
    if (c.body.stream === true) {
      const pieces = replyPieces(run.limit);
      const frames = pieces.map(
        (p, i) => `data: ${JSON.stringify({ text: p, output_ids: [ids[i] ?? 0], meta_info: meta(i === pieces.length - 1, i + 1) })}\n\n`,
      );
      return stream(c, [...frames, 'data: [DONE]\n\n']);
    }
    sendJson(c.res, 200, { text, output_ids: ids, meta_info: meta(true, ids.length) });
  };

  /** Anthropic Messages: the `anthropic-version` header, `model`, `max_tokens > 0`. */
  const messages = async (c: Call) => {
    if (!firstHeader(c.raw, 'anthropic-version')) return fail(c, 400, 'Missing required header: anthropic-version');
    const list = Array.isArray(c.body.messages) ? c.body.messages : [];
    const promptText = list.map((m) => (isRecord(m) && typeof m.content === 'string' ? m.content : '')).join('\n');
    const run = modelAndLimit(c, promptText, c.body.max_tokens as number);
    if (!run) return;
    const id = `msg_${nextId()}`;
    const text = mistralReply(run.limit);
    const stop = finishReason(run.limit) === 'length' ? 'max_tokens' : 'end_turn';
    if (c.body.stream === true) {
      const event = (type: string, data: Record<string, unknown>) => `event: ${type}\ndata: ${pyDumps({ type, ...data })}\n\n`;
      return stream(c, [
        event('message_start', {
          message: {
            id,
            type: 'message',
            role: 'assistant',
            content: [],
            model: c.body.model,
            stop_reason: null,
            stop_sequence: null,
            usage: { input_tokens: run.promptTokens, output_tokens: 1 },
          },
        }),
        event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
        ...replyPieces(run.limit).map((p) => event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: p } })),
        event('content_block_stop', { index: 0 }),
        event('message_delta', { delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: countWords(text) } }),
        event('message_stop', {}),
      ]);
    }
    sendJson(c.res, 200, {
      id,
      type: 'message',
      role: 'assistant',
      content: [{ type: 'text', text }],
      model: c.body.model,
      stop_reason: stop,
      stop_sequence: null,
      usage: { input_tokens: run.promptTokens, output_tokens: countWords(text) },
      output_ids: null,
    });
  };

  /** The Responses API (text): `input` required, `model` defaults to the served model. */
  const responses = async (c: Call) => {
    if (c.body.input === undefined || c.body.input === null) return protocolError(c.res, c.path, 400, 'input is required by Responses Text V1.', 'input');
    const input = typeof c.body.input === 'string' ? c.body.input : JSON.stringify(c.body.input);
    const asked = typeof c.body.max_output_tokens === 'number' ? c.body.max_output_tokens : undefined;
    const run = modelAndLimit({ ...c, body: { ...c.body, model: c.body.model ?? model } }, input, asked);
    if (!run) return;
    const text = mistralReply(run.limit);
    const id = `resp_${nextId()}`;
    const message = {
      type: 'message',
      id: `msg_${nextId()}`,
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text, annotations: [] }],
    };
    const response = {
      id,
      created_at: CREATED,
      error: null,
      incomplete_details: null,
      instructions: c.body.instructions ?? null,
      metadata: null,
      model: c.body.model ?? model,
      object: 'response',
      output: [message],
      parallel_tool_calls: true,
      temperature: null,
      tool_choice: null,
      tools: [],
      top_p: null,
      background: false,
      completed_at: CREATED,
      max_output_tokens: asked ?? null,
      output_text: text,
      status: 'completed',
      usage: { input_tokens: run.promptTokens, output_tokens: countWords(text), total_tokens: run.promptTokens + countWords(text) },
    };
    if (c.body.stream !== true) return sendJson(c.res, 200, response);
    const event = (type: string, n: number, data: Record<string, unknown>) => `event: ${type}\ndata: ${pyDumps({ type, sequence_number: n, ...data })}\n\n`;
    const pieces = replyPieces(run.limit);
    return stream(c, [
      event('response.created', 0, { response: { ...response, status: 'in_progress', output: [], output_text: '', usage: null } }),
      ...pieces.map((p, i) => event('response.output_text.delta', i + 1, { item_id: message.id, output_index: 0, content_index: 0, delta: p })),
      event('response.completed', pieces.length + 1, { response }),
    ]);
  };

  const encode = (c: Call) => {
    const one = (prompt: string) => {
      const text =
        c.body.do_preprocess === true ? renderMistral(chatMessages({ messages: [{ role: 'user', content: prompt }] }) ?? [], 'v3').replace(/^<s>/, '') : prompt;
      return tokenizeMistral(text, { controlTokens: true, addBos: c.body.add_bos !== false }).map((t) => t.id);
    };
    if (typeof c.body.input === 'string') {
      const ids = one(c.body.input);
      return sendJson(c.res, 200, { input_ids: ids, length: ids.length });
    }
    const all = (c.body.input as unknown[]).map((p) => one(String(p)));
    sendJson(c.res, 200, { input_ids: all, length: all.map((ids) => ids.length) });
  };

  /** A forward pass that generates nothing (reward scores, perplexity). */
  const forward = (answer: (c: Call) => unknown) => (c: Call) => {
    c.req.markInference(0);
    sendJson(c.res, 200, answer(c));
  };

  const empty200 = (c: Call) => {
    c.res.writeHead(200, { 'content-length': 0 });
    c.res.end();
  };
  /** A route that changes the server when reached with what it needs: recorded, then answered as LMDeploy does. */
  const acts = (answer: (c: Call) => void) => (c: Call) => {
    c.req.markManagement();
    answer(c);
  };
  const pytorchOnly = (c: Call) => fail(c, 501, `Disaggregated weight-update endpoints require backend="pytorch", got 'turbomind'.`);

  // ---------- routes ----------

  const body = (name: string, fields: BodyModel['fields']): BodyModel => ({ name, fields });
  const perRoute = generation === 'per-route';
  const r = (methods: string[], path: string, name: string, handle: LmRoute['handle'], extra: Partial<LmRoute> = {}): LmRoute => ({
    methods,
    path,
    name,
    handle,
    ...extra,
    jsonOnly: !perRoute && extra.jsonOnly === true,
  });

  const routes: LmRoute[] = [
    r(
      ['GET'],
      '/v1/models',
      'available_models',
      (c) =>
        sendJson(c.res, 200, {
          object: 'list',
          data: models.map((id) => ({
            id,
            object: 'model',
            created: CREATED,
            owned_by: 'lmdeploy',
            root: id,
            parent: null,
            permission: [
              {
                id: 'modelperm-3Lr6dFhJ7mTqXo9pY2vWz',
                object: 'model_permission',
                created: CREATED,
                allow_create_engine: false,
                allow_sampling: true,
                allow_logprobs: true,
                allow_search_indices: true,
                allow_view: true,
                allow_fine_tuning: false,
                organization: '*',
                group: null,
                is_blocking: false,
              },
            ],
          })),
        }),
      { keyed: true },
    ),
    r(
      ['GET'],
      '/health',
      'health',
      perRoute
        ? empty200
        : (c) =>
            sendJson(c.res, 200, {
              status: state.sleeping ? 'sleeping' : 'healthy',
              message: state.sleeping ? 'Engine is sleeping.' : 'Engine is healthy.',
            }),
    ),
    r(['GET'], '/terminate', 'terminate', (c) => {
      if (!options.allowTerminateByClient)
        return fail(c, 400, 'The server can not be terminated. Please add --allow-terminate-by-client when start the server.');
      acts(empty200)(c); // SIGTERM to itself: recorded, the emulator keeps running
    }),
    r(['POST'], '/v1/chat/completions', 'chat_completions_v1', complete('chat'), {
      body: body('ChatCompletionRequest', { model: 'string', messages: 'array' }),
      unions: ['messages'],
      jsonOnly: true,
      keyed: true,
    }),
    r(['POST'], '/v1/completions', 'completions_v1', complete('text'), {
      body: body('CompletionRequest', { model: 'string', prompt: 'string' }),
      unions: ['prompt'],
      jsonOnly: true,
      keyed: true,
    }),
    r(['POST'], '/generate', 'generate', generate, { body: body('GenerateReqInput', {}), jsonOnly: true, keyed: true }),
    r(['POST'], '/v1/embeddings', 'create_embeddings', (c) => fail(c, 400, 'Unsupported by turbomind.'), {
      body: body('EmbeddingsRequest', { input: 'string' }),
      unions: ['input'],
    }),
    r(['POST'], '/v1/encode', 'encode', encode, {
      body: body('EncodeRequest', { input: 'string' }),
      unions: ['input'],
      jsonOnly: true,
      keyed: true,
    }),
    r(
      ['POST'],
      '/pooling',
      'pooling',
      forward((c) => ({
        id: `pool-${nextId()}`,
        object: 'list',
        created: CREATED,
        model: c.body.model ?? model,
        data: [{ index: 0, object: 'pooling', data: 0.5 }],
        usage: usage(4, ''),
      })),
      {
        body: body('PoolingRequest', { input: 'string' }),
        unions: ['input'],
        jsonOnly: true,
      },
    ),
    r(
      ['POST'],
      '/update_weights',
      'update_params',
      acts((c) => sendJson(c.res, 200, null)),
      {
        body: body('UpdateParamsRequest', { serialized_named_tensors: 'string' }),
        unions: ['serialized_named_tensors'],
        jsonOnly: true,
        keyed: true,
      },
    ),
    r(
      ['POST'],
      '/sleep',
      'sleep',
      (c) => {
        const level = c.req.query.get('level') ?? '1';
        if (!/^\s*[-+]?\d+\s*$/.test(level)) return fail(c, 400, 'The "level" query parameter must be an integer.');
        if (![1, 2].includes(Number(level))) return fail(c, 400, 'The "level" query parameter must be 1 or 2.');
        c.req.markManagement();
        state.sleeping = true;
        empty200(c);
      },
      { jsonOnly: true, keyed: true },
    ),
    r(
      ['POST'],
      '/wakeup',
      'wakeup',
      (c) => {
        c.req.markManagement();
        state.sleeping = false;
        empty200(c);
      },
      { jsonOnly: true, keyed: true },
    ),
    r(['GET'], '/is_sleeping', 'is_sleeping', (c) => sendJson(c.res, 200, { is_sleeping: state.sleeping }), { keyed: true }),
    r(['GET'], '/distserve/engine_info', 'engine_info', (c) =>
      // model_dump_json() returned from a JSON route: the client gets a JSON string holding JSON.
      sendJson(
        c.res,
        200,
        JSON.stringify({
          tp_size: 1,
          dp_size: 1,
          pp_size: null,
          ep_size: 1,
          dp_rank: 0,
          block_size: 64,
          num_cpu_blocks: 0,
          num_gpu_blocks: 4096,
        }),
      ),
    ),
    r(
      ['POST'],
      '/distserve/free_cache',
      'free_cache',
      acts((c) => sendJson(c.res, 200, { status: 'SUCCESS' })),
      {
        body: body('DistServeCacheFreeRequest', { remote_engine_id: 'string', remote_session_id: 'integer' }),
      },
    ),
    r(
      ['POST'],
      '/abort_request',
      'abort_request',
      (c) => {
        if (!options.enableAbortHandling) {
          const text = 'This server does not support abort requests. Enable with --enable-abort-handling flag.';
          c.res.writeHead(501, { 'content-length': Buffer.byteLength(text) });
          return c.res.end(text);
        }
        if (c.body.abort_all !== true) return fail(c, 400, `Session ${String(c.body.session_id ?? -1)} not found.`);
        acts(empty200)(c);
      },
      { body: body('AbortRequest', {}) },
    ),
  ];
  if (!perRoute) {
    routes.push(
      r(
        ['POST'],
        '/get_ppl',
        'get_ppl',
        forward(() => ({ ppl: 3.25 })),
        { body: body('PPLRequest', { input: 'string' }), unions: ['input'], jsonOnly: true },
      ),
      r(['POST'], '/init_weights_update_group', 'init_weights_update_group', pytorchOnly, {
        body: body('InitWeightsUpdateGroupRequest', {
          master_address: 'string',
          master_port: 'integer',
          rank_offset: 'integer',
          world_size: 'integer',
          group_name: 'string',
        }),
        jsonOnly: true,
      }),
      r(['POST'], '/update_weights_from_distributed', 'update_weights_from_distributed', pytorchOnly, {
        body: body('UpdateWeightsFromDistributedRequest', { names: 'array', dtypes: 'array', shapes: 'array', group_name: 'string' }),
        jsonOnly: true,
      }),
      r(['POST'], '/destroy_weights_update_group', 'destroy_weights_update_group', pytorchOnly, {
        body: body('DestroyWeightsUpdateGroupRequest', { group_name: 'string' }),
        jsonOnly: true,
      }),
      r(['GET'], '/anthropic/v1/models', 'list_models', (c) =>
        sendJson(c.res, 200, {
          data: models.map((id) => ({ id, type: 'model', display_name: id, created_at: CREATED })),
          has_more: false,
          first_id: models[0],
          last_id: models[models.length - 1],
        }),
      ),
      r(['POST'], '/v1/messages', 'create_message', messages, {
        body: body('MessagesRequest', { model: 'string', max_tokens: 'integer' }),
        jsonOnly: true,
      }),
      r(
        ['POST'],
        '/v1/messages/count_tokens',
        'count_tokens',
        (c) => {
          if (!firstHeader(c.raw, 'anthropic-version')) return fail(c, 400, 'Missing required header: anthropic-version');
          const list = Array.isArray(c.body.messages) ? c.body.messages : [];
          sendJson(c.res, 200, { input_tokens: countWords(list.map((m) => (isRecord(m) ? String(m.content) : '')).join(' ')) + 2 });
        },
        { body: body('MessageCountTokensRequest', { model: 'string', messages: 'array' }), jsonOnly: true },
      ),
      r(['POST'], '/v1/responses', 'create_response', responses, { body: body('ResponsesRequest', {}), jsonOnly: true }),
    );
  }
  if (options.enableMetrics) {
    routes.push(
      r(
        ['GET'],
        '/metrics',
        'metrics',
        (c) =>
          sendText(c.res, 200, ['# TYPE lmdeploy:num_requests_running gauge', `lmdeploy:num_requests_running{model_name="${model}"} 0.0`, ''].join('\n'), {
            'content-type': 'text/plain; version=0.0.4; charset=utf-8',
          }),
        { inSchema: false },
      ),
    );
  }

  // FastAPI's order: JSON parsed, dependencies (the key up to 0.12.1, then validate_json_request), body validated.
  const asFastapi = (t: LmRoute): FastapiRoute => ({
    methods: t.methods,
    path: t.path,
    name: t.name,
    ...(t.inSchema === false ? { inSchema: false } : {}),
    ...(t.body ? { body: t.body } : {}),
    handle: async (req, res, raw) => {
      const path = uvicornPath(req.path);
      const call = { req, res, raw, path };
      const parsed = t.body ? parseFastapiBody(req, 2) : { ok: true as const, present: false, value: undefined };
      if (!parsed.ok) return validationFailed(call, parsed.errors, req.body);
      if (perRoute && t.keyed && bearerRefused(raw)) {
        return sendDetail(res, 401, {
          error: { message: 'Please request with valid api key!', type: 'invalid_request_error', param: null, code: 'invalid_api_key' },
        });
      }
      if (t.jsonOnly && (String(req.headers['content-type'] ?? '').split(';')[0] ?? '').trim().toLowerCase() !== 'application/json') {
        return validationFailed(call, ["Unsupported Media Type: Only 'application/json' is allowed"], null);
      }
      let value: Record<string, unknown> = {};
      if (t.body) {
        const errors = requiredFieldErrors(t.body, parsed, t.unions);
        if (isRecord(parsed.value) && t.body.name === 'MessagesRequest' && errors.length === 0 && !((parsed.value.max_tokens as number) > 0)) {
          errors.push({
            ...fieldError(2, 'integer', ['body', 'max_tokens'], parsed.value.max_tokens),
            type: 'greater_than',
            msg: 'Input should be greater than 0',
            ctx: { gt: 0 },
          });
        }
        if (errors.length) return validationFailed(call, errors, parsed.value);
        value = parsed.value as Record<string, unknown>;
      }
      await t.handle({ ...call, body: value });
    },
  });

  const app = createFastapiApp(routes.map(asFastapi), {
    middleware,
    corsAllowAll: options.allowCredentials !== true,
    docs: !options.disableDocs,
  });
  // FastAPI(docs_url='/'): Swagger UI answers at `/` (behind the key check, which /docs would skip), /docs is nothing.
  const handler: typeof app = (req, res, raw) => {
    const path = uvicornPath(req.path);
    const swagger = !options.disableDocs && (path === '/docs' || (path === '/' && (req.method === 'GET' || req.method === 'HEAD')));
    if (!swagger) return app(req, res, raw);
    if (middleware(req, res, raw)) return;
    if (path === '/docs') return sendDetail(res, 404, 'Not Found');
    return app({ ...req, path: '/docs', url: `/docs${req.url.slice(1)}` }, res, raw);
  };
  return startTarget(handler, { serverHeader: 'uvicorn' });
}
