// Hugging Face Text Generation Inference: an axum router where `--api-key` is a layer on a subset of routes only
// (docs/servers/tgi.md): 401 with an empty body, whole Authorization value lower-cased on both sides,
// info/health/metrics/chat_tokenize and the KServe routes left outside the layer.
import type { ServerResponse } from 'node:http';
import { type EmulatorRequest, firstHeader, type RunningTarget, sendJson, sendText, startTarget } from './harness.js';
import {
  CREATED,
  chatMessages,
  countWords,
  finishReason,
  isRecord,
  mistralReply,
  numberField,
  openaiChatCompletion,
  openaiStreamChunks,
  openaiTextCompletion,
  renderMistral,
  replyPieces,
  SSE_HEADERS,
  sseFrames,
  TEST_KEY,
  tokenizeMistral,
  writeStream,
} from './mistral-model.js';
import { openaiLimit, openaiPromptText } from './openai-compatible.js';

export interface TgiOptions {
  /** `--api-key`; undefined = no auth. */
  apiKey?: string;
  /** Built with the `kserve` feature: unguarded `POST /v2/models/{model}/versions/{version}/infer` and `/v2/health/*`. */
  kserve?: boolean;
  modelId?: string;
  version?: string;
  maxInputTokens?: number;
  maxTotalTokens?: number;
  /**
   * docs/servers/tgi.md lists `/invocations` as guarded; some TGI releases merge the SageMaker route after the auth layer,
   * which leaves it open. Default false (guarded).
   */
  invocationsOpen?: boolean;
}

export const OPEN: TgiOptions = {};
export const KEYED: TgiOptions = { apiKey: TEST_KEY };

type Handler = (req: EmulatorRequest, res: ServerResponse, params: string[]) => void | Promise<void>;
interface Route {
  path: string;
  methods: Record<string, Handler>;
}

const SHA = '2f6e2d8c5b1a0e9f7d3c4b5a69788796a5b4c3d2';

/** axum's `Json` extractor: 415 without a JSON content type, 400 on a syntax error, 422 when the shape is wrong. */
function jsonOf(req: EmulatorRequest, res: ServerResponse, required: string[]): Record<string, unknown> | undefined {
  const ct =
    String(req.headers['content-type'] ?? '')
      .split(';')[0]
      ?.trim()
      .toLowerCase() ?? '';
  if (!(ct === 'application/json' || (ct.startsWith('application/') && ct.endsWith('+json')))) {
    return void sendText(res, 415, 'Expected request with `Content-Type: application/json`');
  }
  const column = req.body.length;
  if (req.body.length === 0 || req.jsonError !== undefined) {
    const m = /position (\d+)/.exec(req.jsonError ?? '');
    const what = req.body.trim() === '' ? 'EOF while parsing a value' : req.body.trimStart().startsWith('{') ? 'key must be a string' : 'expected value';
    return void sendText(res, 400, `Failed to parse the request body as JSON: ${what} at line 1 column ${m ? Number(m[1]) + 1 : column}`);
  }
  if (!isRecord(req.json))
    return void sendText(res, 422, `Failed to deserialize the JSON body into the target type: invalid type: expected struct at line 1 column ${column}`);
  const missing = required.find((f) => !(f in (req.json as Record<string, unknown>)));
  if (missing !== undefined)
    return void sendText(res, 422, `Failed to deserialize the JSON body into the target type: missing field \`${missing}\` at line 1 column ${column}`);
  return req.json;
}

