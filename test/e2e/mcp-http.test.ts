// End to end over Streamable HTTP: the built CLI's `serve`, the real SDK client in both protocol eras, the front door
// (token, Host, Origin, body cap), the global scan limit under 20 concurrent calls, and cancellation.
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScanResultSchema } from '../../src/tools/scan-result.js';
import { startFastapiWrapper } from '../targets/fastapi-wrapper.js';
import { type RunningTarget, sendJson, startTarget } from '../targets/harness.js';
import { startSilentServer } from '../targets/silent.js';
import { scannedReport } from './mcp-client.js';
import { connectHttp, connectSse, type ServeProcess, startServe } from './serve-process.js';

const KEY = 'sk-e2e-http-secret-value-7';
const MAX_SCANS = 3;

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** node:http rather than fetch: fetch will not send a forged Host header. */
function raw(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer; chunked?: boolean } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...opts.headers };
    if (opts.body !== undefined && !opts.chunked) headers['content-length'] = String(Buffer.byteLength(opts.body));
    const req = httpRequest({ host: u.hostname, port: u.port, path: u.pathname + u.search, method: opts.method ?? 'POST', headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    // The server may answer (413) and close before the whole body is written.
    req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'EPIPE' || e.code === 'ECONNRESET' ? undefined : reject(e)));
    if (opts.body !== undefined) req.end(opts.body);
    else req.end();
  });
}

const INIT = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '0' } },
});

const until = async (cond: () => boolean, ms: number) => {
  const t0 = Date.now();
  while (!cond() && Date.now() - t0 < ms) await new Promise((r) => setTimeout(r, 20));
};

