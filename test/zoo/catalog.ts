// The wrapper zoo: small LLM wrappers written the way different people write them (FastAPI, Flask, Express, plain
// node:http, Django; some behind nginx or Caddy), each in an open form that gives anyone the model and a guarded form that
// must give a scanner nothing to report. One entry per app: what it looks like, how to start either form, which rule the
// open form must fail, the key of the guarded form, and a request the app answers (to prove the app itself by hand).
// docs/zoo.md describes every entry; test/zoo/catalog.test.ts keeps the two in step.
import { createHash } from 'node:crypto';
import type { RuleId } from '../../src/engine/types.js';
import { type Front, type Launched, launch, type Runner } from './launch.js';

export type Framework = 'FastAPI' | 'Flask' | 'Express' | 'node:http' | 'Django' | 'http.server';
export type Form = 'open' | 'guarded';

/** The fake model's reply in every app (apps/_lib): a scan's proof must carry its first word. */
export const MODEL_REPLY = 'Hello! How can I help you today?';
export const MODEL_WORDS = MODEL_REPLY.split(' ');

/** The prompt of every sample request. */
export const PROMPT = 'Hi there';
const QUERY_PROMPT = encodeURIComponent(PROMPT);

/** A request the app answers with the model, written by hand from the app's source. */
export interface Sample {
  method: 'GET' | 'POST' | 'PUT';
  /** Path and query on the origin the user reaches (the proxy's, when there is one). */
  path: string;
  body?: string;
  /** Content-Type of the body; JSON unless said otherwise. */
  type?: string;
  /** Words the reply must have: the limit the sample asks for, or the whole reply when the limit is higher or absent. */
  words: number;
}

export interface ZooApp {
  name: string;
  framework: Framework;
  /** Request → answer, in one line, for the tables. */
  shape: string;
  /** Path of the URL a user types to scan it ('/' when they give only the server's address). */
  urlPath: string;
  /** What makes the app hard for a scanner. */
  hard: string;
  /**
   * How a visitor without the key is turned away by the guarded form: refused (401/403), redirected to a login page, or
   * hidden (the 404 an unknown path gets, so that a stranger cannot tell the route exists).
   */
  anonymous: 'refused' | 'login-redirect' | 'hidden';
  /** Where the guarded form reads the key: a header, as `Bearer <key>` or bare, or a cookie of that name in `Cookie`. */
  credential: { header: string; scheme?: 'Bearer'; cookie?: string };
  /** The guarded form's key (deterministic per app, never a placeholder, with letters whose case can be changed). */
  key: string;
  /** The rule the open form's scan must fail. */
  openRule: RuleId;
  /** A request template (the CLI's `--request`) the scan needs to reach the model at all. */
  request?: string;
  /** The guarded form is also scanned with its key. */
  scanWithKey: boolean;
  /** The guarded form also takes the key from `?key=`: a deliberately weak variant that a scan with the key must catch. */
  weakQueryKey: boolean;
  /** The proxy in front of the app, if any. */
  front?: Front;
  /** Reached over https only, with a self-signed certificate: the scan needs its CA or `insecure`. */
  selfSignedTls: boolean;
  sample: Sample;
  /**
   * For an app whose open form leaks through another route than the one the user types: a request to the typed route, which
   * the open form still guards (so the rule to fail is auth.alternate-path, not auth.missing).
   */
  typedRoute?: Sample;
  start(form: Form): Promise<Launched>;
  /** The guarded form with ZOO_API_KEY unset: its server must refuse to start. */
  startWithoutKey(): Promise<Launched>;
}

interface Entry {
  name: string;
  framework: Framework;
  shape: string;
  hard: string;
  /** Path of the URL a user would type ('/' when they type only the server's address). */
  url: string;
  front?: Front;
  credential: ZooApp['credential'];
  anonymous?: ZooApp['anonymous'];
  openRule?: RuleId;
  request?: string;
  scanWithKey?: boolean;
  weakQueryKey?: boolean;
  /** The open form keeps the guard configured (its hole is elsewhere), so it needs the key too. */
  openKeepsKey?: boolean;
  sample: Sample;
  typedRoute?: Sample;
}