export async function startTgi(options: TgiOptions = {}): Promise<RunningTarget> {
  const modelId = options.modelId ?? 'mistralai/Mistral-7B-Instruct-v0.3';
  const version = options.version ?? '3.3.4';
  const maxInput = options.maxInputTokens ?? 4095;
  const maxTotal = options.maxTotalTokens ?? 4096;
  const fingerprint = `${version}-sha-${SHA.slice(0, 7)}`;
  const counters = { requests: 0, generated: 0 };

  const validationError = (res: ServerResponse, message: string) =>
    sendJson(res, 422, { error: `Input validation error: ${message}`, error_type: 'validation' });

  /** TGI's validation: a positive limit whose sum with the input fits max_total_tokens; absent = whatever is left. */
  const limitFor = (res: ServerResponse, inputTokens: number, asked: number | undefined): number | undefined => {
    if (inputTokens > maxInput) return void validationError(res, `\`inputs\` must have less than ${maxInput} tokens. Given: ${inputTokens}`);
    if (asked === undefined) return maxTotal - inputTokens;
    if (asked <= 0) return void validationError(res, '`max_new_tokens` must be strictly positive');
    if (inputTokens + asked > maxTotal) {
      return void validationError(
        res,
        `\`inputs\` tokens + \`max_new_tokens\` must be <= ${maxTotal}. Given: ${inputTokens} \`inputs\` tokens and ${asked} \`max_new_tokens\``,
      );
    }
    return asked;
  };

  const computeHeaders = (inputs: string, promptTokens: number, generated: number): Record<string, string> => ({
    'x-compute-type': 'gpu+optimized',
    'x-compute-time': '0.012',
    'x-compute-characters': String(inputs.length),
    'x-total-time': '12',
    'x-validation-time': '1',
    'x-queue-time': '0',
    'x-inference-time': '11',
    'x-time-per-token': String(Math.round(11 / Math.max(generated, 1))),
    'x-prompt-tokens': String(promptTokens),
    'x-generated-tokens': String(generated),
  });

  /** `/generate` and friends: `{"inputs", "parameters": {"max_new_tokens"}}`. */
  const generate = (mode: 'json' | 'stream' | 'compat') => async (req: EmulatorRequest, res: ServerResponse) => {
    const body = jsonOf(req, res, ['inputs']);
    if (!body) return;
    const inputs = String(body.inputs);
    const promptTokens = countWords(inputs) + 1;
    const limit = limitFor(res, promptTokens, numberField(body.parameters, 'max_new_tokens'));
    if (limit === undefined) return;
    req.markInference(limit);
    counters.requests++;
    const text = mistralReply(limit);
    counters.generated += countWords(text);
    const headers = computeHeaders(inputs, promptTokens, countWords(text));
    if (mode === 'stream' || (mode === 'compat' && body.stream === true)) {
      const pieces = replyPieces(limit);
      const events = pieces.map((p, i) => ({
        index: i + 1,
        token: { id: 1000 + i, text: p, logprob: -0.1, special: false },
        generated_text: i === pieces.length - 1 ? text : null,
        details:
          i === pieces.length - 1
            ? { finish_reason: finishReason(limit) === 'length' ? 'length' : 'eos_token', generated_tokens: pieces.length, seed: null }
            : null,
      }));
      // axum's SSE as TGI's README shows it: `data:` without a space.
      return writeStream(res, 200, { ...SSE_HEADERS, 'x-compute-type': 'gpu+optimized', 'x-accel-buffering': 'no' }, sseFrames(events, { sep: 'data:' }));
    }
    const answer = { generated_text: text };
    sendJson(res, 200, mode === 'compat' ? [answer] : answer, headers);
  };

  /** The OpenAI routes: same validation, OpenAI shapes, `system_fingerprint` = version-sha. */
  const openai = (kind: 'chat' | 'text') => async (req: EmulatorRequest, res: ServerResponse) => {
    const body = jsonOf(req, res, [kind === 'chat' ? 'messages' : 'prompt']);
    if (!body) return;
    const promptTokens = countWords(openaiPromptText(body, kind)) + 4;
    const limit = limitFor(res, promptTokens, openaiLimit(body, kind));
    if (limit === undefined) return;
    req.markInference(limit);
    counters.requests++;
    const common = { id: '', model: modelId, created: CREATED, finish: finishReason(limit) };
    const extra = { system_fingerprint: fingerprint };
    if (body.stream === true) {
      return writeStream(res, 200, SSE_HEADERS, sseFrames(openaiStreamChunks(kind, common, replyPieces(limit), extra), { sep: 'data:', done: true }));
    }
    const args = { ...common, text: mistralReply(limit), promptTokens };
    sendJson(
      res,
      200,
      kind === 'chat' ? openaiChatCompletion(args, extra) : openaiTextCompletion(args, extra),
      computeHeaders('', promptTokens, countWords(args.text)),
    );
  };

  const tokenizeResponse = (text: string, addBos: boolean) =>
    tokenizeMistral(text, { controlTokens: true, addBos }).map((t) => ({ id: t.id, text: t.piece, start: t.start, stop: t.stop }));

  const health: Handler = (_q, res) => {
    res.writeHead(200, { 'content-length': 0 });
    res.end();
  };
  const info = () => ({
    model_id: modelId,
    model_sha: SHA,
    model_pipeline_tag: 'text-generation',
    max_concurrent_requests: 128,
    max_best_of: 2,
    max_stop_sequences: 4,
    max_input_tokens: maxInput,
    max_total_tokens: maxTotal,
    validation_workers: 2,
    max_client_batch_size: 4,
    router: 'text-generation-router',
    version,
    sha: SHA,
    docker_label: `sha-${SHA.slice(0, 7)}`,
  });
  const metrics = () =>
    [
      '# TYPE tgi_request_count counter',
      `tgi_request_count ${counters.requests}`,
      '# TYPE tgi_request_success counter',
      `tgi_request_success ${counters.requests}`,
      '# TYPE tgi_queue_size gauge',
      'tgi_queue_size 0',
      '# TYPE tgi_batch_current_size gauge',
      'tgi_batch_current_size 0',
      '# TYPE tgi_request_generated_tokens_sum counter',
      `tgi_request_generated_tokens_sum ${counters.generated}`,
      '',
    ].join('\n');

  const guardedPaths = [
    '/',
    '/generate',
    '/generate_stream',
    '/v1/chat/completions',
    '/v1/completions',
    '/vertex',
    '/tokenize',
    ...(options.invocationsOpen ? [] : ['/invocations']),
  ];
  const routes: Route[] = [
    { path: '/', methods: { GET: health, POST: generate('compat') } },
    { path: '/generate', methods: { POST: generate('json') } },
    { path: '/generate_stream', methods: { POST: generate('stream') } },
    { path: '/v1/chat/completions', methods: { POST: openai('chat') } },
    { path: '/v1/completions', methods: { POST: openai('text') } },
    {
      path: '/vertex',
      methods: {
        POST: (req, res) => {
          const body = jsonOf(req, res, ['instances']);
          if (!body) return;
          const first = Array.isArray(body.instances) ? body.instances[0] : undefined;
          const limit = limitFor(res, 4, numberField(isRecord(first) ? first.parameters : undefined, 'max_new_tokens'));
          if (limit === undefined) return;
          req.markInference(limit);
          sendJson(res, 200, { predictions: [mistralReply(limit)] });
        },
      },
    },
    {
      path: '/tokenize',
      methods: {
        POST: (req, res) => {
          const body = jsonOf(req, res, ['inputs']);
          if (body) sendJson(res, 200, tokenizeResponse(String(body.inputs), true));
        },
      },
    },
    {
      path: '/invocations',
      methods: {
        POST: (req, res) => {
          const b = isRecord(req.json) ? req.json : {};
          return b.messages !== undefined ? openai('chat')(req, res) : b.prompt !== undefined ? openai('text')(req, res) : generate('compat')(req, res);
        },
      },
    },
    {
      path: '/chat_tokenize',
      methods: {
        POST: (req, res) => {
          const body = jsonOf(req, res, ['messages']);
          if (!body) return;
          // Renders the chat template without a key: the template (and any system prompt in it) is disclosed.
          const templated = renderMistral(chatMessages(body) ?? [], 'v3');
          sendJson(res, 200, { tokenize_response: tokenizeResponse(templated, false), templated_text: templated });
        },
      },
    },
    { path: '/info', methods: { GET: (_q, res) => sendJson(res, 200, info()) } },
    { path: '/health', methods: { GET: health } },
    { path: '/ping', methods: { GET: health } },
    { path: '/metrics', methods: { GET: (_q, res) => sendText(res, 200, metrics()) } },
    {
      path: '/v1/models',
      methods: { GET: (_q, res) => sendJson(res, 200, { object: 'list', data: [{ id: modelId, object: 'model', created: CREATED, owned_by: modelId }] }) },
    },
    {
      path: '/docs',
      methods: {
        GET: (_q, res) => {
          res.writeHead(303, { location: '/docs/', 'content-length': 0 });
          res.end();
        },
      },
    },
    {
      path: '/docs/',
      methods: {
        GET: (_q, res) =>
          sendText(res, 200, '<!DOCTYPE html><html><head><title>Swagger UI</title></head><body><div id="swagger-ui"></div></body></html>', {
            'content-type': 'text/html',
          }),
      },
    },
    { path: '/api-doc/openapi.json', methods: { GET: (_q, res) => sendJson(res, 200, openapi()) } },
  ];
  if (options.kserve) {
    const infer: Handler = (req, res) => {
      const body = jsonOf(req, res, ['id', 'inputs', 'outputs']);
      if (!body) return;
      const inputs = Array.isArray(body.inputs) ? body.inputs : [];
      const outputs = Array.isArray(body.outputs) ? body.outputs : [];
      // Input.data is a Vec<u8>: the prompt's UTF-8 bytes as numbers, and the answer comes back the same way.
      const bad = inputs.find(
        (i) => !isRecord(i) || !Array.isArray(i.data) || i.data.some((b) => typeof b !== 'number' || b < 0 || b > 255 || !Number.isInteger(b)),
      );
      if (bad !== undefined)
        return sendText(
          res,
          422,
          `Failed to deserialize the JSON body into the target type: inputs[0].data: invalid type: expected u8 at line 1 column ${req.body.length}`,
        );
      if (inputs.length !== outputs.length) return sendJson(res, 422, { error: 'Inputs and outputs length mismatch', error_type: 'length mismatch' });
      const limit = limitFor(res, 4, numberField(body.parameters, 'max_new_tokens'));
      if (limit === undefined) return;
      const chunks = outputs.map((o) => {
        req.markInference(limit);
        const bytes = [...Buffer.from(mistralReply(limit), 'utf8')];
        return { name: isRecord(o) ? String(o.name) : 'output-0', shape: [1, bytes.length], datatype: 'BYTES', data: bytes };
      });
      sendJson(res, 200, { id: body.id, outputs: chunks });
    };
    routes.push(
      { path: '/v2/models/{model}/versions/{version}/infer', methods: { POST: infer } },
      {
        path: '/v2/models/{model}/versions/{version}',
        methods: { GET: (_q, res, [name, ver]) => sendJson(res, 200, { name, version: ver, extensions: ['infer', 'ready'] }) },
      },
      { path: '/v2/models/{model}/versions/{version}/ready', methods: { GET: (_q, res) => sendJson(res, 200, { live: true }) } },
      { path: '/v2/health/ready', methods: { GET: (_q, res) => sendJson(res, 200, { live: true }) } },
      { path: '/v2/health/live', methods: { GET: (_q, res) => sendJson(res, 200, { live: true }) } },
      {
        path: '/v2',
        methods: { GET: (_q, res) => sendJson(res, 200, { name: 'text-generation-inference', version, extensions: ['health', 'models', 'metrics'] }) },
      },
    );
  }

  function openapi(): Record<string, unknown> {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const r of routes) {
      if (r.path.startsWith('/docs') || r.path === '/api-doc/openapi.json') continue;
      for (const m of Object.keys(r.methods)) {
        const documented = r.path.replace(/\{model\}/, '{model_name}').replace(/\{version\}/, '{model_version}');
        paths[documented] ??= {};
        paths[documented]![m.toLowerCase()] = {
          tags: ['Text Generation Inference'],
          operationId: r.path.replace(/\W+/g, '_').replace(/^_|_$/g, '') || 'compat_generate',
          responses: { '200': { description: 'OK' } },
        };
      }
    }
    return {
      openapi: '3.0.3',
      info: {
        title: 'Text Generation Inference',
        description: 'Text Generation Webserver',
        license: { name: 'Apache 2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
        version,
      },
      paths,
    };
  }

  const table = routes.map((r) => ({ r, re: new RegExp(`^${r.path.replace(/\{\w+\}/g, '([^/]+)')}$`) }));
  return startTarget(async (req, res, raw) => {
    // tower-http CorsLayer with AllowOrigin::any (TGI's default when --cors-allow-origin is not given); outermost layer.
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('vary', 'origin, access-control-request-method, access-control-request-headers');
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
      res.writeHead(200, { 'access-control-allow-methods': 'GET,POST', 'access-control-allow-headers': 'content-type', 'content-length': 0 });
      res.end();
      return;
    }
    // axum matches the raw path: no percent-decoding, no slash redirects, case-sensitive.
    const hit = table.map(({ r, re }) => ({ r, m: re.exec(req.path) })).find((x) => x.m !== null);
    if (!hit) {
      res.writeHead(404, { 'content-length': 0 });
      res.end();
      return;
    }
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    // The auth layer wraps the guarded routes' method routers, including their 405 fallback; GET / stays open.
    const guarded = options.apiKey !== undefined && guardedPaths.includes(hit.r.path) && !(hit.r.path === '/' && method === 'GET');
    if (guarded) {
      const auth = firstHeader(raw, 'authorization');
      if (auth === undefined || auth.toLowerCase() !== `Bearer ${options.apiKey}`.toLowerCase()) {
        res.writeHead(401, { 'content-length': 0 });
        res.end();
        return;
      }
    }
    const handler = hit.r.methods[method];
    if (!handler) {
      res.writeHead(405, {
        allow: Object.keys(hit.r.methods)
          .flatMap((m) => (m === 'GET' ? ['GET', 'HEAD'] : [m]))
          .join(','),
        'content-length': 0,
      });
      res.end();
      return;
    }
    return handler(
      req,
      res,
      (hit.m as RegExpExecArray).slice(1).map((s) => decodeURIComponent(s)),
    );
  });
}
