// LiteLLM proxy (`litellm --config …`), port 4000: FastAPI with a per-route `user_api_key_auth` dependency.
// Wire facts: docs/servers/litellm.md. Being a per-route dependency, auth runs after routing:
// an unknown path is a 404 and a wrong method a 405 even with a master key set.
import { createHash, randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import {
  answerOpenAI,
  body,
  fastapiMethodNotAllowed,
  fastapiNotFound,
  header,
  matchRoute,
  mistralText,
  openaiLimit,
  type RouteDef,
  sendRaw,
  starletteCors,
  starletteUrlPath,
  TEST_KEY,
} from './emulator-kit.js';
import { type EmulatorRequest, type RunningTarget, sendJson, startTarget } from './harness.js';

export interface LitellmOptions {
  /** `general_settings.master_key`. Unset = every request is allowed, whatever key it carries. */
  masterKey?: string;
  /** Reported in `x-litellm-version` and /health/readiness (default 1.84.0, the first without CVE-2026-49468). */
  version?: string;
  /** CVE-2026-49468 (before 1.84): the public-route check reads a path rebuilt with the Host header. */
  hostHeaderBug?: boolean;
  /** Model names the router knows (default one Mistral deployment). */
  models?: string[];
  /** Prometheus callback on (default true): /metrics answers without a key. */
  metrics?: boolean;
  /** Prompts of other users already in the spend logs (`store_prompts_in_spend_logs: true`). */
  spendLogPrompts?: string[];
}

export const OPEN: LitellmOptions = {};
export const KEYED: LitellmOptions = { masterKey: TEST_KEY };
/** A master key set, but a version with the Host-header bypass. */
export const KEYED_VULNERABLE: LitellmOptions = { masterKey: TEST_KEY, version: '1.83.0', hostHeaderBug: true };

/** Exact 401 of LiteLLM with no key (docs/servers/litellm.md): `code` is the string "401", `param` the string "None". */
export const NO_KEY_BODY = {
  error: { message: 'Authentication Error, No api key passed in.', type: 'auth_error', param: 'None', code: '401' },
};

const PUBLIC_ROUTES = new Set(['/', '/routes', '/health/liveliness', '/health/readiness', '/test', '/metrics']);

interface LlRoute extends RouteDef {
  /** Public routes carry no auth dependency. */
  open?: boolean;
  run(req: EmulatorRequest, res: ServerResponse): void;
}

/**
 * The key LiteLLM reads (get_api_key): the first header present, in this order. Only `Authorization` has its
 * prefix stripped (`Bearer `, `Basic `, `bearer `); any other Authorization value counts as no key at all.
 */
function passedKey(req: EmulatorRequest): string {
  const authz = header(req, 'authorization');
  if (authz) {
    for (const p of ['Bearer ', 'Basic ', 'bearer ']) if (authz.startsWith(p)) return authz.split(p).join('');
    return '';
  }
  for (const h of ['api-key', 'x-api-key', 'x-goog-api-key', 'ocp-apim-subscription-key']) {
    const v = header(req, h);
    if (v) return v;
  }
  return '';
}

export async function startLitellm(options: LitellmOptions = {}): Promise<RunningTarget> {
  const o: LitellmOptions = { metrics: true, ...options };
  const version = o.version ?? '1.84.0';
  const models = o.models ?? ['mistral-7b-instruct'];
  const spendLogs: Record<string, unknown>[] = (o.spendLogPrompts ?? ['Draft a reply to the Q3 board minutes for Alice']).map((prompt, i) => ({
    request_id: `chatcmpl-logged-${i + 1}`,
    call_type: 'acompletion',
    api_key: createHash('sha256').update(`sk-other-user-${i}`).digest('hex'),
    spend: 0.00021,
    total_tokens: 42,
    startTime: '2025-01-01T10:00:00Z',
    endTime: '2025-01-01T10:00:01Z',
    model: models[0],
    user: 'alice@example.com',
    messages: [{ role: 'user', content: prompt }],
    response: { choices: [{ message: { role: 'assistant', content: 'Sure, here is a draft.' } }] },
  }));

  /** null when allowed, else the 401 body. */
  const refuse = (req: EmulatorRequest): unknown => {
    // With the bug, a Host like `x/health/liveliness?` makes any route look public.
    if (o.hostHeaderBug && PUBLIC_ROUTES.has(starletteUrlPath(req))) return null;
    if (!o.masterKey) return null; // no master key: fully open
    const key = passedKey(req);
    if (key === o.masterKey) return null; // constant-time upstream
    if (key === '') return NO_KEY_BODY;
    // Assumption: the message for a wrong key; only the no-key message is documented.
    return {
      error: {
        message: 'Authentication Error, Invalid proxy server token passed. Unable to find token in cache or `LiteLLM_VerificationTokenTable`',
        type: 'auth_error',
        param: 'None',
        code: '401',
      },
    };
  };

  const chat = (kind: 'chat' | 'completion') => (req: EmulatorRequest, res: ServerResponse) => {
    const b = body(req);
    if (req.jsonError || typeof b.model !== 'string' || !models.includes(b.model)) {
      // The router only serves deployments it knows (from LiteLLM's source; message abridged).
      return sendJson(res, 400, {
        error: {
          message: `Invalid model name passed in model=${String(b.model ?? 'None')}. Call \`/v1/models\` to view available models for your key.`,
          type: 'None',
          param: 'None',
          code: '400',
        },
      });
    }
    const prompt = kind === 'chat' ? b.messages : b.prompt;
    spendLogs.push({
      request_id: `chatcmpl-${spendLogs.length + 1}`,
      call_type: kind === 'chat' ? 'acompletion' : 'atext_completion',
      spend: 0,
      model: b.model,
      messages: prompt,
      response: { content: mistralText(openaiLimit(b, 256)) },
    });
    answerOpenAI(req, res, kind, {
      model: b.model,
      maxTokens: openaiLimit(b, 256), // assumption: the upstream default; LiteLLM forwards whatever was asked
      extra: { system_fingerprint: null },
      headers: {
        'x-litellm-call-id': randomUUID(),
        'x-litellm-model-id': createHash('sha256').update(b.model).digest('hex'),
        'x-litellm-response-cost': '0.0',
        'x-litellm-version': version,
      },
    });
  };

  const json = (value: unknown) => (_q: EmulatorRequest, res: ServerResponse) => sendJson(res, 200, value);
  const modelList = json({ data: models.map((id) => ({ id, object: 'model', created: 1677610602, owned_by: 'openai' })), object: 'list' });
  const html = (title: string) => (_q: EmulatorRequest, res: ServerResponse) =>
    sendRaw(res, 200, `<!DOCTYPE html><html><head><title>${title}</title></head><body><div id="swagger-ui"></div></body></html>`, {
      'content-type': 'text/html; charset=utf-8',
    });

  const routes: LlRoute[] = [
    // `/` is LiteLLM's Swagger UI (docs_url="/").
    { methods: ['GET'], path: '/', open: true, run: html('LiteLLM API - Swagger UI') },
    {
      methods: ['GET'],
      path: '/openapi.json',
      open: true,
      run: json({ openapi: '3.1.0', info: { title: 'LiteLLM API', version }, paths: { '/chat/completions': {}, '/key/generate': {} } }),
    },
    {
      methods: ['GET'],
      path: '/routes',
      open: true,
      run: (_q, res) => sendJson(res, 200, { routes: routes.map((r) => ({ path: String(r.path), methods: r.methods })) }),
    },
    { methods: ['GET'], path: '/health/liveliness', open: true, run: json("I'm alive!") },
    {
      methods: ['GET'],
      path: '/health/readiness',
      open: true,
      run: json({ status: 'healthy', db: 'connected', cache: null, litellm_version: version, success_callbacks: [] }),
    },
    { methods: ['GET'], path: '/test', open: true, run: (req, res) => sendJson(res, 200, { route: starletteUrlPath(req) }) },
    {
      methods: ['GET'],
      path: '/metrics',
      open: true,
      run: (_q, res) => {
        if (!o.metrics) return fastapiNotFound(res);
        sendRaw(
          res,
          200,
          `# HELP litellm_requests_metric_total Total LLM calls\n# TYPE litellm_requests_metric_total ` +
            `counter\nlitellm_requests_metric_total{model="${models[0]}"} 7.0\n`,
          {
            'content-type': 'text/plain; version=0.0.4; charset=utf-8',
          },
        );
      },
    },
    // The admin UI's static shell is served to anyone; login happens inside it.
    { methods: ['GET'], path: '/ui', open: true, run: html('LiteLLM Dashboard') },
    { methods: ['GET'], path: '/ui/', open: true, run: html('LiteLLM Dashboard') },
    { methods: ['POST'], path: '/chat/completions', run: chat('chat') },
    { methods: ['POST'], path: '/v1/chat/completions', run: chat('chat') },
    { methods: ['POST'], path: '/completions', run: chat('completion') },
    { methods: ['POST'], path: '/v1/completions', run: chat('completion') },
    { methods: ['GET'], path: '/models', run: modelList },
    { methods: ['GET'], path: '/v1/models', run: modelList },
    // Management (never to be called by a scanner): answered like a connected database would.
    { methods: ['POST'], path: '/key/generate', run: json({ key: 'sk-generated-by-emulator', expires: null }) },
    { methods: ['GET'], path: '/key/list', run: json({ keys: [createHash('sha256').update('sk-other-user-0').digest('hex')], total_count: 1 }) },
    { methods: ['GET'], path: '/key/info', run: json({ key: 'sk-...-0', info: { spend: 0.00021, models: [] } }) },
    { methods: ['POST'], path: '/key/delete', run: json({ deleted_keys: [] }) },
    { methods: ['POST'], path: '/key/update', run: json({ key: 'sk-...-0' }) },
    { methods: ['GET'], path: '/team/list', run: json([]) },
    { methods: ['POST'], path: '/team/new', run: json({ team_id: 'team-emulated' }) },
    { methods: ['POST'], path: '/team/update', run: json({ team_id: 'team-emulated' }) },
    { methods: ['POST'], path: '/team/delete', run: json({ deleted_teams: [] }) },
    { methods: ['POST'], path: '/user/new', run: json({ user_id: 'user-emulated', key: 'sk-generated-by-emulator' }) },
    { methods: ['POST'], path: '/model/new', run: json({ model_id: 'model-emulated' }) },
    // Deployment details: provider, upstream base URL.
    {
      methods: ['GET'],
      path: '/model/info',
      run: json({
        data: models.map((m) => ({
          model_name: m,
          litellm_params: { model: `openai/${m}`, api_base: 'http://10.0.0.12:8000/v1' },
          model_info: { id: createHash('sha256').update(m).digest('hex') },
        })),
      }),
    },
    // Spend logs keep the prompts: readable by whoever passes auth (anyone, when no master key is set).
    { methods: ['GET'], path: '/spend/logs', run: (_q, res) => sendJson(res, 200, spendLogs) },
  ];

  return startTarget(
    (req, res) => {
      if (starletteCors(req, res)) return;
      const m = matchRoute(routes, req.method, req.path);
      if (!m) return fastapiNotFound(res);
      if ('allow' in m) return fastapiMethodNotAllowed(res, m.allow);
      if (!m.route.open) {
        const refusal = refuse(req);
        if (refusal) return sendJson(res, 401, refusal);
      }
      m.route.run(req, res);
    },
    { serverHeader: 'uvicorn' },
  );
}
