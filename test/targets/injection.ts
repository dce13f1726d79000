// A hostile target aimed at whoever reads the report: an open vLLM-like server (so a scan finds plenty) whose every string is
// an injection attempt — markup and script in the model id, the version, headers, bodies, error pages, OpenAPI paths and
// metric labels; `javascript:` links, CSS escapes, a forged MCP Apps bridge message, bidi and terminal controls, and a
// 1 MB metrics body. Not a real product's behaviour: it exists to prove that a report shows all of it as text and runs none
// of it. Each attempt, if it ever ran, would set window.__gatecrashPwned to its id and post a bridge request to the host.
import type { ServerResponse } from 'node:http';
import { type RunningTarget, sendJson, sendText, startTarget } from './harness.js';

/** What a payload does if it runs: marks the window and asks the host (the MCP Apps bridge) to act. */
const RUN = (id: string) =>
  `window.__gatecrashPwned='${id}';top.__gatecrashPwned='${id}';parent.postMessage({jsonrpc:'2.0',id:9${id.length},method:'tools/call',params:{name:'scan_endpoint',arguments:{url:'http://169.254.169.254/latest/meta-data/'}}},'*')`;

/** Every attempt, by id: where a report may carry it, and what it tries. */
export const INJECTIONS = {
  'script-tag': `<script>${RUN('script-tag')}</script>`,
  'img-onerror': `<img src=x onerror="${RUN('img-onerror')}">`,
  'svg-onload': `<svg/onload="${RUN('svg-onload')}">`,
  'javascript-link': `<a href="javascript:${RUN('javascript-link')}">open the dashboard</a> javascript:alert(document.domain)`,
  'iframe-srcdoc': `<iframe srcdoc="<script>${RUN('iframe-srcdoc')}</script>"></iframe>`,
  'css-escape':
    `</style><style>*{background:url(https://evil.example/css)}body::after{content:"\\3c ` +
    `script\\3e"}</style><div style="width:expression(${RUN('css-escape')})">`,
  'data-block-break': `</script><script>${RUN('data-block-break')}</script><!--<script>`,
  'template-expression': `{{constructor.constructor("${RUN('template-expression')}")()}} \${${RUN('template-expression')}}`,
  'bridge-forgery': '{"jsonrpc":"2.0","id":77,"method":"ui/open-link","params":{"url":"https://evil.example/phish"}}',
  'meta-refresh': '<meta http-equiv="refresh" content="0;url=https://evil.example/refresh"><base href="https://evil.example/">',
  'bidi-terminal': 'admin\u202Eexe.txt\u202C \u001b[2J\u001b[31mPWNED\u001b[0m \u0007',
} as const;
export type InjectionId = keyof typeof INJECTIONS;

export const MODEL_ID = `${INJECTIONS['img-onerror']}mistral-7b`;
const ALL = Object.values(INJECTIONS).join(' ');
/** The metrics body: Prometheus text whose labels carry every attempt, to 1 MiB. */
export const BIG_BODY_BYTES = 1024 * 1024;

function metricsBody(): string {
  const head = `# HELP vllm:num_requests_running ${INJECTIONS['script-tag']}\n# TYPE vllm:num_requests_running gauge\n`;
  const line = (i: number) => `vllm:num_requests_running{model_name="${ALL.replace(/["}\n]/g, "'")}",n="${i}"} 1\n`;
  let body = head;
  for (let i = 0; body.length < BIG_BODY_BYTES; i++) body += line(i);
  return body.slice(0, BIG_BODY_BYTES);
}

const HEADERS: Record<string, string> = {
  server: `uvicorn ${INJECTIONS['script-tag']}`,
  'x-request-note': INJECTIONS['svg-onload'],
  'x-dashboard': INJECTIONS['javascript-link'],
  'x-style': INJECTIONS['css-escape'],
  'x-template': INJECTIONS['template-expression'],
  'x-refresh': INJECTIONS['meta-refresh'],
  'x-bridge': INJECTIONS['bridge-forgery'],
};

function openapi(): unknown {
  const op = (summary: string) => ({
    post: {
      summary,
      requestBody: { content: { 'application/json': { schema: { type: 'object', properties: { messages: { type: 'array' } } } } } },
      responses: { 200: { description: INJECTIONS['iframe-srcdoc'] } },
    },
  });
  return {
    openapi: '3.1.0',
    info: { title: INJECTIONS['meta-refresh'], version: INJECTIONS['template-expression'] },
    paths: {
      '/v1/chat/completions': op(INJECTIONS['script-tag']),
      '/v1/models': { get: { summary: INJECTIONS['img-onerror'], responses: { 200: { description: INJECTIONS['bridge-forgery'] } } } },
      [`/admin/<img src=x onerror="${RUN('path')}">`]: { get: { summary: 'x', responses: { 200: { description: 'x' } } } },
    },
  };
}

export async function startInjectionTarget(): Promise<RunningTarget> {
  const metrics = metricsBody();
  return startTarget((req, res: ServerResponse) => {
    for (const [k, v] of Object.entries(HEADERS)) res.setHeader(k, v);
    if (req.method === 'GET' && req.path === '/v1/models') {
      return sendJson(res, 200, {
        object: 'list',
        data: [{ id: MODEL_ID, object: 'model', created: 1, owned_by: 'vllm', root: INJECTIONS['data-block-break'], max_model_len: 4096 }],
      });
    }
    if (req.method === 'GET' && req.path === '/version') return sendJson(res, 200, { version: `0.29.0 ${INJECTIONS['svg-onload']}` });
    if (req.method === 'GET' && req.path === '/metrics') return sendText(res, 200, metrics, { 'content-type': 'text/plain; version=0.0.4' });
    if (req.method === 'GET' && req.path === '/openapi.json') return sendJson(res, 200, openapi());
    if (req.method === 'GET' && (req.path === '/docs' || req.path === '/')) {
      return sendText(res, 200, `<!doctype html><title>${INJECTIONS['script-tag']}</title>${ALL}`, { 'content-type': 'text/html' });
    }
    if (req.method === 'POST' && (req.path === '/v1/chat/completions' || req.path === '/v1/completions')) {
      if (req.jsonError !== undefined) {
        return sendText(res, 500, `Traceback (most recent call last):\n  File "/srv/${INJECTIONS['script-tag']}.py", line 1, in handler\nValueError: ${ALL}\n`);
      }
      req.markInference(1);
      const content = `${INJECTIONS['bridge-forgery']} ${INJECTIONS['img-onerror']} ${INJECTIONS['bidi-terminal']}`;
      return sendJson(res, 200, {
        id: 'chatcmpl-1',
        object: req.path === '/v1/completions' ? 'text_completion' : 'chat.completion',
        created: 1,
        model: MODEL_ID,
        choices: [
          req.path === '/v1/completions'
            ? { index: 0, text: content, finish_reason: 'length' }
            : { index: 0, message: { role: 'assistant', content }, finish_reason: 'length' },
        ],
        usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
      });
    }
    return sendJson(res, 404, { detail: `Not Found: ${INJECTIONS['template-expression']}` });
  });
}
