// Ollama: a gin router with no authentication at all (docs/servers/ollama.md). Model-management routes are reachable by
// anyone who can reach the port; this emulator never acts on them, it records any call that carries a body so tests
// can assert a scan never invoked one.
//
// Routing follows server/routes.go: `gin.Default()` with `r.HandleMethodNotAllowed = true`, so a wrong method on a
// known path is `405 method not allowed` (text/plain), an unknown path `404 page not found`; RedirectTrailingSlash
// answers `/api/tags/` with 301 (GET) or 307. Global middleware (CORS, then the loopback Host check) runs first.
import type { ServerResponse } from 'node:http';
import { type EmulatorRequest, type RunningTarget, sendJson, sendText, startTarget } from './harness.js';
import { CREATED, chatMessages, countWords, finishReason, isRecord, mistralReply, numberField, replyPieces, writeStream } from './mistral-model.js';
import { answerOpenAI } from './openai-compatible.js';

export interface OllamaOptions {
  /** `/api/version`; default 0.17.4. */
  version?: string;
  /** Installed models; default `['mistral:latest']`. */
  models?: string[];
  /**
   * Listening on loopback (Ollama's default, 127.0.0.1:11434): a Host header that is not local gets 403.
   * false = OLLAMA_HOST=0.0.0.0, every Host accepted. Default true.
   */
  loopbackOnly?: boolean;
  /** OLLAMA_ORIGINS added to the built-in local origins (`*` allows any). */
  origins?: string[];
}

export const OPEN: OllamaOptions = { loopbackOnly: false };
/** Ollama has no server-side key: a client's OLLAMA_API_KEY or Authorization header changes nothing. */
export const KEYED: OllamaOptions = { loopbackOnly: false };

const CREATED_AT = '2025-01-01T00:00:00Z';
const DIGEST = 'f974a74358d62a017b37c6f424fcdf2744ca02926c4f952513ddf474b2fa5091';
const TEMPLATE =
  '{{- if .Messages }}{{- range $index, $_ := .Messages }}{{- if eq .Role "user" }}[INST] {{ if and ' +
  '$.System (eq (len (slice $.Messages $index)) 1) }}{{ $.System }}\n\n{{ end }}{{ .Content ' +
  '}}[/INST]{{- else if eq .Role "assistant" }} {{ .Content }}</s>{{- end }}{{- end }}{{- else }}[INST] ' +
  '{{ if .System }}{{ .System }}\n\n{{ end }}{{ .Prompt }}[/INST]{{- end }} {{ .Response }}{{ if ' +
  '.Response }}</s>{{ end }}';

const json = (res: ServerResponse, status: number, body: unknown) => sendJson(res, status, body, { 'content-type': 'application/json; charset=utf-8' });
const plain = (res: ServerResponse, status: number, text: string) => sendText(res, status, text, { 'content-type': 'text/plain' });

/** Go's `net.SplitHostPort`-then-classify from allowedHostsMiddleware: loopback/private/unspecified IPs and local names pass. */
function localHost(hostHeader: string | undefined): boolean {
  let host = hostHeader ?? '';
  const m = /^\[([^\]]+)\](?::\d+)?$/.exec(host) ?? /^([^:]+):\d+$/.exec(host);
  if (m) host = m[1] as string;
  host = host.toLowerCase();
  if (/^127\.|^10\.|^192\.168\.|^172\.(1[6-9]|2\d|3[01])\.|^0\.0\.0\.0$|^::1?$|^f[cd][0-9a-f]{2}:/.test(host)) return true;
  if (host === '' || host === 'localhost') return true;
  return ['.localhost', '.local', '.internal'].some((tld) => host.endsWith(tld));
}

