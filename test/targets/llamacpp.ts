// llama.cpp's `llama-server` (cpp-httplib), as seen in an early-2025 build and described for newer ones
// (docs/servers/llamacpp.md). A pre-routing handler echoes Origin, answers every OPTIONS, then checks the key before
// any route is matched; management actions (`POST /props`, slot save/restore/erase, LoRA) are recorded, never run.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type EmulatorRequest, firstHeader, type RunningTarget, sendText, startTarget } from './harness.js';
import {
  CHAT_TEMPLATES,
  CREATED,
  chatMessages,
  countWords,
  finishReason,
  isRecord,
  type MistralTemplate,
  mistralReply,
  numberField,
  renderMistral,
  replyPieces,
  SSE_HEADERS,
  sseFrames,
  TEST_KEY,
  tokenizeMistral,
  writeStream,
} from './mistral-model.js';
import { answerOpenAI } from './openai-compatible.js';

export interface LlamaCppOptions {
  /** `--api-key`; undefined = none. `''` is a configured empty key (see keyAccepted). */
  apiKey?: string;
  /** Newer builds: `/v1/health` and `/api/tags` public, `X-Api-Key` accepted, `Bearer ` prefix optional. */
  newBuild?: boolean;
  /** The GGUF's chat template: `v1` (Mistral-7B-Instruct-v0.2, plain-text [INST]) or `v3`. Default v1. */
  template?: MistralTemplate;
  /** `/tokenize` turns `[INST]`/`[/INST]` in text into control ids 3/4 (a V3 vocabulary). Default: template === 'v3'. */
  controlTokens?: boolean;
  /** `--metrics` (else `/metrics` is 501). */
  metrics?: boolean;
  /** `--slots` (needed by old builds; else `/slots` is 501). */
  slots?: boolean;
  /** A prompt in flight that `/slots` shows (another user's data). */
  slotPrompt?: string;
  /**
   * Current builds: `/slots` (on by default there) lists each slot's counters and sampling settings, never its prompt or
   * output; those appear only when the server runs with `LLAMA_SERVER_SLOTS_DEBUG=1`.
   */
  slotsMetricsOnly?: boolean;
  /** `--embeddings` (else `/embedding` is 501). */
  embeddings?: boolean;
  /** `--props`: `POST /props` may change global settings. */
  props?: boolean;
  /** `--slot-save-path`: slot save/restore work. */
  slotSavePath?: string;
  modelPath?: string;
  /** `/props` build_info and the OpenAI `system_fingerprint`. */
  buildInfo?: string;
  /**
   * `--threads-http N`: serve connections the way the real server does, with N cpp-httplib worker threads that keep-alive
   * connections hold, and split writes without TCP_NODELAY (worker-pool.ts). The real default is max(n_parallel + 2,
   * hardware threads − 1): 3 on a 2-core machine with one slot. Undefined: an unlimited server.
   */
  threadsHttp?: number;
  /**
   * Whether the pool's answers say `Keep-Alive: …, max=100` (cpp-httplib does). Off models a pool server that does not
   * advertise its cap, where only the stalls and the delayed ACKs show the shape.
   */
  advertisesCap?: boolean;
}

export const OPEN: LlamaCppOptions = {};
export const KEYED: LlamaCppOptions = { apiKey: TEST_KEY };

const JSON_TYPE = 'application/json; charset=utf-8';
const ERROR_STATUS: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  server_error: 500,
  not_supported_error: 501,
  unavailable_error: 503,
};

const send = (res: ServerResponse, status: number, body: unknown) => sendText(res, status, JSON.stringify(body), { 'content-type': JSON_TYPE });
/** `res_error(format_error_response(message, type))`: the status comes from the type. */
const sendError = (res: ServerResponse, message: string, type: string) => {
  const code = ERROR_STATUS[type] ?? 500;
  send(res, code, { error: { code, message, type } });
};