describe('gatecrash serve: MCP over Streamable HTTP', () => {
  let serve: ServeProcess;
  let target: RunningTarget;

  beforeAll(async () => {
    [serve, target] = await Promise.all([startServe([], { GATECRASH_MAX_SCANS: String(MAX_SCANS) }), startFastapiWrapper({})]);
  });
  afterAll(async () => {
    await serve?.stop();
    await target?.close();
  });

  it('binds loopback, generates a strong token and prints it exactly once', () => {
    expect(serve.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    expect(serve.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(serve.stderr().split(serve.token).length - 1).toBe(1);
  });

  for (const era of ['legacy', 'auto'] as const) {
    it(`lists the tools and scans an emulator (${era === 'legacy' ? '2025' : '2026'} era), with progress`, async () => {
      const client = await connectHttp(serve.url, serve.token, era);
      try {
        const { tools } = await client.listTools();
        expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['scan_endpoint', 'fingerprint_endpoint', 'list_checks']));
        const progress: number[] = [];
        const result = await client.callTool(
          { name: 'scan_endpoint', arguments: { url: `${target.url}/generate`, headers: { 'X-Unused': KEY } } },
          { onprogress: (p) => progress.push(p.progress) },
        );
        expect(result.isError).toBeFalsy();
        const report = await scannedReport(client, result);
        expect(report.findings.some((f) => f.rule === 'auth.missing' && f.confidence === 'confirmed')).toBe(true);
        expect(progress.length).toBeGreaterThan(0);
        expect(JSON.stringify(result)).not.toContain(KEY);
      } finally {
        await client.close();
      }
    });
  }

  it('answers user errors over HTTP with isError, not a protocol error', async () => {
    const client = await connectHttp(serve.url, serve.token);
    try {
      const meta = await client.callTool({ name: 'scan_endpoint', arguments: { url: 'http://169.254.169.254/latest/meta-data/' } });
      expect(meta.isError).toBe(true);
      const wrongType = await client.callTool({ name: 'scan_endpoint', arguments: { url: 42 } });
      expect(wrongType.isError).toBe(true);
    } finally {
      await client.close();
    }
  });

  it('refuses a missing or wrong token with 401 before any MCP processing', async () => {
    const none = await raw(serve.url, { body: INIT });
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    for (const auth of [`Bearer ${serve.token}x`, `Bearer ${serve.token.slice(0, -1)}`, 'Bearer ', `Basic ${serve.token}`, serve.token]) {
      expect((await raw(serve.url, { body: INIT, headers: { authorization: auth } })).status).toBe(401);
    }
    await expect(connectHttp(serve.url, 'not-the-token-at-all')).rejects.toThrow();
    // The right token in any scheme case, as RFC 9110 allows.
    expect((await raw(serve.url, { body: INIT, headers: { authorization: `bearer ${serve.token}` } })).status).toBe(200);
  });

  it('refuses a foreign Origin with 403 (a web page in the browser), and allows a localhost one', async () => {
    const auth = { authorization: `Bearer ${serve.token}` };
    for (const origin of ['http://evil.example', 'https://127.0.0.1.evil.example', 'null']) {
      const r = await raw(serve.url, { body: INIT, headers: { ...auth, origin } });
      expect(r.status, origin).toBe(403);
    }
    expect((await raw(serve.url, { body: INIT, headers: { ...auth, origin: 'http://localhost:6274' } })).status).toBe(200);
  });

  it('refuses a rebinding Host with 403, even with the token', async () => {
    const port = new URL(serve.url).port;
    for (const host of [`evil.example:${port}`, `attacker.127.0.0.1.nip.io:${port}`, `192.168.1.10:${port}`]) {
      const r = await raw(serve.url, { body: INIT, headers: { authorization: `Bearer ${serve.token}`, host } });
      expect([403, 421], host).toContain(r.status);
    }
    expect((await raw(serve.url, { body: INIT, headers: { authorization: `Bearer ${serve.token}`, host: `localhost:${port}` } })).status).toBe(200);
  });

  it('answers 413 to a body over 1 MiB, declared or chunked, and 404 off /mcp', async () => {
    const auth = { authorization: `Bearer ${serve.token}` };
    const big = Buffer.alloc(1024 * 1024 + 1, 0x20);
    expect((await raw(serve.url, { body: big, headers: auth })).status).toBe(413);
    expect((await raw(serve.url, { body: big, headers: auth, chunked: true })).status).toBe(413);
    expect((await raw(serve.url.replace(/\/mcp$/, '/other'), { body: INIT, headers: auth })).status).toBe(404);
    // Unauthenticated callers learn nothing, not even the size rule.
    expect((await raw(serve.url, { body: big })).status).toBe(401);
  });

  it('runs 20 concurrent scan_endpoint calls under the global scan limit, and all complete', async () => {
    // Twenty small open targets, one per call, each answer 25 ms late: at any instant, the number of targets with a
    // request in flight is the number of scans running, which the limit (GATECRASH_MAX_SCANS) must bound.
    let inFlight = new Map<number, number>();
    let peak = 0;
    const targets = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        startTarget(async (req, res) => {
          inFlight.set(i, (inFlight.get(i) ?? 0) + 1);
          peak = Math.max(peak, [...inFlight.values()].filter((n) => n > 0).length);
          await new Promise((r) => setTimeout(r, 25));
          inFlight.set(i, inFlight.get(i)! - 1);
          if (req.method === 'POST' && req.path === '/generate') sendJson(res, 200, { generated: 'Hello' });
          else sendJson(res, 404, { detail: 'Not Found' });
        }),
      ),
    );
    const client = await connectHttp(serve.url, serve.token);
    try {
      const t0 = Date.now();
      const results = await Promise.all(
        targets.map((t) =>
          client.callTool({ name: 'scan_endpoint', arguments: { url: `${t.url}/generate`, depth: 'quick', timeoutMs: 60000 } }, { timeout: 120_000 }),
        ),
      );
      for (const r of results) {
        expect(r.isError).toBeFalsy();
        ScanResultSchema.parse(r.structuredContent);
      }
      expect(targets.every((t) => t.requests.length > 0)).toBe(true);
      expect(peak).toBeLessThanOrEqual(MAX_SCANS);
      expect(peak).toBeGreaterThanOrEqual(2); // the scans did run side by side
      expect(Date.now() - t0).toBeLessThan(60_000);
    } finally {
      inFlight = new Map();
      await client.close();
      await Promise.all(targets.map((t) => t.close()));
    }
  }, 120_000);

  for (const era of ['legacy', 'auto'] as const) {
    it(
      `stops every in-flight request within a second of cancellation ` +
        `(${era === 'legacy' ? '2025 era: notifications/cancelled' : '2026 era: stream closed'})`,
      async () => {
        const silent = await startSilentServer();
        const client = await connectHttp(serve.url, serve.token, era);
        try {
          const controller = new AbortController();
          const call = client.callTool(
            { name: 'scan_endpoint', arguments: { url: `${silent.url}/generate`, timeoutMs: 60000 } },
            { signal: controller.signal },
          );
          call.catch(() => undefined);
          await until(() => silent.open() > 0, 5000);
          expect(silent.open()).toBeGreaterThan(0);
          controller.abort();
          await expect(call).rejects.toThrow();
          await until(() => silent.open() === 0, 1000);
          expect(silent.open()).toBe(0);
        } finally {
          await client.close();
          await silent.close();
        }
      },
    );
  }
});