/** gin-contrib/cors with Ollama's AllowedOrigins(): local origins on any port, app/file/tauri/vscode schemes, browser extensions. */
function originAllowed(origin: string, extra: string[]): boolean {
  const patterns = [...extra];
  for (const h of ['localhost', '127.0.0.1', '0.0.0.0']) patterns.push(`http://${h}`, `https://${h}`, `http://${h}:*`, `https://${h}:*`);
  patterns.push('app://*', 'file://*', 'tauri://*', 'vscode-webview://*', 'vscode-file://*');
  if (/^(chrome|safari|moz|ms-browser)-extension:\/\//.test(origin)) return true;
  return patterns.some((p) => {
    if (p === '*') return true;
    const star = p.indexOf('*');
    return star === -1 ? p === origin : origin.startsWith(p.slice(0, star)) && origin.endsWith(p.slice(star + 1));
  });
}

export async function startOllama(options: OllamaOptions = {}): Promise<RunningTarget> {
  const version = options.version ?? '0.17.4';
  const models = options.models ?? ['mistral:latest'];
  const canonical = (name: unknown): string | undefined => {
    if (typeof name !== 'string' || name === '') return undefined;
    const full = name.includes(':') ? name : `${name}:latest`;
    return models.find((m) => m === full || m === name);
  };
  const details = { parent_model: '', format: 'gguf', family: 'llama', families: ['llama'], parameter_size: '7.2B', quantization_level: 'Q4_0' };
  const tag = (name: string) => ({ name, model: name, modified_at: CREATED_AT, size: 4113301824, digest: DIGEST, details });
  const ownedBy = (name: string) => (name.includes('/') ? (name.split('/')[0] as string) : 'library');

  /** ShouldBindJSON: an empty body is io.EOF → "missing request body"; bad JSON → Go's decoder message. */
  const bind = (req: EmulatorRequest, res: ServerResponse): Record<string, unknown> | undefined => {
    if (req.body.trim() === '') return void json(res, 400, { error: 'missing request body' });
    if (req.jsonError !== undefined || !isRecord(req.json))
      return void json(res, 400, { error: `invalid character '${req.body.trim()[1] ?? ''}' looking for beginning of object key string` });
    return req.json;
  };

  const metrics = (evalCount: number, promptCount: number) => ({
    total_duration: 123456789,
    load_duration: 1234567,
    prompt_eval_count: promptCount,
    prompt_eval_duration: 2345678,
    eval_count: evalCount,
    eval_duration: 3456789,
  });

  /** /api/generate and /api/chat: NDJSON by default, one JSON object with `"stream": false`. */
  const native = (kind: 'generate' | 'chat') => async (req: EmulatorRequest, res: ServerResponse) => {
    const body = bind(req, res);
    if (!body) return;
    if (typeof body.model !== 'string' || body.model === '') return json(res, 400, { error: 'model is required' });
    if (!canonical(body.model)) return json(res, 404, { error: `model '${body.model}' not found` });
    const messages = chatMessages(body) ?? [];
    const prompt = kind === 'generate' ? (typeof body.prompt === 'string' ? body.prompt : '') : messages.map((m) => m.content).join('\n');
    const base = { model: body.model, created_at: CREATED_AT };
    if (prompt === '' && (kind === 'generate' || messages.length === 0)) {
      // An empty prompt only loads the model: no generation.
      return json(res, 200, {
        ...base,
        ...(kind === 'chat' ? { message: { role: 'assistant', content: '' } } : { response: '' }),
        done: true,
        done_reason: 'load',
      });
    }
    const limit = numberField(body.options, 'num_predict') ?? -1; // -1 = until end of sequence
    req.markInference(limit < 0 ? Infinity : limit);
    const promptCount = countWords(prompt) + 4;
    const piece = (text: string) => (kind === 'chat' ? { message: { role: 'assistant', content: text } } : { response: text });
    const text = mistralReply(limit);
    const final = {
      ...base,
      ...piece(text),
      done: true,
      done_reason: finishReason(limit),
      ...(kind === 'generate' ? { context: [3, 1027, 4] } : {}),
      ...metrics(countWords(text), promptCount),
    };
    if (body.stream === false) return json(res, 200, final);
    const lines = [...replyPieces(limit).map((p) => ({ ...base, ...piece(p), done: false })), { ...final, ...piece('') }].map((o) => `${JSON.stringify(o)}\n`);
    return writeStream(res, 200, { 'content-type': 'application/x-ndjson' }, lines);
  };

  /** The OpenAI middleware converts, then the native handlers run. */
  const compat = (kind: 'chat' | 'text') => async (req: EmulatorRequest, res: ServerResponse) => {
    const oaiError = (status: number, message: string, type = 'invalid_request_error') =>
      json(res, status, { error: { message, type, param: null, code: null } });
    if (!isRecord(req.json)) return oaiError(400, req.body.trim() === '' ? 'EOF' : 'invalid JSON body');
    const body = req.json;
    if (kind === 'chat' && chatMessages(body) === undefined) return oaiError(400, "[] is too short - 'messages'");
    const name = canonical(body.model);
    if (!name) return oaiError(404, `model "${String(body.model ?? '')}" not found, try pulling it first`, 'api_error');
    return answerOpenAI(req, res, body, { kind, model: String(body.model), defaultMaxTokens: Infinity, extra: { system_fingerprint: 'fp_ollama' } });
  };

  /** Management: never acts here, but any call that carries a body is recorded as an invocation. */
  const management =
    (answer: (req: EmulatorRequest, res: ServerResponse, body: Record<string, unknown>) => void) => (req: EmulatorRequest, res: ServerResponse) => {
      if (req.body.length > 0) req.markManagement();
      const body = bind(req, res);
      if (body) answer(req, res, body);
    };
  const status = (_req: EmulatorRequest, res: ServerResponse, body: Record<string, unknown>) =>
    body.stream === false ? json(res, 200, { status: 'success' }) : sendText(res, 200, '{"status":"success"}\n', { 'content-type': 'application/x-ndjson' });
  const blob = (req: EmulatorRequest, res: ServerResponse, params: Record<string, string>) => {
    if (!/^sha256[:-][0-9a-fA-F]{64}$/.test(params.digest ?? '')) return json(res, 400, { error: 'invalid digest format' });
    if (req.method === 'HEAD') return json(res, 404, { error: `blob "${params.digest}" not found` });
    if (req.body.length === 0)
      return json(res, 400, {
        error: `digest mismatch, expected "${params.digest}", got "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"`,
      });
    req.markManagement();
    res.writeHead(201, { 'content-length': 0 });
    res.end();
  };

  type Handler = (req: EmulatorRequest, res: ServerResponse, params: Record<string, string>) => void | Promise<void>;
  const routes: Record<string, Record<string, Handler>> = {
    '/': { GET: (_q, res) => sendText(res, 200, 'Ollama is running'), HEAD: (_q, res) => sendText(res, 200, 'Ollama is running') },
    '/api/version': { GET: (_q, res) => json(res, 200, { version }), HEAD: (_q, res) => json(res, 200, { version }) },
    '/api/tags': { GET: (_q, res) => json(res, 200, { models: models.map(tag) }), HEAD: (_q, res) => json(res, 200, { models: models.map(tag) }) },
    '/api/ps': {
      GET: (_q, res) =>
        json(res, 200, {
          models: models.slice(0, 1).map((m) => ({ ...tag(m), expires_at: '2025-01-01T00:05:00Z', size_vram: 4113301824, context_length: 4096 })),
        }),
    },
    '/api/show': {
      POST: (req, res) => {
        const body = bind(req, res);
        if (!body) return;
        const name = canonical(body.model ?? body.name);
        if (!name) return json(res, 404, { error: `model '${String(body.model ?? body.name ?? '')}' not found` });
        json(res, 200, {
          license: 'Apache License Version 2.0',
          modelfile:
            `# Modelfile generated by "ollama show"\nFROM /root/.ollama/models/blobs/sha256-${DIGEST}\nTEMPLATE ` +
            `"""${TEMPLATE}"""\nPARAMETER stop [INST]\nPARAMETER stop [/INST]\n`,
          parameters: 'stop                           "[INST]"\nstop                           "[/INST]"',
          template: TEMPLATE,
          details,
          model_info: { 'general.architecture': 'llama', 'general.parameter_count': 7248023552, 'llama.context_length': 32768 },
          capabilities: ['completion', 'tools'],
          modified_at: CREATED_AT,
        });
      },
    },
    '/api/generate': { POST: native('generate') },
    '/api/chat': { POST: native('chat') },
    '/api/embed': {
      POST: (req, res) => {
        const body = bind(req, res);
        if (!body) return;
        if (!canonical(body.model)) return json(res, 404, { error: `model '${String(body.model ?? '')}' not found` });
        req.markInference(0); // a forward pass, nothing generated
        json(res, 200, { model: body.model, embeddings: [[0.0123, -0.0456, 0.0789]], total_duration: 1234567, load_duration: 123456, prompt_eval_count: 2 });
      },
    },
    '/v1/chat/completions': { POST: compat('chat') },
    '/v1/completions': { POST: compat('text') },
    '/v1/models': {
      GET: (_q, res) => json(res, 200, { object: 'list', data: models.map((m) => ({ id: m, object: 'model', created: CREATED, owned_by: ownedBy(m) })) }),
    },
    '/v1/models/:model': {
      GET: (_q, res, p) => {
        const name = canonical(p.model);
        if (!name) return json(res, 404, { error: { message: `model "${p.model}" not found`, type: 'api_error', param: null, code: null } });
        json(res, 200, { id: name, object: 'model', created: CREATED, owned_by: ownedBy(name) });
      },
    },
    '/api/pull': { POST: management(status) },
    '/api/push': { POST: management(status) },
    '/api/create': { POST: management(status) },
    '/api/copy': { POST: management((_q, res) => json(res, 200, null)) },
    '/api/delete': {
      DELETE: management((_q, res, body) => {
        if (!canonical(body.model ?? body.name)) return json(res, 404, { error: `model '${String(body.model ?? body.name ?? '')}' not found` });
        res.writeHead(200, { 'content-length': 0 });
        res.end();
      }),
    },
    '/api/blobs/:digest': { POST: blob, HEAD: blob },
  };
  const table = Object.entries(routes).map(([path, methods]) => ({ methods, re: new RegExp(`^${path.replace(/:(\w+)/g, '(?<$1>[^/]+)')}$`) }));
  const find = (method: string, path: string) => {
    for (const { methods, re } of table) {
      const m = re.exec(path);
      const h = m ? methods[method] : undefined;
      if (h && m) return { h, params: { ...m.groups } };
    }
    return undefined;
  };

  return startTarget(async (req, res, raw) => {
    const origin = raw.headers.origin;
    const host = raw.headers.host ?? '';
    if (origin !== undefined && origin !== `http://${host}` && origin !== `https://${host}`) {
      if (!originAllowed(origin, options.origins ?? [])) {
        res.writeHead(403, { 'content-length': 0 });
        res.end();
        return;
      }
      res.setHeader('vary', 'Origin');
      res.setHeader('access-control-allow-origin', origin);
      if (req.method === 'OPTIONS') {
        res.writeHead(204, {
          'access-control-allow-methods': 'GET,POST,PUT,PATCH,DELETE,HEAD,OPTIONS',
          'access-control-allow-headers': 'Authorization,Content-Type,User-Agent,Accept,X-Requested-With,OpenAI-Beta',
          'access-control-max-age': '43200',
        });
        res.end();
        return;
      }
    }
    if ((options.loopbackOnly ?? true) && !localHost(raw.headers.host)) {
      res.writeHead(403, { 'content-length': 0 });
      res.end();
      return;
    }
    // Go's net/http hands gin the percent-decoded URL.Path.
    let path = req.path;
    try {
      path = decodeURIComponent(req.path);
    } catch {
      /* keep the raw path */
    }
    const hit = find(req.method, path);
    if (hit) return hit.h(req, res, hit.params);
    if (path !== '/' && req.method !== 'CONNECT') {
      const other = path.endsWith('/') ? path.slice(0, -1) : `${path}/`;
      if (find(req.method, other)) {
        res.writeHead(req.method === 'GET' ? 301 : 307, { location: other, 'content-length': 0 });
        res.end();
        return;
      }
    }
    if (table.some(({ re }) => re.test(path))) return plain(res, 405, '405 method not allowed');
    plain(res, 404, '404 page not found');
  });
}
