// KoboldCpp, port 5001: Python's http.server with hand-written routing. Wire facts: docs/servers/koboldcpp.md.
// Routes are tested with `self.path.endswith(...)`, and `self.path` is the raw request target (query included),
// so `/anything/api/v1/generate` reaches the generator while `/api/v1/generate?x=1` reaches nothing.
import type { ServerResponse } from 'node:http';
import { answerOpenAI, body, countTokens, firstNumber, header, mistralText, openaiLimit, sendRaw, TEST_KEY } from './emulator-kit.js';
import { type EmulatorRequest, type RunningTarget, sendJson, startTarget } from './harness.js';

export interface KoboldcppOptions {
  /** `--password`: guards text generation only. */
  password?: string;
  /** Model file name without extension; the API reports `koboldcpp/<model>`. */
  model?: string;
  version?: string;
  /** An image model is loaded (`--sdmodel`), so /sdapi/v1/* generate (default true). */
  imageGen?: boolean;
  /** A Whisper model is loaded (`--whispermodel`) (default true). */
  transcribe?: boolean;
}

export const OPEN: KoboldcppOptions = {};
export const KEYED: KoboldcppOptions = { password: TEST_KEY };

/** Exact 401 body (docs/servers/koboldcpp.md). */
export const UNAUTHORIZED_BODY = { detail: { error: 'Unauthorized', msg: 'Authentication key is missing or invalid.', type: 'unauthorized' } };

// A 1×1 transparent PNG: the shape of an image answer without the weight of one.
const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