/** nlohmann::json's parse_error text for the same input (the verbose error docs/servers/llamacpp.md notes). */
function nlohmannParseError(text: string, nodeMessage: string | undefined): string {
  if (text.length === 0)
    return (
      '[json.exception.parse_error.101] parse error at line 1, column 1: attempting to parse an empty ' +
      'input; check that your input string or stream contains the expected JSON'
    );
  const m = /position (\d+)/.exec(nodeMessage ?? '');
  const pos = m ? Number(m[1]) : text.length - 1;
  const context = text.trimStart().startsWith('{') && !/^\{\s*"/.test(text.trimStart()) ? 'object key' : 'value';
  const expected = context === 'object key' ? '; expected string literal' : '';
  return (
    `[json.exception.parse_error.101] parse error at line 1, column ${pos + 1}: syntax error while ` +
    `parsing ${context} - invalid literal; last read: '${text.slice(0, pos + 1)}'${expected}`
  );
}

export async function startLlamaCpp(options: LlamaCppOptions = {}): Promise<RunningTarget> {
  const template = options.template ?? 'v1';
  const controlTokens = options.controlTokens ?? template === 'v3';
  const buildInfo = options.buildInfo ?? (options.newBuild ? 'b6123-79c1160b' : 'b4719-4806498b');
  const modelPath = options.modelPath ?? (template === 'v3' ? '/models/Mistral-7B-Instruct-v0.3.Q4_K_M.gguf' : '/models/mistral-7b-instruct-v0.2.Q4_K_M.gguf');
  const publicPaths = new Set(['/health', '/models', '/v1/models', '/', ...(options.newBuild ? ['/v1/health', '/api/tags'] : [])]);
  const counters = { prompt: 0, predicted: 0, requests: 0 };

  /** Plain `==` against each configured key; the scheme must be exactly `Bearer ` (old builds: and present). */
  const keyAccepted = (raw: IncomingMessage): boolean => {
    const key = options.apiKey as string;
    if (options.newBuild) {
      let value = firstHeader(raw, 'authorization') ?? '';
      if (value === '') value = firstHeader(raw, 'x-api-key') ?? '';
      if (value.startsWith('Bearer ')) value = value.slice('Bearer '.length);
      return value === key;
    }
    const auth = firstHeader(raw, 'authorization') ?? '';
    return auth.startsWith('Bearer ') && auth.slice('Bearer '.length) === key;
  };

  const parseBody = (req: EmulatorRequest, res: ServerResponse): Record<string, unknown> | undefined => {
    if (req.body.length === 0 || req.jsonError !== undefined) return void sendError(res, nlohmannParseError(req.body, req.jsonError), 'server_error');
    if (!isRecord(req.json)) return void sendError(res, '[json.exception.type_error.306] cannot use value() with array', 'server_error');
    return req.json;
  };

  const generationSettings = (nPredict: number) => ({
    n_predict: nPredict,
    seed: 4294967295,
    temperature: 0.8,
    top_k: 40,
    top_p: 0.95,
    min_p: 0.05,
    repeat_penalty: 1.0,
    stop: [],
    stream: false,
  });
  const slot = (prompt: string) =>
    options.slotsMetricsOnly
      ? {
          id: 0,
          n_ctx: 4096,
          speculative: false,
          is_processing: prompt !== '',
          ...(prompt
            ? {
                id_task: 7,
                n_prompt_tokens: countWords(prompt),
                n_prompt_tokens_processed: countWords(prompt),
                n_prompt_tokens_cache: 0,
                params: generationSettings(-1),
                next_token: [{ has_next_token: true, has_new_line: false, n_remain: -1, n_decoded: 0 }],
              }
            : {}),
        }
      : {
          id: 0,
          id_task: prompt ? 7 : -1,
          n_ctx: 4096,
          speculative: false,
          is_processing: prompt !== '',
          params: generationSettings(-1),
          prompt,
          next_token: { has_next_token: true, has_new_line: false, n_remain: -1, n_decoded: 0, stopping_word: '' },
        };
  const alias = modelPath;
  const modelCard = {
    id: alias,
    object: 'model',
    created: CREATED,
    owned_by: 'llamacpp',
    meta: { vocab_type: 1, n_vocab: 32768, n_ctx_train: 32768, n_embd: 4096, n_params: 7248023552, size: 4372812000 },
  };

  /** `/completion` (llama.cpp's native shape): `n_predict` is the limit, -1 = until end of sequence. */
  const completion = async (req: EmulatorRequest, res: ServerResponse) => {
    const body = parseBody(req, res);
    if (!body) return;
    if (body.prompt === undefined) return sendError(res, "[json.exception.out_of_range.403] key 'prompt' not found", 'server_error');
    const nPredict = numberField(body, 'n_predict') ?? -1;
    req.markInference(nPredict < 0 ? Infinity : nPredict);
    const prompt = String(body.prompt);
    const evaluated = countWords(prompt) + 1;
    const content = mistralReply(nPredict);
    counters.requests++;
    counters.prompt += evaluated;
    counters.predicted += countWords(content);
    const timings = {
      prompt_n: evaluated,
      prompt_ms: 12.3,
      prompt_per_token_ms: 4.1,
      prompt_per_second: 243.9,
      predicted_n: countWords(content),
      predicted_ms: 20.5,
      predicted_per_token_ms: 20.5,
      predicted_per_second: 48.8,
    };
    const final = {
      index: 0,
      content,
      tokens: [],
      id_slot: 0,
      stop: true,
      model: alias,
      tokens_predicted: countWords(content),
      tokens_evaluated: evaluated,
      generation_settings: generationSettings(nPredict),
      prompt: `<s> ${prompt}`,
      has_new_line: false,
      truncated: false,
      stop_type: finishReason(nPredict) === 'length' ? 'limit' : 'eos',
      stopping_word: '',
      tokens_cached: evaluated + countWords(content),
      timings,
    };
    if (body.stream === true) {
      const events = [
        ...replyPieces(nPredict).map((p, i) => ({
          index: 0,
          content: p,
          tokens: [],
          stop: false,
          id_slot: -1,
          tokens_predicted: i + 1,
          tokens_evaluated: evaluated,
        })),
        { ...final, content: '' },
      ];
      return writeStream(res, 200, SSE_HEADERS, sseFrames(events));
    }
    send(res, 200, final);
  };

  const oai = (kind: 'chat' | 'text') => async (req: EmulatorRequest, res: ServerResponse) => {
    const body = parseBody(req, res);
    if (!body) return;
    if (kind === 'chat' && chatMessages(body) === undefined)
      return sendError(res, "[json.exception.out_of_range.403] key 'messages' not found", 'server_error');
    if (kind === 'text' && body.prompt === undefined) return sendError(res, "[json.exception.out_of_range.403] key 'prompt' not found", 'server_error');
    counters.requests++;
    await answerOpenAI(req, res, body, {
      kind,
      model: typeof body.model === 'string' ? body.model : 'gpt-3.5-turbo',
      defaultMaxTokens: Infinity,
      extra: { system_fingerprint: buildInfo },
      headers: body.stream === true ? {} : { 'content-type': JSON_TYPE },
    });
  };

  /** Recorded whenever the request would act on a server started with the enabling flag; answered as the flags say. */
  const slotAction = (req: EmulatorRequest, res: ServerResponse, id: string) => {
    const action = req.query.get('action') ?? '';
    if (['save', 'restore', 'erase'].includes(action)) req.markManagement();
    if (!options.slotSavePath) return sendError(res, 'This server does not support slots action. Start it with `--slot-save-path`', 'not_supported_error');
    if (!/^\d+$/.test(id)) return sendError(res, 'Invalid slot ID', 'invalid_request_error');
    if (action === 'erase') return send(res, 200, { id_slot: Number(id), n_erased: 0 });
    if (action !== 'save' && action !== 'restore') return sendError(res, 'Invalid action', 'invalid_request_error');
    const body = parseBody(req, res);
    if (!body) return;
    send(res, 200, { id_slot: Number(id), filename: String(body.filename ?? ''), n_saved: 0, n_written: 0, timings: { save_ms: 0.1 } });
  };

  type Handler = (req: EmulatorRequest, res: ServerResponse, param: string) => void | Promise<void>;
  const get: Record<string, Handler> = {
    '/': (_q, res) =>
      sendText(
        res,
        200,
        '<!doctype html><html lang="en"><head><meta charset="UTF-8"><title>llama.cpp - chat</title></head><body><div id="app"></div></body></html>',
        { 'content-type': 'text/html; charset=utf-8' },
      ),
    '/health': (_q, res) => send(res, 200, { status: 'ok' }),
    '/models': (_q, res) =>
      send(res, 200, {
        object: 'list',
        data: [modelCard],
        ...(options.newBuild ? { models: [{ name: alias, model: alias, type: 'model', capabilities: ['completion'] }] } : {}),
      }),
    '/props': (_q, res) =>
      send(res, 200, {
        default_generation_settings: slot(''),
        total_slots: 1,
        model_path: modelPath,
        chat_template: CHAT_TEMPLATES[template],
        bos_token: '<s>',
        eos_token: '</s>',
        build_info: buildInfo,
      }),
    '/metrics': (_q, res) => {
      if (!options.metrics) return sendError(res, 'This server does not support metrics endpoint. Start it with `--metrics`', 'not_supported_error');
      const lines = [
        '# HELP llamacpp:prompt_tokens_total Number of prompt tokens processed.',
        '# TYPE llamacpp:prompt_tokens_total counter',
        `llamacpp:prompt_tokens_total ${counters.prompt}`,
        '# HELP llamacpp:tokens_predicted_total Number of generation tokens processed.',
        '# TYPE llamacpp:tokens_predicted_total counter',
        `llamacpp:tokens_predicted_total ${counters.predicted}`,
        '# HELP llamacpp:requests_processing Number of requests processing.',
        '# TYPE llamacpp:requests_processing gauge',
        'llamacpp:requests_processing 0',
        '',
      ];
      sendText(res, 200, lines.join('\n'), { 'content-type': 'text/plain; version=0.0.4' });
    },
    '/slots': (_q, res) => {
      if (!options.slots) return sendError(res, 'This server does not support slots endpoint. Start it with `--slots`', 'not_supported_error');
      send(res, 200, [slot(options.slotPrompt ?? '')]);
    },
    '/lora-adapters': (_q, res) => send(res, 200, []),
  };
  get['/v1/models'] = get['/models'] as Handler;
  if (options.newBuild) {
    get['/v1/health'] = get['/health'] as Handler;
    get['/api/tags'] = get['/models'] as Handler;
  }

  const post: Record<string, Handler> = {
    '/completion': completion,
    '/completions': completion,
    '/v1/completions': oai('text'),
    '/chat/completions': oai('chat'),
    '/v1/chat/completions': oai('chat'),
    '/tokenize': (req, res) => {
      const body = parseBody(req, res);
      if (!body) return;
      // parse_special is on: special-token strings in the content become their ids.
      const tokens = tokenizeMistral(String(body.content ?? ''), { controlTokens, addBos: body.add_special === true });
      send(res, 200, { tokens: body.with_pieces === true ? tokens.map((t) => ({ id: t.id, piece: t.piece })) : tokens.map((t) => t.id) });
    },
    '/detokenize': (req, res) => {
      const body = parseBody(req, res);
      if (body) send(res, 200, { content: '' });
    },
    '/apply-template': (req, res) => {
      const body = parseBody(req, res);
      if (!body) return;
      send(res, 200, { prompt: renderMistral(chatMessages(body) ?? [], template) });
    },
    '/embedding': (req, res) => {
      if (!options.embeddings) return sendError(res, 'This server does not support embeddings. Start it with `--embeddings`', 'not_supported_error');
      const body = parseBody(req, res);
      if (!body) return;
      req.markInference(0); // a forward pass, nothing generated
      send(res, 200, [{ index: 0, embedding: [[0.0123, -0.0456, 0.0789]] }]);
    },
    '/props': (req, res) => {
      if (req.body.length > 0) req.markManagement();
      if (!options.props) return sendError(res, 'This server does not support changing global properties. Start it with `--props`', 'not_supported_error');
      const body = parseBody(req, res);
      if (body) send(res, 200, { success: true });
    },
    '/lora-adapters': (req, res) => {
      if (req.body.length > 0) req.markManagement();
      const body = parseBody(req, res);
      if (body) send(res, 200, { success: true });
    },
  };
  post['/embeddings'] = post['/embedding'] as Handler;
  post['/v1/embeddings'] = post['/embedding'] as Handler;

  return startTarget(
    async (req, res, raw) => {
      // cpp-httplib's set_header keeps an empty value: without an Origin the header is present and empty.
      res.setHeader('access-control-allow-origin', firstHeader(raw, 'origin') ?? '');
      if (req.method === 'OPTIONS') {
        res.setHeader('access-control-allow-credentials', 'true');
        res.setHeader('access-control-allow-methods', 'GET, POST');
        res.setHeader('access-control-allow-headers', '*');
        sendText(res, 200, '', { 'content-type': 'text/html' });
        return;
      }
      // cpp-httplib decodes %XX in the path before the pre-routing handler and the router see it.
      let path = req.path;
      try {
        path = decodeURIComponent(req.path);
      } catch {
        /* keep raw */
      }
      if (options.apiKey !== undefined && !publicPaths.has(path) && !keyAccepted(raw)) {
        return sendError(res, 'Invalid API Key', 'authentication_error');
      }
      const method = req.method === 'HEAD' ? 'GET' : req.method;
      const slotMatch = /^\/slots\/([^/]+)$/.exec(path);
      if (method === 'POST' && slotMatch) return slotAction(req, res, slotMatch[1] as string);
      const handler = (method === 'GET' ? get : method === 'POST' ? post : {})[path];
      // cpp-httplib has no 405: a known path with the wrong method is a 404, rewritten by llama.cpp's error handler.
      if (!handler) return sendError(res, 'File Not Found', 'not_found_error');
      return handler(req, res, '');
    },
    {
      serverHeader: 'llama.cpp',
      ...(options.threadsHttp ? { pool: { workers: options.threadsHttp, ...(options.advertisesCap === false ? { maxRequestsPerConnection: 0 } : {}) } } : {}),
    },
  );
}