describe('gatecrash serve: refusals and the legacy HTTP+SSE endpoint', () => {
  it('refuses a non-loopback bind unless --allow-remote, and a short --token', async () => {
    await expect(startServe(['--host', '0.0.0.0'])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/not a loopback address.*--allow-remote/s),
    });
    await expect(startServe(['--token', 'short'])).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/at least 16 characters/) });
  });

  it('binds beyond loopback with --allow-remote, warns, and still validates Host and the token', async () => {
    const s = await startServe(['--host', '0.0.0.0', '--allow-remote'], { GATECRASH_TOKEN: 'a-token-the-operator-chose-42' });
    try {
      expect(s.stderr()).toMatch(/WARNING: serving MCP on 0\.0\.0\.0/);
      expect(s.stderr()).not.toContain('a-token-the-operator-chose-42'); // an operator's token is never echoed
      const port = new URL(s.url).port;
      expect((await raw(s.url, { body: INIT, headers: { authorization: 'Bearer a-token-the-operator-chose-42', host: `evil.example:${port}` } })).status).toBe(
        403,
      );
      expect((await raw(s.url, { body: INIT })).status).toBe(401);
      const client = await connectHttp(s.url, 'a-token-the-operator-chose-42');
      expect((await client.listTools()).tools.length).toBeGreaterThan(0);
      await client.close();
    } finally {
      await s.stop();
    }
  });

  it('serves HTTP+SSE at /sse only with --legacy-sse, behind the same token, Host and Origin checks', async () => {
    const plain = await startServe([], { GATECRASH_TOKEN: 'a-token-the-operator-chose-42' });
    try {
      expect(
        (await raw(plain.url.replace(/\/mcp$/, '/sse'), { method: 'GET', headers: { authorization: 'Bearer a-token-the-operator-chose-42' } })).status,
      ).toBe(404);
    } finally {
      await plain.stop();
    }
    const [s, target] = await Promise.all([startServe(['--legacy-sse'], { GATECRASH_TOKEN: 'a-token-the-operator-chose-42' }), startFastapiWrapper({})]);
    try {
      const sse = s.url.replace(/\/mcp$/, '/sse');
      expect((await raw(sse, { method: 'GET' })).status).toBe(401);
      expect(
        (await raw(sse, { method: 'GET', headers: { authorization: 'Bearer a-token-the-operator-chose-42', origin: 'http://evil.example' } })).status,
      ).toBe(403);
      expect(
        (await raw(s.url.replace(/\/mcp$/, '/messages?sessionId=nope'), { body: INIT, headers: { authorization: 'Bearer a-token-the-operator-chose-42' } }))
          .status,
      ).toBe(404);
      const client = await connectSse(sse, 'a-token-the-operator-chose-42');
      try {
        expect((await client.listTools()).tools.map((t) => t.name)).toContain('scan_endpoint');
        const result = await client.callTool({ name: 'scan_endpoint', arguments: { url: `${target.url}/generate`, depth: 'quick' } });
        expect(result.isError).toBeFalsy();
        expect(ScanResultSchema.parse(result.structuredContent).findings.some((f) => f.rule === 'auth.missing')).toBe(true);
      } finally {
        await client.close();
      }
      // Streamable HTTP keeps working next to it.
      const modern = await connectHttp(s.url, 'a-token-the-operator-chose-42', 'auto');
      expect((await modern.listTools()).tools.length).toBeGreaterThan(0);
      await modern.close();
    } finally {
      await s.stop();
      await target.close();
    }
  });
});
