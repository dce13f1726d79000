// Slow inference targets for the benchmark, in plain JavaScript (the bench runs on `node` alone, no TypeScript).
// Every request that would run the model waits `latencyMs` before answering; everything else (404, 405, 401, 422,
// metadata) answers at once, as a real server does. The shapes follow the test emulators (test/targets/) and
// docs/servers/ closely enough for discovery to find the routes:
//   wrapper        the tutorial's FastAPI app: POST /generate {"text"} → {"generated"}, FastAPI 404/405/422, /docs, /openapi.json
//   wrapper-keyed  the same with the tutorial's fix 1: `x_api_key: str = Header(...)` (422 when missing, 401 when wrong)
//   openai         an OpenAI-compatible server (llama-cpp-python shape): /v1/models, /v1/chat/completions, /v1/completions
import { createServer } from 'node:http';

export const BENCH_KEY = 'sk-bench-0123456789abcdef';
const MODEL = 'mistralai/Mistral-7B-Instruct-v0.3';
const REPLY = 'Hello! How can I assist you today?';

function send(res, status, body, headers = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': typeof body === 'string' ? 'text/html; charset=utf-8' : 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

const detail = (res, status, message, headers) => send(res, status, { detail: message }, headers);

/** pydantic 2's error list, as FastAPI returns it with a 422. */
function validationError(res, errors) {
  send(res, 422, { detail: errors });
}

function openapiFor(keyed) {
  const op = {
    summary: 'Generate',
    operationId: 'generate_generate_post',
    ...(keyed ? { parameters: [{ name: 'x-api-key', in: 'header', required: true, schema: { type: 'string', title: 'X-Api-Key' } }] } : {}),
    requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Prompt' } } } },
    responses: { 200: { description: 'Successful Response', content: { 'application/json': { schema: {} } } }, 422: { description: 'Validation Error' } },
  };
  return {
    openapi: '3.1.0',
    info: { title: 'FastAPI', version: '0.1.0' },
    paths: { '/generate': { post: op } },
    components: { schemas: { Prompt: { title: 'Prompt', type: 'object', required: ['text'], properties: { text: { type: 'string', title: 'Text' } } } } },
  };
}

const DOCS_HTML = '<!DOCTYPE html><html><head><title>FastAPI - Swagger UI</title></head><body><div id="swagger-ui"></div></body></html>';

/**
 * Starts one slow target on an ephemeral loopback port.
 * @param {{ kind?: 'wrapper' | 'wrapper-keyed' | 'openai', latencyMs?: number }} options
 */
export async function startSlowTarget(options = {}) {
  const kind = options.kind ?? 'wrapper';
  const latencyMs = options.latencyMs ?? 0;
  const stats = { requests: 0, inference: 0, concurrentInference: 0, maxConcurrentInference: 0 };
  const sockets = new Set();

  /** Runs the "model": counted, concurrent runs tracked, answered after the latency. */
  function infer(res, answer) {
    stats.inference++;
    stats.concurrentInference++;
    stats.maxConcurrentInference = Math.max(stats.maxConcurrentInference, stats.concurrentInference);
    const timer = setTimeout(() => {
      stats.concurrentInference--;
      if (!res.destroyed) send(res, 200, answer);
    }, latencyMs);
    res.on('close', () => {
      if (!res.writableEnded) {
        clearTimeout(timer);
        stats.concurrentInference--;
      }
    });
  }

  function wrapper(req, res, path, raw, keyed) {
    if (req.method === 'GET' && path === '/openapi.json') return send(res, 200, openapiFor(keyed));
    if (req.method === 'GET' && path === '/docs') return send(res, 200, DOCS_HTML);
    if (req.method === 'GET' && path === '/redoc') return send(res, 200, DOCS_HTML.replace('Swagger UI', 'ReDoc'));
    if (path === '/generate/') return send(res, 307, '', { location: '/generate' });
    if (path !== '/generate') return detail(res, 404, 'Not Found');
    if (req.method !== 'POST') return detail(res, 405, 'Method Not Allowed', { allow: 'POST' });
    let body;
    try {
      body = raw.length ? JSON.parse(raw) : undefined;
    } catch {
      return validationError(res, [{ type: 'json_invalid', loc: ['body', 0], msg: 'JSON decode error', input: {}, ctx: { error: 'Expecting value' } }]);
    }
    const errors = [];
    const key = req.headers['x-api-key'];
    if (keyed && key === undefined) errors.push({ type: 'missing', loc: ['header', 'x-api-key'], msg: 'Field required', input: null });
    else if (keyed && key !== BENCH_KEY) return detail(res, 401, 'Invalid API key');
    if (body === undefined) errors.push({ type: 'missing', loc: ['body'], msg: 'Field required', input: null });
    else if (typeof body !== 'object' || body === null || Array.isArray(body))
      errors.push({ type: 'model_attributes_type', loc: ['body'], msg: 'Input should be a valid dictionary or object to extract fields from', input: body });
    else if (!('text' in body)) errors.push({ type: 'missing', loc: ['body', 'text'], msg: 'Field required', input: body });
    else if (typeof body.text !== 'string')
      errors.push({ type: 'string_type', loc: ['body', 'text'], msg: 'Input should be a valid string', input: body.text });
    if (errors.length) return validationError(res, errors);
    return infer(res, { generated: REPLY });
  }

  function openai(req, res, path, raw) {
    const error = (status, message, type = 'invalid_request_error') => send(res, status, { error: { message, type, param: null, code: null } });
    if (req.method === 'GET' && path === '/v1/models')
      return send(res, 200, { object: 'list', data: [{ id: MODEL, object: 'model', created: 1717000000, owned_by: 'me' }] });
    const isChat = path === '/v1/chat/completions';
    if (!isChat && path !== '/v1/completions') return detail(res, 404, 'Not Found');
    if (req.method !== 'POST') return detail(res, 405, 'Method Not Allowed', { allow: 'POST' });
    let body;
    try {
      body = JSON.parse(raw);
    } catch {
      return error(400, 'Expecting value: line 1 column 1 (char 0)');
    }
    if (typeof body !== 'object' || body === null) return error(400, 'Request body must be a JSON object');
    if (isChat && !Array.isArray(body.messages)) return error(400, "'messages' is a required property");
    if (!isChat && body.prompt === undefined) return error(400, "'prompt' is a required property");
    const created = Math.floor(Date.now() / 1000);
    const usage = { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 };
    if (isChat)
      return infer(res, {
        id: `chatcmpl-${stats.inference}`,
        object: 'chat.completion',
        created,
        model: MODEL,
        choices: [{ index: 0, message: { role: 'assistant', content: 'Hello' }, finish_reason: 'length' }],
        usage,
      });
    return infer(res, {
      id: `cmpl-${stats.inference}`,
      object: 'text_completion',
      created,
      model: MODEL,
      choices: [{ index: 0, text: 'Hello', finish_reason: 'length', logprobs: null }],
      usage,
    });
  }

  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      stats.requests++;
      const path = (req.url ?? '/').split('?')[0];
      const raw = Buffer.concat(chunks).toString('utf8');
      if (kind === 'openai') return openai(req, res, path, raw);
      res.setHeader('server', 'uvicorn');
      return wrapper(req, res, path, raw, kind === 'wrapper-keyed');
    });
  });
  server.keepAliveTimeout = 5000;
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = server.address().port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stats,
    /** Serves a connection another listener accepted (the fleet bench puts one target on many addresses). */
    serve: (socket) => server.emit('connection', socket),
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
