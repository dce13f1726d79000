// The tutorial's app, fixed by the knowledge base, run for real: FastAPI, Starlette and the decorator under uvicorn, Flask
// under its own server (Debian's python3-fastapi, python3-uvicorn, python3-flask). With MISTRAL_API_KEY unset, empty or
// "None" the app must refuse to start; with it set, only the exact key passes — and a Gatecrash scan finds no auth hole.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scan } from '../../src/engine/scan.js';
import { renderTutorialWrapperApp, type TutorialWrapperFramework } from '../../src/knowledge/index.js';
import { freePort, type RealServer, realServersAvailable, SYSTEM_PYTHON, startProcess, startUvicorn } from '../real/uvicorn.js';

const KEY = 'kb-tutorial-0123456789abcdef0123456789';
const run = realServersAvailable(['fastapi', 'uvicorn', 'flask'], "the knowledge base's fixed tutorial apps");
const FRAMEWORKS: TutorialWrapperFramework[] = ['fastapi', 'starlette', 'wrapper', 'flask'];

interface Started {
  framework: TutorialWrapperFramework;
  dir: string;
  server: RealServer;
  header: string;
  value: string;
}

async function start(framework: TutorialWrapperFramework): Promise<Started> {
  const dir = mkdtempSync(join(tmpdir(), `gatecrash-tutorial-${framework}-`));
  // The tutorial wrapper's hole plus what a scan of a guarded route checks next: wrong keys must be throttled.
  const snippet = renderTutorialWrapperApp(framework, { rules: ['auth.missing', 'auth.brute-force'] });
  writeFileSync(join(dir, 'app.py'), snippet.code);
  const env = { MISTRAL_API_KEY: KEY };
  let server: RealServer;
  if (framework === 'flask') {
    const port = await freePort();
    const childEnv = { ...process.env, ...env, PYTHONDONTWRITEBYTECODE: '1', PYTHONPATH: dir };
    server = await startProcess(SYSTEM_PYTHON, ['-m', 'flask', '--app', 'app', 'run', '--host', '127.0.0.1', '--port', String(port)], dir, childEnv, port);
  } else {
    server = await startUvicorn(dir, 'app:app', env);
  }
  const bearer = framework === 'wrapper';
  return { framework, dir, server, header: bearer ? 'Authorization' : 'X-API-Key', value: bearer ? `Bearer ${KEY}` : KEY };
}

// No keep-alive: uvicorn closes idle connections after 5 s, and a pooled socket reused just then fails the request.
const fresh = new Agent({ pipelining: 0 });

async function post(s: Started, headers: [string, string][]): Promise<{ status: number; body: string }> {
  // A flat list keeps repeated headers apart (a Headers object would join them).
  const flat = ['content-type', 'application/json', ...headers.flat()];
  const r = await request(`${s.server.url}/generate`, { method: 'POST', headers: flat, body: JSON.stringify({ text: 'Hello' }), dispatcher: fresh });
  return { status: r.statusCode, body: await r.body.text() };
}

async function getStatus(url: string): Promise<number> {
  const r = await request(url, { dispatcher: fresh });
  await r.body.dump();
  return r.statusCode;
}

describe.runIf(run)('fixed tutorial apps under real servers', () => {
  const started: Started[] = [];

  beforeAll(async () => {
    started.push(...(await Promise.all(FRAMEWORKS.map(start))));
  }, 60_000);

  afterAll(async () => {
    await fresh.close();
    await Promise.all(started.map((s) => s.server.stop()));
    for (const s of started) rmSync(s.dir, { recursive: true, force: true });
  });

  it.each(FRAMEWORKS)('%s refuses to start without a real key (unset, empty, "None")', (framework) => {
    const s = started.find((x) => x.framework === framework)!;
    for (const value of [undefined, '', '  ', 'None', 'undefined']) {
      const env: NodeJS.ProcessEnv = { ...process.env, PYTHONPATH: s.dir, PYTHONDONTWRITEBYTECODE: '1' };
      if (value === undefined) delete env['MISTRAL_API_KEY'];
      else env['MISTRAL_API_KEY'] = value;
      const r = spawnSync(SYSTEM_PYTHON, ['-c', 'import app'], { cwd: s.dir, env, encoding: 'utf8' });
      expect(r.status, `${framework} with MISTRAL_API_KEY=${JSON.stringify(value)}`).not.toBe(0);
      expect(r.stderr).toContain('MISTRAL_API_KEY is not set: refusing to start without an API key');
    }
  });

  it.each(FRAMEWORKS)('%s accepts only the exact key, once', async (framework) => {
    const s = started.find((x) => x.framework === framework)!;
    const scheme = s.header === 'Authorization' ? 'Bearer ' : '';
    expect((await post(s, [])).status).toBe(401);
    expect((await post(s, [[s.header, '']])).status).toBe(401);
    expect((await post(s, [[s.header, `${scheme}None`]])).status).toBe(401);
    expect((await post(s, [[s.header, `${scheme}${KEY.toUpperCase()}`]])).status).toBe(401);
    expect((await post(s, [[s.header, `${scheme}${KEY.slice(0, -1)}`]])).status).toBe(401);
    const ok = await post(s, [[s.header, s.value]]);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toEqual({ generated: 'Hello! How can I assist you today?' });
    expect(
      (
        await post(s, [
          [s.header, s.value],
          [s.header, s.value],
        ])
      ).status,
    ).toBe(401);
    expect(await getStatus(`${s.server.url}/docs`)).not.toBe(200);
    expect(await getStatus(`${s.server.url}/openapi.json`)).not.toBe(200);
  });

  // Last: the scan's wrong keys lock 127.0.0.1 out of these apps for 30 minutes.
  it.each(FRAMEWORKS)(
    'a Gatecrash scan of the fixed %s app finds no authentication hole',
    async (framework) => {
      const s = started.find((x) => x.framework === framework)!;
      const report = await scan({ url: `${s.server.url}/generate` });
      const auth = report.findings.filter((f) => f.rule.startsWith('auth.') || f.rule === 'exposure.api-docs');
      expect(auth.map((f) => `${f.rule} ${f.endpoint.method} ${f.endpoint.url}`)).toEqual([]);
    },
    60_000,
  );
});
