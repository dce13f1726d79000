// DEMO TARGET — deliberately vulnerable. A tiny Mistral-style inference API shaped like the tutorial wrapper (docs/tutorial-wrapper.md):
// POST /generate {"text": …} → {"generated": …}, no authentication, FastAPI's error shapes and docs routes.
// It listens on an ephemeral loopback port, in-process, so `gatecrash demo` needs nothing installed. Never expose it.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const OPENAPI = {
  openapi: '3.1.0',
  info: { title: 'Mistral demo (deliberately vulnerable)', version: '0.1.0' },
  paths: {
    '/generate': {
      post: {
        summary: 'Generate',
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Prompt' } } } },
        responses: { '200': { description: 'Successful Response' } },
      },
    },
  },
  components: { schemas: { Prompt: { title: 'Prompt', type: 'object', required: ['text'], properties: { text: { type: 'string', title: 'Text' } } } } },
};

function send(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    server: 'uvicorn',
    'content-type': typeof body === 'string' ? 'text/html; charset=utf-8' : 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...extra,
  });
  res.end(text);
}

/** What a Mistral V1 wrapper that concatenates `[INST] … [/INST]` and decodes without skipping specials returns. */
function generate(text: string): string {
  return `[INST] ${text} [/INST] Hello! How can I assist you today?`;
}

function handle(req: IncomingMessage, res: ServerResponse, body: string): void {
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/openapi.json' && req.method === 'GET') return send(res, 200, OPENAPI);
  if (path === '/docs' && req.method === 'GET')
    return send(res, 200, '<!DOCTYPE html><html><head><title>Mistral demo - Swagger UI</title></head><body><div id="swagger-ui"></div></body></html>');
  if (path !== '/generate') return send(res, 404, { detail: 'Not Found' });
  if (req.method !== 'POST') return send(res, 405, { detail: 'Method Not Allowed' }, { allow: 'POST' });
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return send(res, 422, { detail: [{ loc: ['body', 0], msg: 'Expecting value', type: 'value_error.jsondecode' }] });
  }
  const text = (json as { text?: unknown })?.text;
  if (typeof text !== 'string') return send(res, 422, { detail: [{ loc: ['body', 'text'], msg: 'field required', type: 'value_error.missing' }] });
  return send(res, 200, { generated: generate(text) });
}

export interface DemoTarget {
  url: string;
  close(): Promise<void>;
}

export async function startDemoTarget(): Promise<DemoTarget> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= 64 * 1024) chunks.push(c);
    });
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/generate`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