const RUNNER: Record<Framework, Runner> = {
  FastAPI: 'uvicorn',
  Flask: 'flask',
  Express: 'node',
  'node:http': 'node',
  Django: 'django',
  'http.server': 'python',
};

function keyFor(name: string): string {
  const hex = createHash('sha256').update(`gatecrash zoo ${name}`).digest('hex');
  return `zk_${hex.slice(0, 16)}${hex.slice(16, 32).toUpperCase()}`;
}

function app(e: Entry): ZooApp {
  const key = keyFor(e.name);
  return {
    name: e.name,
    framework: e.framework,
    shape: e.shape,
    urlPath: e.url,
    hard: e.hard,
    anonymous: e.anonymous ?? 'refused',
    credential: e.credential,
    key,
    openRule: e.openRule ?? 'auth.missing',
    ...(e.request ? { request: e.request } : {}),
    scanWithKey: e.scanWithKey ?? false,
    weakQueryKey: e.weakQueryKey ?? false,
    ...(e.front ? { front: e.front } : {}),
    selfSignedTls: e.front?.kind === 'nginx-tls',
    sample: e.sample,
    ...(e.typedRoute ? { typedRoute: e.typedRoute } : {}),
    start: (form) => start(form === 'open' ? { ZOO_FORM: 'open', ...(e.openKeepsKey ? { ZOO_API_KEY: key } : {}) } : { ZOO_API_KEY: key }),
    startWithoutKey: () => start({}),
  };
  function start(env: Record<string, string>): Promise<Launched> {
    return launch({ app: e.name, runner: RUNNER[e.framework], path: e.url, ...(e.front ? { front: e.front } : {}), env });
  }
}

/** The headers a client sends to be let in by the guarded form. */
export function keyHeaders(a: ZooApp, key: string = a.key): Record<string, string> {
  return { [a.credential.header]: credentialValue(a, key) };
}

/** `key` the way the guarded form reads it from its header: `Bearer <key>`, `<cookie>=<key>`, or bare. */
export function credentialValue(a: ZooApp, key: string): string {
  if (a.credential.scheme) return `${a.credential.scheme} ${key}`;
  return a.credential.cookie ? `${a.credential.cookie}=${key}` : key;
}

const json = (body: unknown) => JSON.stringify(body);
const X_API_KEY = { header: 'X-API-Key' };
const BEARER = { header: 'Authorization', scheme: 'Bearer' as const };

