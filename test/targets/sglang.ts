// SGLang (`python -m sglang.launch_server`), port 30000: FastAPI behind an ASGI API-key middleware.
// Wire facts: docs/servers/sglang.md; the auth levels follow sglang/srt/utils/auth.py.
import type { ServerResponse } from 'node:http';
import {
  answerOpenAI,
  body,
  countTokens,
  fastapiMethodNotAllowed,
  fastapiNotFound,
  firstNumber,
  header,
  matchRoute,
  mistralText,
  nextId,
  openaiLimit,
  type RouteDef,
  sendRaw,
  sendSse,
  starletteCors,
  starletteUrlPath,
  TEST_KEY,
} from './emulator-kit.js';
import { type EmulatorRequest, type RunningTarget, sendJson, startTarget } from './harness.js';

export interface SglangOptions {
  /** `--api-key`: guards every route except the always-open ones. */
  apiKey?: string;
  /** `--admin-api-key`: guards the admin routes (and only they accept it). */
  adminApiKey?: string;
  /**
   * Level of the admin routes (/flush_cache, /update_weights_from_disk, /abort_request).
   * 'force' (default): the documented rule, 403 `{"error":"Forbidden"}` when no admin key is configured.
   * 'optional': SGLang's ADMIN_OPTIONAL decorator: open with no keys, else the admin key, else the api key.
   */
  adminLevel?: 'force' | 'optional';
  /** Old middleware: only `Authorization != "Bearer " + key` (case-sensitive, not constant time), no x-api-key, no admin key. */
  legacyCompare?: boolean;
  /** Auth reads the path from a URL rebuilt with the Host header (same construction as vLLM's CVE-2026-48746). */
  hostHeaderBug?: boolean;
  /** `--enable-metrics` (default true): without it /metrics is a 404. */
  metrics?: boolean;
  /** Prompts of other users kept in the server's internal state, then dumped by /get_server_info. */
  recentPrompts?: string[];
  model?: string;
  modelPath?: string;
  contextLength?: number;
  version?: string;
}

export const OPEN: SglangOptions = {};
export const KEYED: SglangOptions = { apiKey: TEST_KEY };

const CONTROL_IDS: Record<string, number> = { '<s>': 1, '</s>': 2, '[INST]': 3, '[/INST]': 4 };

type Level = 'normal' | 'admin';
interface SgRoute extends RouteDef {
  level?: Level;
  run(req: EmulatorRequest, res: ServerResponse, params: string[]): void;
}

// Constant-time in the real server; the emulator only needs the outcome.
function tokenMatches(req: EmulatorRequest, expected: string): boolean {
  const authz = header(req, 'authorization');
  if (authz) {
    const sp = authz.indexOf(' ');
    if (sp > 0 && authz.slice(0, sp).toLowerCase() === 'bearer' && authz.slice(sp + 1) === expected) return true;
  }
  return header(req, 'x-api-key') === expected;
}

/** 401, 403 or null (allowed), per decide_request_auth(). */
function decide(req: EmulatorRequest, level: Level, o: SglangOptions): 401 | 403 | null {
  if (req.method === 'OPTIONS') return null;
  const path = o.hostHeaderBug ? starletteUrlPath(req) : decodeSafe(req.path);
  // Always open, matched by prefix (docs/servers/sglang.md): k8s probes and Prometheus scrapes.
  if (path.startsWith('/health') || path.startsWith('/metrics')) return null;
  if (o.legacyCompare) {
    if (!o.apiKey) return null;
    return header(req, 'authorization') !== `Bearer ${o.apiKey}` ? 401 : null;
  }
  if (path.startsWith('/ready')) return null;
  if (level === 'admin') {
    if (o.adminLevel !== 'optional') {
      if (!o.adminApiKey) return 403;
      return tokenMatches(req, o.adminApiKey) ? null : 401;
    }
    if (o.adminApiKey) return tokenMatches(req, o.adminApiKey) ? null : 401;
    if (o.apiKey) return tokenMatches(req, o.apiKey) ? null : 401;
    return null;
  }
  if (o.apiKey) return tokenMatches(req, o.apiKey) ? null : 401;
  return null;
}

function decodeSafe(p: string): string {
  try {
    return decodeURIComponent(p);
  } catch {
    return p;
  }
}

/** SGLang turns FastAPI's 422 into a 400 ErrorResponse. */
function badRequest(res: ServerResponse, message: string): void {
  sendJson(res, 400, { object: 'error', message, type: 'Bad Request', param: null, code: 400 });
}