export async function startKoboldcpp(options: KoboldcppOptions = {}): Promise<RunningTarget> {
  const o: KoboldcppOptions = { imageGen: true, transcribe: true, ...options };
  const friendly = `koboldcpp/${o.model ?? 'Mistral-7B-Instruct-v0.3.Q4_K_M'}`;
  const version = o.version ?? '1.86.2';
  let totalGens = 0;

  // koboldcpp's end_headers(): permissive CORS on every answer.
  const cors = {
    'access-control-allow-origin': '*',
    'access-control-allow-methods': '*',
    'access-control-allow-headers':
      '*, Accept, Content-Type, Content-Length, Cache-Control, Accept-Encoding, X-CSRF-Token, Client-Agent, ' +
      'X-Fields, Content-Type, Authorization, X-Requested-With, X-HTTP-Method-Override, apikey, genkey',
  };
  const json = (res: ServerResponse, status: number, value: unknown) => sendJson(res, status, value, cors);

  /** secure_endpoint(): `Authorization: Bearer <password>` (exact scheme, token stripped, plain ==). */
  const secure = (req: EmulatorRequest, res: ServerResponse): boolean => {
    if (!o.password) return true;
    const authz = header(req, 'authorization');
    if (authz?.startsWith('Bearer ') && authz.slice('Bearer '.length).trim() === o.password) return true;
    json(res, 401, UNAUTHORIZED_BODY);
    return false;
  };

  const notFound = (res: ServerResponse) =>
    sendRaw(res, 404, 'Error: HTTP Server is running, but this endpoint does not exist. Please check the URL.', { 'content-type': 'text/html', ...cors });

  const get = (p: string, res: ServerResponse): void => {
    const ends = (...s: string[]) => s.some((x) => p.endsWith(x));
    if (p === '/' || p === '' || p.startsWith('/?'))
      return sendRaw(res, 200, '<!DOCTYPE html><html><head><title>KoboldAI Lite</title></head><body></body></html>', { 'content-type': 'text/html', ...cors });
    if (ends('/api/v1/model', '/api/latest/model')) return json(res, 200, { result: friendly });
    if (ends('/api/v1/info/version', '/api/latest/info/version')) return json(res, 200, { result: '1.2.5' });
    if (ends('/api/v1/config/max_context_length', '/api/latest/config/max_context_length', '/api/extra/true_max_context_length'))
      return json(res, 200, { value: 4096 });
    if (ends('/api/v1/config/max_length', '/api/latest/config/max_length')) return json(res, 200, { value: 200 });
    if (ends('/api/extra/version')) {
      // `protected` tells anyone whether a password is set.
      return json(res, 200, {
        result: 'KoboldCpp',
        version,
        protected: !!o.password,
        txt2img: !!o.imageGen,
        vision: false,
        transcribe: !!o.transcribe,
        multiplayer: false,
        websearch: false,
        tts: false,
        embeddings: false,
      });
    }
    if (ends('/api/extra/perf'))
      return json(res, 200, { last_process: 0.1, last_eval: 0.2, last_token_count: 1, total_gens: totalGens, queue: 0, idle: 1, stop_reason: 1, uptime: 120 });
    if (ends('/v1/models'))
      return json(res, 200, {
        object: 'list',
        data: [{ id: friendly, object: 'model', created: 1, owned_by: 'koboldcpp', permission: [], root: 'koboldcpp' }],
      });
    // Imitates Ollama's model list (but not Ollama's `GET /` banner).
    if (ends('/api/tags')) {
      return json(res, 200, {
        models: [
          {
            name: friendly,
            model: friendly,
            modified_at: '2024-07-19T20:10:27.871Z',
            size: 394998579,
            digest: 'b5dc5e784f2a3ee1582373093acf69a2f4e2ac1710b253a001712b86a61f88bb',
            details: { parent_model: '', format: 'gguf', family: 'koboldcpp', families: ['koboldcpp'], parameter_size: '7B', quantization_level: 'Q4_K_M' },
          },
        ],
      });
    }
    if (ends('/sdapi/v1/sd-models'))
      return json(res, 200, o.imageGen ? [{ title: 'stable_diffusion', model_name: 'stable_diffusion', filename: 'stable_diffusion' }] : []);
    notFound(res);
  };

  const generate = (req: EmulatorRequest, res: ServerResponse, kind: 'kobold' | 'kobold-stream' | 'ollama-generate' | 'ollama-chat') => {
    const b = body(req);
    const opts = (b.options ?? {}) as Record<string, unknown>;
    const limit = kind.startsWith('ollama') ? (firstNumber(opts.num_predict) ?? 200) : (firstNumber(b.max_length) ?? 200); // koboldcpp's default max_length
    req.markInference(limit);
    totalGens += 1;
    const text = mistralText(limit);
    if (kind === 'kobold')
      return json(res, 200, {
        results: [{ text, finish_reason: 'length', logprobs: null, prompt_tokens: countTokens(b.prompt), completion_tokens: text.split(' ').length }],
      });
    if (kind === 'kobold-stream') {
      res.writeHead(200, { 'content-type': 'text/event-stream', ...cors });
      for (const w of text.split(' ')) res.write(`event: message\ndata: ${JSON.stringify({ token: `${w} `, finish_reason: null })}\n\n`);
      res.end();
      return;
    }
    const common = { model: friendly, created_at: '2025-01-01T00:00:00Z', done: true, done_reason: 'length' };
    if (kind === 'ollama-generate') return json(res, 200, { ...common, response: text });
    json(res, 200, { ...common, message: { role: 'assistant', content: text } });
  };

  const post = (req: EmulatorRequest, res: ServerResponse): void => {
    const p = req.url;
    const ends = (...s: string[]) => s.some((x) => p.endsWith(x));
    // Image generation, captioning and transcription are never guarded, password or not (docs/servers/koboldcpp.md).
    if (ends('/sdapi/v1/txt2img', '/sdapi/v1/img2img')) {
      if (!o.imageGen) return json(res, 503, { detail: { msg: 'No image generation model is loaded.', type: 'service_unavailable' } });
      req.markInference(); // an image model ran; no token limit applies
      return json(res, 200, { images: [PNG_1X1], parameters: {}, info: '' });
    }
    if (ends('/sdapi/v1/interrogate')) {
      req.markInference();
      return json(res, 200, { caption: mistralText(6) });
    }
    if (ends('/api/extra/transcribe', '/v1/audio/transcriptions')) {
      req.markInference();
      return json(res, 200, { text: o.transcribe ? 'Hello there.' : '' });
    }
    // Text generation: guarded by the password.
    const textRoute = ends('/api/v1/generate', '/api/latest/generate')
      ? 'kobold'
      : ends('/api/extra/generate/stream')
        ? 'kobold-stream'
        : ends('/v1/chat/completions')
          ? 'chat'
          : ends('/v1/completions', '/v1/completion')
            ? 'completion'
            : ends('/api/generate')
              ? 'ollama-generate'
              : ends('/api/chat')
                ? 'ollama-chat'
                : null;
    if (textRoute) {
      if (!secure(req, res)) return;
      // koboldcpp.py: `json.loads(body)` fails → "Body Err" logged, bare 503; nothing is generated.
      if (req.jsonError !== undefined) {
        res.writeHead(503, { 'content-length': 0, ...cors });
        res.end();
        return;
      }
      if (textRoute === 'chat' || textRoute === 'completion') {
        totalGens += 1;
        // koboldcpp forwards max_tokens as max_length; the model field is ignored.
        return answerOpenAI(req, res, textRoute, { model: friendly, maxTokens: openaiLimit(body(req), 200), headers: cors });
      }
      return generate(req, res, textRoute);
    }
    // ASSUMPTION: recent builds put the tokenizer behind the password too.
    if (ends('/api/extra/tokencount')) {
      if (!secure(req, res)) return;
      const n = countTokens(body(req).prompt);
      return json(res, 200, { value: n, ids: Array.from({ length: n }, (_v, i) => 1000 + i) });
    }
    if (ends('/api/extra/abort', '/api/extra/generate/check')) {
      if (!secure(req, res)) return;
      return json(res, 200, ends('/api/extra/abort') ? { success: 'true', done: 'true' } : { results: [{ text: '' }] });
    }
    notFound(res);
  };

  return startTarget(
    (req, res) => {
      if (req.method === 'OPTIONS') return sendRaw(res, 200, '', cors);
      if (req.method === 'GET' || req.method === 'HEAD') return get(req.url, res);
      if (req.method === 'POST') return post(req, res);
      // http.server answers methods it has no do_X for with 501.
      sendRaw(res, 501, `Unsupported method ('${req.method}')`, { 'content-type': 'text/html;charset=utf-8' });
    },
    { serverHeader: 'ConcedoLlamaForKoboldServer' },
  );
}