export const ZOO: ZooApp[] = [
  // ---------- FastAPI (uvicorn) ----------
  app({
    name: 'fastapi-prompt',
    framework: 'FastAPI',
    shape: 'POST /generate {prompt, max_tokens} → {response}',
    hard: 'the plain case: a JSON `prompt`, pydantic 422s, the key declared in OpenAPI',
    url: '/generate',
    credential: X_API_KEY,
    scanWithKey: true,
    sample: { method: 'POST', path: '/generate', body: json({ prompt: PROMPT, max_tokens: 2 }), words: 2 },
  }),
  app({
    name: 'fastapi-chat',
    framework: 'FastAPI',
    shape: 'POST /api/chat {messages[], max_tokens} → {reply}',
    hard: 'only the server address is given; chat messages with a role enum; Bearer via HTTPBearer on a router',
    url: '/',
    credential: BEARER,
    sample: { method: 'POST', path: '/api/chat', body: json({ messages: [{ role: 'user', content: PROMPT }], max_tokens: 2 }), words: 2 },
  }),
  app({
    name: 'fastapi-enum-model',
    framework: 'FastAPI',
    shape: 'POST /v1/generate {model ∈ {zoo-mini, zoo-large}, prompt, max_new_tokens} → {completion}',
    hard: 'a required enum field: any other model name is a 422 listing the permitted values',
    url: '/v1/generate',
    credential: X_API_KEY,
    sample: { method: 'POST', path: '/v1/generate', body: json({ model: 'zoo-mini', prompt: PROMPT, max_new_tokens: 2 }), words: 2 },
  }),
  app({
    name: 'fastapi-nested',
    framework: 'FastAPI',
    shape: 'POST /infer {input: {text, max_length}} → {result: {outputs: [{text}]}}',
    hard: 'nested request and answer; no OpenAPI, so the shape is learnt from two 422s (`body.input`, then `body.input.text`)',
    url: '/infer',
    credential: X_API_KEY,
    sample: { method: 'POST', path: '/infer', body: json({ input: { text: PROMPT, max_length: 2 } }), words: 2 },
  }),
  app({
    name: 'fastapi-sse',
    framework: 'FastAPI',
    shape: 'POST /chat/stream {message, max_tokens} → SSE data: {"token"} … data: [DONE]',
    hard: 'the answer is a text/event-stream of JSON tokens',
    url: '/chat/stream',
    credential: X_API_KEY,
    sample: { method: 'POST', path: '/chat/stream', body: json({ message: PROMPT, max_tokens: 2 }), words: 2 },
  }),
  app({
    name: 'fastapi-min-tokens',
    framework: 'FastAPI',
    shape: 'POST /complete {prompt, max_tokens ≥ 16} → {output}',
    hard: 'a one-token request is a 422 ("greater than or equal to 16"): the scan must ask for 16',
    url: '/complete',
    credential: BEARER,
    sample: { method: 'POST', path: '/complete', body: json({ prompt: PROMPT, max_tokens: 16 }), words: 7 },
  }),
  app({
    name: 'fastapi-get-query',
    framework: 'FastAPI',
    shape: 'GET /generate?prompt=…&max_tokens=… → {generated_text}',
    hard: 'GET only (POST is a 405); the prompt is a query parameter',
    url: '/generate',
    credential: X_API_KEY,
    sample: { method: 'GET', path: `/generate?prompt=${QUERY_PROMPT}&max_tokens=2`, words: 2 },
  }),
  app({
    name: 'fastapi-text-plain',
    framework: 'FastAPI',
    shape: 'POST /predict (text/plain prompt, ?max_new_tokens=) → text/plain',
    hard: 'plain text both ways, the limit in the query; no OpenAPI',
    url: '/predict',
    credential: BEARER,
    sample: { method: 'POST', path: '/predict?max_new_tokens=2', body: PROMPT, type: 'text/plain', words: 2 },
  }),
  app({
    name: 'fastapi-extra-field',
    framework: 'FastAPI',
    shape: 'POST /api/v1/ask {question, user_id (required), max_tokens} → {answer}',
    hard: 'a required field besides the prompt; the key travels in X-Token (declared in OpenAPI)',
    url: '/api/v1/ask',
    credential: { header: 'X-Token' },
    scanWithKey: true,
    sample: { method: 'POST', path: '/api/v1/ask', body: json({ question: PROMPT, user_id: 'u-1', max_tokens: 2 }), words: 2 },
  }),
  app({
    name: 'fastapi-template-only',
    framework: 'FastAPI',
    shape: 'PUT /jobs/run {task: {instruction}} → {id, status, output}',
    hard: 'reachable only with a request template: no OpenAPI, every bad request (and every unknown path) a terse 400 `{"error":"bad request"}`',
    url: '/',
    credential: BEARER,
    request: 'PUT /jobs/run {"task": {"instruction": "{{prompt}}"}}',
    sample: { method: 'PUT', path: '/jobs/run', body: json({ task: { instruction: PROMPT } }), words: 7 },
  }),

  app({
    name: 'fastapi-langserve',
    framework: 'FastAPI',
    shape: 'POST /chain/invoke {input: {question}, config, kwargs} → {output: {content}, metadata}',
    hard: 'LangServe style: the prompt nested under `input`, no token limit at all, the answer an object under `output`',
    url: '/chain/invoke',
    credential: X_API_KEY,
    sample: { method: 'POST', path: '/chain/invoke', body: json({ input: { question: PROMPT } }), words: 7 },
  }),
  app({
    name: 'fastapi-azure-deployment',
    framework: 'FastAPI',
    shape: 'POST /openai/deployments/{deployment}/chat/completions?api-version=… {messages[], max_tokens} → {choices: [{message: {content}}]}',
    hard: 'a required query parameter (`api-version`, unknown to the user) beside a JSON body; the key in an `api-key` header',
    url: '/openai/deployments/zoo-gpt/chat/completions',
    credential: { header: 'api-key' },
    sample: {
      method: 'POST',
      path: '/openai/deployments/zoo-gpt/chat/completions?api-version=2024-02-01',
      body: json({ messages: [{ role: 'user', content: PROMPT }], max_tokens: 2 }),
      words: 2,
    },
  }),
  app({
    name: 'fastapi-router-alias',
    framework: 'FastAPI',
    shape: 'POST /api/v2/completions {userQuery, maxLen (1..64)} → {data: {completionText}, requestId}',
    hard: 'only the server address is given; an APIRouter prefix, camelCase pydantic aliases, a limit named `maxLen`',
    url: '/',
    credential: X_API_KEY,
    scanWithKey: true,
    sample: { method: 'POST', path: '/api/v2/completions', body: json({ userQuery: PROMPT, maxLen: 2 }), words: 2 },
  }),

  // ---------- Flask (its own server) ----------
  app({
    name: 'flask-prompt-abort',
    framework: 'Flask',
    shape: 'POST /api/complete {prompt, max_tokens} → {completion}',
    hard: 'a body without `prompt` is `abort(400)`: an HTML page that names no field in JSON',
    url: '/api/complete',
    credential: BEARER,
    scanWithKey: true,
    sample: { method: 'POST', path: '/api/complete', body: json({ prompt: PROMPT, max_tokens: 2 }), words: 2 },
  }),
  app({
    name: 'flask-ask-get',
    framework: 'Flask',
    shape: 'GET /ask?q=…&n=… → {answer}',
    hard: 'GET only, the prompt in `q` and the limit in `n`; 400 {"error": "q is required"}',
    url: '/ask',
    credential: X_API_KEY,
    sample: { method: 'GET', path: `/ask?q=${QUERY_PROMPT}&n=2`, words: 2 },
  }),
  app({
    name: 'flask-form',
    framework: 'Flask',
    shape: 'POST /predict (form: prompt, max_length) → {result}',
    hard: 'only the server address is given; a form-encoded body; 400 {"error": "prompt is required"}',
    url: '/',
    credential: X_API_KEY,
    sample: { method: 'POST', path: '/predict', body: `prompt=${QUERY_PROMPT}&max_length=2`, type: 'application/x-www-form-urlencoded', words: 2 },
  }),
  app({
    name: 'flask-login',
    framework: 'Flask',
    shape: 'POST /chat {message, max_tokens} → {reply}',
    hard: 'the guarded form redirects (302) a visitor without a session to an HTML login form instead of answering 401',
    url: '/chat',
    credential: X_API_KEY,
    anonymous: 'login-redirect',
    sample: { method: 'POST', path: '/chat', body: json({ message: PROMPT, max_tokens: 2 }), words: 2 },
  }),
  app({
    name: 'flask-nginx-prefix',
    framework: 'Flask',
    shape: 'POST /llm/api/v1/generate {inputs, parameters: {max_new_tokens}} → [{generated_text}]',
    hard: 'behind nginx, which adds the /llm/ prefix; an answer that is an array',
    url: '/llm/api/v1/generate',
    front: { kind: 'nginx-prefix', prefix: '/llm/' },
    credential: BEARER,
    sample: { method: 'POST', path: '/llm/api/v1/generate', body: json({ inputs: PROMPT, parameters: { max_new_tokens: 2 } }), words: 2 },
  }),
  app({
    name: 'flask-ndjson',
    framework: 'Flask',
    shape: 'POST /api/generate {input, max_tokens} → NDJSON {"text"}… {"done": true}',
    hard: 'only the server address is given; a streamed application/x-ndjson answer; 422 {"error": "input is required"}',
    url: '/',
    credential: X_API_KEY,
    sample: { method: 'POST', path: '/api/generate', body: json({ input: PROMPT, max_tokens: 2 }), words: 2 },
  }),
  app({
    name: 'flask-plain-answer',
    framework: 'Flask',
    shape: 'POST /generate {text, max_words} → text/plain',
    hard: 'only the server address is given; the answer is bare text/plain',
    url: '/',
    credential: BEARER,
    sample: { method: 'POST', path: '/generate', body: json({ text: PROMPT, max_words: 2 }), words: 2 },
  }),
  app({
    name: 'flask-data-text',
    framework: 'Flask',
    shape: 'POST /v1/query {query, limit} → {data: {text}}',
    hard: 'a nested answer; errors as {"status": "error", "message": "missing field: query"}',
    url: '/v1/query',
    credential: X_API_KEY,
    sample: { method: 'POST', path: '/v1/query', body: json({ query: PROMPT, limit: 2 }), words: 2 },
  }),

  app({
    name: 'flask-gradio-data',
    framework: 'Flask',
    shape: 'POST /api/predict {data: [prompt, max_new_tokens]} → {data: [text], duration}',
    hard: 'Gradio style: positional inputs in a `data` list, the answer a list too; a body without `data` is a bare 500 page',
    url: '/api/predict',
    credential: BEARER,
    request: 'POST /api/predict {"data": ["{{prompt}}", {{max_tokens}}], "fn_index": 0}',
    sample: { method: 'POST', path: '/api/predict', body: json({ data: [PROMPT, 2], fn_index: 0 }), words: 2 },
  }),
  app({
    name: 'flask-200-error',
    framework: 'Flask',
    shape: 'POST /chat {utterance, max_tokens} → {ok, reply}',
    hard: 'bad input is a 200 too: {"ok": false, "error": "utterance is required"}; the prompt field is no usual name',
    url: '/chat',
    credential: X_API_KEY,
    sample: { method: 'POST', path: '/chat', body: json({ utterance: PROMPT, max_tokens: 2 }), words: 2 },
  }),
  app({
    name: 'flask-multipart',
    framework: 'Flask',
    shape: 'POST /generate (multipart/form-data: prompt, max_tokens) → {output}',
    hard: 'multipart only: JSON, url-encoded forms and text are a 415 "Content-Type must be multipart/form-data"; abort(401) HTML',
    url: '/generate',
    credential: X_API_KEY,
    sample: {
      method: 'POST',
      path: '/generate',
      body:
        `--zoo\r\nContent-Disposition: form-data; ` +
        `name="prompt"\r\n\r\n${PROMPT}\r\n--zoo\r\nContent-Disposition: form-data; ` +
        `name="max_tokens"\r\n\r\n2\r\n--zoo--\r\n`,
      type: 'multipart/form-data; boundary=zoo',
      words: 2,
    },
  }),
  app({
    name: 'flask-blueprint-prefix',
    framework: 'Flask',
    shape: 'POST /api/v1/llm/generate {prompt, max_tokens} → {choices: [{text}]}',
    hard: "the URL given is the blueprint's url_prefix, /api/v1/llm, without a trailing slash: nothing is routed there itself",
    url: '/api/v1/llm',
    credential: BEARER,
    sample: { method: 'POST', path: '/api/v1/llm/generate', body: json({ prompt: PROMPT, max_tokens: 2 }), words: 2 },
  }),

  // ---------- Express ----------
  app({
    name: 'express-route-before-auth',
    framework: 'Express',
    shape: 'POST /api/chat {message} → {reply}; POST /generate {prompt} → {result}',
    hard: 'the scanned route is guarded; the open form registers POST /generate before app.use(auth), so only another route leaks',
    url: '/api/chat',
    credential: X_API_KEY,
    openRule: 'auth.alternate-path',
    openKeepsKey: true,
    sample: { method: 'POST', path: '/generate', body: json({ prompt: PROMPT, max_tokens: 2 }), words: 2 },
    typedRoute: { method: 'POST', path: '/api/chat', body: json({ message: PROMPT, max_tokens: 2 }), words: 2 },
  }),
  app({
    name: 'express-validator',
    framework: 'Express',
    shape: 'POST /api/generate {prompt, maxTokens (8..512)} → {completion}',
    hard: 'express-validator errors ({"errors": [{"path", "msg", "location"}]}); a camelCase limit with a minimum of 8',
    url: '/api/generate',
    credential: BEARER,
    scanWithKey: true,
    sample: { method: 'POST', path: '/api/generate', body: json({ prompt: PROMPT, maxTokens: 8 }), words: 7 },
  }),
  app({
    name: 'express-zod',
    framework: 'Express',
    shape: 'POST /v1/generate {input, max_output_tokens} → {output}',
    hard: 'only the server address is given; zod issues ({"issues": [{"path": ["input"], "message": "Required"}]})',
    url: '/',
    credential: X_API_KEY,
    sample: { method: 'POST', path: '/v1/generate', body: json({ input: PROMPT, max_output_tokens: 2 }), words: 2 },
  }),
  app({
    name: 'express-joi',
    framework: 'Express',
    shape: 'POST /chat {question, max_tokens} → {answer}',
    hard: 'Joi errors ("\\"question\\" is required"); unknown body keys are refused',
    url: '/chat',
    credential: BEARER,
    sample: { method: 'POST', path: '/chat', body: json({ question: PROMPT, max_tokens: 2 }), words: 2 },
  }),
  app({
    name: 'express-sse-text',
    framework: 'Express',
    shape: 'POST /stream {messages[], max_tokens} → SSE data: <text> … data: [DONE]',
    hard: 'server-sent events whose data is bare text, not JSON',
    url: '/stream',
    credential: X_API_KEY,
    sample: { method: 'POST', path: '/stream', body: json({ messages: [{ role: 'user', content: PROMPT }], max_tokens: 2 }), words: 2 },
  }),
  app({
    name: 'express-query-key',
    framework: 'Express',
    shape: 'POST /generate {prompt, max_tokens} → {text}',
    hard: 'deliberately weak guard: also takes the key from ?key=, so a scan with the key must report auth.weak-key-handling',
    url: '/generate',
    credential: X_API_KEY,
    scanWithKey: true,
    weakQueryKey: true,
    sample: { method: 'POST', path: '/generate', body: json({ prompt: PROMPT, max_tokens: 2 }), words: 2 },
  }),
  app({
    name: 'express-caddy',
    framework: 'Express',
    shape: 'POST /infer {query, max_tokens} → {result}',
    hard: 'served through Caddy (reverse_proxy); 422 {"error": "query must be a non-empty string"}',
    url: '/infer',
    front: { kind: 'caddy' },
    credential: BEARER,
    sample: { method: 'POST', path: '/infer', body: json({ query: PROMPT, max_tokens: 2 }), words: 2 },
  }),

  app({
    name: 'express-root-post',
    framework: 'Express',
    shape: 'POST / {prompt, max_tokens} → {completion, model}',
    hard: 'the only route is the root itself (GET / is a 404); the guard answers a 403 HTML page copied from nginx',
    url: '/',
    credential: X_API_KEY,
    sample: { method: 'POST', path: '/', body: json({ prompt: PROMPT, max_tokens: 2 }), words: 2 },
  }),
  app({
    name: 'express-mounted-router',
    framework: 'Express',
    shape: 'POST /llm/generate {prompt, max_tokens} → {data: {generation}, meta}',
    hard: "app.use('/llm', router): the URL given is the mount point /llm, where nothing is routed",
    url: '/llm',
    credential: BEARER,
    sample: { method: 'POST', path: '/llm/generate', body: json({ prompt: PROMPT, max_tokens: 2 }), words: 2 },
  }),
  app({
    name: 'express-bare-500',
    framework: 'Express',
    shape: 'POST /api/complete {userPrompt, maxTokens} → {text}',
    hard: "no validation: a body without `userPrompt` is a TypeError, Express's default 500 page; reachable only with a request template",
    url: '/api/complete',
    credential: X_API_KEY,
    request: 'POST /api/complete {"userPrompt": "{{prompt}}", "maxTokens": {{max_tokens}}}',
    sample: { method: 'POST', path: '/api/complete', body: json({ userPrompt: PROMPT, maxTokens: 2 }), words: 2 },
  }),
  app({
    name: 'express-hidden-404',
    framework: 'Express',
    shape: 'POST /v1/chat {messages[], max_tokens} → {message: {role, content}, done}',
    hard: 'the guarded form hides the route: no key (or a wrong one) gets the 404 "Cannot POST /v1/chat" of an unknown path',
    url: '/v1/chat',
    credential: X_API_KEY,
    anonymous: 'hidden',
    sample: { method: 'POST', path: '/v1/chat', body: json({ messages: [{ role: 'user', content: PROMPT }], max_tokens: 2 }), words: 2 },
  }),

  // ---------- plain node:http ----------
  app({
    name: 'node-input-options',
    framework: 'node:http',
    shape: 'POST /api/v1/infer {input, options: {max_tokens}} → {result}',
    hard: 'the limit nested in `options`; 400 {"error": "input is required"}',
    url: '/api/v1/infer',
    credential: X_API_KEY,
    scanWithKey: true,
    sample: { method: 'POST', path: '/api/v1/infer', body: json({ input: PROMPT, options: { max_tokens: 2 } }), words: 2 },
  }),
  app({
    name: 'node-ndjson-chat',
    framework: 'node:http',
    shape: 'POST /api/chat {messages[], max_tokens} → NDJSON {"delta"}… {"done": true}',
    hard: 'only the server address is given; a streamed NDJSON answer of deltas',
    url: '/',
    credential: BEARER,
    sample: { method: 'POST', path: '/api/chat', body: json({ messages: [{ role: 'user', content: PROMPT }], max_tokens: 2 }), words: 2 },
  }),
  app({
    name: 'node-completion',
    framework: 'node:http',
    shape: 'POST /completion {prompt, n_predict} → {content}',
    hard: 'only the server address is given; errors are text/plain',
    url: '/',
    credential: X_API_KEY,
    sample: { method: 'POST', path: '/completion', body: json({ prompt: PROMPT, n_predict: 2 }), words: 2 },
  }),
  app({
    name: 'node-tls',
    framework: 'node:http',
    shape: 'POST /generate {prompt, max_tokens} → {response}',
    hard: 'https only, behind nginx with a self-signed certificate: the scan needs the CA (or insecure)',
    url: '/generate',
    front: { kind: 'nginx-tls' },
    credential: BEARER,
    sample: { method: 'POST', path: '/generate', body: json({ prompt: PROMPT, max_tokens: 2 }), words: 2 },
  }),
  app({
    name: 'node-get-chat',
    framework: 'node:http',
    shape: 'GET /chat?message=…&max_tokens=… → {reply}',
    hard: 'GET only; the prompt in `message` of the query string',
    url: '/chat',
    credential: X_API_KEY,
    sample: { method: 'GET', path: `/chat?message=${QUERY_PROMPT}&max_tokens=2`, words: 2 },
  }),

  app({
    name: 'node-chunked-text',
    framework: 'node:http',
    shape: 'POST /v1/stream {prompt, max_tokens} → chunked text, no Content-Type',
    hard: 'tokens written one by one with res.write(): chunked, no SSE framing, no Content-Type header at all',
    url: '/v1/stream',
    credential: BEARER,
    sample: { method: 'POST', path: '/v1/stream', body: json({ prompt: PROMPT, max_tokens: 2 }), words: 2 },
  }),
  app({
    name: 'node-engines',
    framework: 'node:http',
    shape: 'POST /v1/engines/{engine}/completions {prompt, max_tokens} → {choices: [{text}]}',
    hard: "the old OpenAI engines route, the engine in the path; errors in OpenAI's envelope",
    url: '/v1/engines/zoo-davinci/completions',
    credential: BEARER,
    sample: { method: 'POST', path: '/v1/engines/zoo-davinci/completions', body: json({ prompt: PROMPT, max_tokens: 2 }), words: 2 },
  }),
  app({
    name: 'node-cloudflare-envelope',
    framework: 'node:http',
    shape: 'POST /ai/run/@cf/zoo/mini {prompt, max_tokens} → {result: {response}, success, errors: [], messages: []}',
    hard: 'every answer carries an `errors` list, empty on success; an `@` in the path',
    url: '/ai/run/@cf/zoo/mini',
    credential: BEARER,
    sample: { method: 'POST', path: '/ai/run/@cf/zoo/mini', body: json({ prompt: PROMPT, max_tokens: 2 }), words: 2 },
  }),

  // ---------- Django (runserver) ----------
  app({
    name: 'django-ask',
    framework: 'Django',
    shape: 'POST /api/ask/ {question, max_tokens} → {answer}',
    hard: 'a trailing slash (POST /api/ask is a 301); the guard is Django middleware',
    url: '/api/ask/',
    credential: X_API_KEY,
    scanWithKey: true,
    sample: { method: 'POST', path: '/api/ask/', body: json({ question: PROMPT, max_tokens: 2 }), words: 2 },
  }),
  app({
    name: 'django-login',
    framework: 'Django',
    shape: 'POST /chat/ {message, max_tokens} → {reply}',
    hard: 'the guarded form is @login_required: a 302 to /accounts/login/ (an HTML form) for a visitor without a session',
    url: '/chat/',
    credential: X_API_KEY,
    anonymous: 'login-redirect',
    sample: { method: 'POST', path: '/chat/', body: json({ message: PROMPT, max_tokens: 2 }), words: 2 },
  }),
  app({
    name: 'django-form',
    framework: 'Django',
    shape: 'POST /generate/ (form: prompt, max_length) → {generated_text}',
    hard: 'a form-encoded body validated by a Django Form ({"errors": {"prompt": [{"message": "This field is required."}]}})',
    url: '/generate/',
    credential: BEARER,
    sample: { method: 'POST', path: '/generate/', body: `prompt=${QUERY_PROMPT}&max_length=2`, type: 'application/x-www-form-urlencoded', words: 2 },
  }),
  // ---------- Python's standard library (http.server) ----------
  app({
    name: 'pyhttp-vertex',
    framework: 'http.server',
    shape: 'POST /v1/models/zoo:predict {instances: [{prompt}], parameters: {maxOutputTokens}} → {predictions: [text]}',
    hard: 'Vertex style: the prompt in a list of instances, the answer a list of strings; errors are send_error HTML pages naming nothing',
    url: '/v1/models/zoo:predict',
    credential: X_API_KEY,
    request: 'POST /v1/models/zoo:predict {"instances": [{"prompt": "{{prompt}}"}], "parameters": {"maxOutputTokens": {{max_tokens}}}}',
    sample: { method: 'POST', path: '/v1/models/zoo:predict', body: json({ instances: [{ prompt: PROMPT }], parameters: { maxOutputTokens: 2 } }), words: 2 },
  }),
  app({
    name: 'pyhttp-cookie',
    framework: 'http.server',
    shape: 'POST /ask {question, max_tokens} → {answer}',
    hard: 'the key travels in a cookie (`zoo_session`), as a browser front-end sets it',
    url: '/ask',
    credential: { header: 'Cookie', cookie: 'zoo_session' },
    scanWithKey: true,
    sample: { method: 'POST', path: '/ask', body: json({ question: PROMPT, max_tokens: 2 }), words: 2 },
  }),
  app({
    name: 'pyhttp-root-text',
    framework: 'http.server',
    shape: 'POST / (the raw body is the prompt) → text/plain',
    hard: "only the server address is given and the route is the root; no do_GET (any GET is http.server's 501); no limit",
    url: '/',
    credential: BEARER,
    sample: { method: 'POST', path: '/', body: PROMPT, type: 'text/plain', words: 7 },
  }),
];

export const FRAMEWORKS: Framework[] = ['FastAPI', 'Flask', 'Express', 'node:http', 'Django', 'http.server'];