export async function startSglang(options: SglangOptions = {}): Promise<RunningTarget> {
  const o: SglangOptions = { metrics: true, adminLevel: 'force', ...options };
  const model = o.model ?? 'mistralai/Mistral-7B-Instruct-v0.3';
  const modelPath = o.modelPath ?? '/models/Mistral-7B-Instruct-v0.3';
  const contextLength = o.contextLength ?? 32768;
  const version = o.version ?? '0.5.4';

  // The tokenizer manager refuses a request whose prompt plus limit reaches the context (from SGLang's source).
  const tooLong = (prompt: unknown, maxNew: number): string | null => {
    const input = countTokens(prompt);
    if (input + maxNew < contextLength) return null;
    return (
      `Requested token count exceeds the model's maximum context length of ${contextLength} tokens. ` +
      `You requested a total of ${input + maxNew} tokens: ${input} tokens from the input messages and ${maxNew} tokens for the completion. ` +
      'Please reduce the number of tokens in the input messages or the completion to fit within the limit.'
    );
  };

  const openai = (kind: 'chat' | 'completion') => (req: EmulatorRequest, res: ServerResponse) => {
    if (req.jsonError) return badRequest(res, `JSON decode error: ${req.jsonError}`);
    const b = body(req);
    if (kind === 'chat' && !Array.isArray(b.messages))
      return badRequest(res, "1 validation error: {'type': 'missing', 'loc': ('body', 'messages'), 'msg': 'Field required'}");
    if (kind === 'completion' && b.prompt === undefined)
      return badRequest(res, "1 validation error: {'type': 'missing', 'loc': ('body', 'prompt'), 'msg': 'Field required'}");
    const prompt = kind === 'chat' ? b.messages : b.prompt;
    // No limit on chat means "until EOS or the end of the context"; completions default to 16 (OpenAI's default).
    const limit = openaiLimit(b, kind === 'chat' ? contextLength - countTokens(prompt) - 1 : 16);
    const err = tooLong(prompt, limit);
    if (err) return sendJson(res, 400, { object: 'error', message: err, type: 'BadRequestError', param: null, code: 400 });
    answerOpenAI(req, res, kind, { model, maxTokens: limit });
  };

  const generate = (req: EmulatorRequest, res: ServerResponse) => {
    if (req.jsonError) return badRequest(res, `JSON decode error: ${req.jsonError}`);
    const b = body(req);
    if (b.text === undefined && b.input_ids === undefined) {
      return sendJson(res, 400, { error: { message: 'Either text, input_ids or input_embeds should be provided.' } });
    }
    const sp = (b.sampling_params ?? {}) as Record<string, unknown>;
    const limit = firstNumber(sp.max_new_tokens) ?? 128; // SamplingParams default
    const err = tooLong(b.text ?? b.input_ids, limit);
    if (err) return sendJson(res, 400, { error: { message: err } });
    req.markInference(limit);
    const text = mistralText(limit);
    const meta = {
      id: nextId(''),
      finish_reason: { type: 'length', length: text.split(' ').length },
      prompt_tokens: countTokens(b.text),
      completion_tokens: text.split(' ').length,
      cached_tokens: 0,
      e2e_latency: 0.012,
    };
    if (b.stream === true) return sendSse(res, [{ text, meta_info: meta, index: 0 }]);
    sendJson(res, 200, { text, meta_info: meta });
  };

  // Mistral V3 tokenizer: `[INST]`, `[/INST]`, `<s>`, `</s>` typed by a user come out as control-token ids.
  const tokenize = (req: EmulatorRequest, res: ServerResponse) => {
    const prompt = body(req).prompt;
    if (typeof prompt !== 'string') return badRequest(res, "1 validation error: {'type': 'missing', 'loc': ('body', 'prompt'), 'msg': 'Field required'}");
    const tokens = [1, ...(prompt.match(/\[\/?INST\]|<\/?s>|[^\s[<]+|[[<]/g) ?? []).map((t) => CONTROL_IDS[t] ?? 1000 + (t.length % 97))];
    sendJson(res, 200, { tokens, count: tokens.length, max_model_len: contextLength });
  };

  const serverInfo = () => ({
    // dataclasses.asdict(server_args): every launch argument, keys included.
    model_path: modelPath,
    tokenizer_path: modelPath,
    served_model_name: model,
    host: '0.0.0.0',
    port: 30000,
    api_key: o.apiKey ?? null,
    admin_api_key: o.adminApiKey ?? null,
    context_length: contextLength,
    chat_template: null,
    mem_fraction_static: 0.88,
    tp_size: 1,
    enable_metrics: o.metrics ?? true,
    log_requests: (o.recentPrompts?.length ?? 0) > 0,
    max_total_num_tokens: 262144,
    internal_states: [
      {
        last_gen_throughput: 41.7,
        // Emulator option: an internal state that keeps recent requests, which this route then dumps.
        ...(o.recentPrompts?.length ? { recent_requests: o.recentPrompts.map((text, i) => ({ rid: `req-${i + 1}`, text })) } : {}),
      },
    ],
    version,
  });

  const routes: SgRoute[] = [
    // /health and /health_generate share one handler upstream; only /health_generate is modelled as generating.
    { methods: ['GET'], path: '/health', run: (_q, res) => sendRaw(res, 200, '') },
    {
      methods: ['GET'],
      path: '/health_generate',
      run: (req, res) => {
        req.markInference(1); // a one-token generation, open even with both keys set
        sendRaw(res, 200, '');
      },
    },
    {
      methods: ['GET'],
      path: '/get_model_info',
      run: (_q, res) =>
        sendJson(res, 200, {
          model_path: modelPath,
          tokenizer_path: modelPath,
          is_generation: true,
          preferred_sampling_params: null,
          weight_version: 'default',
        }),
    },
    { methods: ['GET'], path: '/get_server_info', run: (_q, res) => sendJson(res, 200, serverInfo()) },
    { methods: ['POST', 'PUT'], path: '/generate', run: generate },
    { methods: ['POST'], path: '/v1/chat/completions', run: openai('chat') },
    { methods: ['POST'], path: '/v1/completions', run: openai('completion') },
    { methods: ['POST'], path: '/invocations', run: openai('chat') }, // SageMaker entry point → chat
    { methods: ['POST'], path: '/tokenize', run: tokenize },
    { methods: ['POST'], path: '/v1/tokenize', run: tokenize },
    {
      methods: ['GET'],
      path: '/v1/models',
      run: (_q, res) =>
        sendJson(res, 200, {
          object: 'list',
          data: [{ id: model, object: 'model', created: 1735689600, owned_by: 'sglang', root: model, max_model_len: contextLength }],
        }),
    },
    {
      methods: ['GET'],
      path: '/metrics',
      run: (_q, res) => {
        if (!o.metrics) return fastapiNotFound(res);
        const m = `model_name="${model}"`;
        sendRaw(
          res,
          200,
          `# HELP sglang:prompt_tokens_total Number of prefill tokens processed.\n# TYPE ` +
            `sglang:prompt_tokens_total counter\nsglang:prompt_tokens_total{${m}} 1234.0\n` +
            `# HELP sglang:num_running_reqs The number of running requests.\n# TYPE sglang:num_running_reqs gauge\nsglang:num_running_reqs{${m}} 0.0\n`,
          { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' },
        );
      },
    },
    // Management: acts when called (GET included), so the emulator records and answers like the real one.
    {
      methods: ['GET', 'POST'],
      path: '/flush_cache',
      level: 'admin',
      run: (req, res) => {
        req.markManagement(); // the cache is dropped, whatever the method
        sendRaw(
          res,
          200,
          'Cache flushed.\nPlease check backend logs for more details. (When there are running or waiting requests, the operation will not be performed.)\n',
        );
      },
    },
    {
      methods: ['POST'],
      path: '/update_weights_from_disk',
      level: 'admin',
      run: (req, res) => {
        if (typeof body(req).model_path !== 'string')
          return badRequest(res, "1 validation error: {'type': 'missing', 'loc': ('body', 'model_path'), 'msg': 'Field required'}");
        req.markManagement();
        sendJson(res, 200, { success: true, message: 'Succeeded to update model weights.', num_paused_requests: 0 });
      },
    },
    {
      methods: ['POST'],
      path: '/abort_request',
      level: 'admin',
      run: (req, res) => {
        req.markManagement();
        sendRaw(res, 200, '');
      },
    },
  ];

  return startTarget(
    (req, res) => {
      const m = matchRoute(routes, req.method, req.path);
      // The auth level comes from the route that fully matches (path and method); otherwise 'normal'.
      const level = m && 'route' in m ? (m.route.level ?? 'normal') : 'normal';
      const denied = decide(req, level, o);
      if (denied) return sendJson(res, denied, { error: denied === 401 ? 'Unauthorized' : 'Forbidden' });
      // CORS sits inside the auth middleware: refused requests carry no CORS headers.
      if (starletteCors(req, res)) return;
      if (!m) return fastapiNotFound(res);
      if ('allow' in m) return fastapiMethodNotAllowed(res, m.allow);
      m.route.run(req, res, m.params);
    },
    { serverHeader: 'uvicorn' },
  );
}
