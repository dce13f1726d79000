// The official MCP conformance suite against `gatecrash serve` (scripts/conformance.sh). Opt-in with
// GATECRASH_CONFORMANCE=1: it runs Node 22 from the npm package node@22 through npx (online once, then from the cache).
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFastapiWrapper } from '../targets/fastapi-wrapper.js';
import type { RunningTarget } from '../targets/harness.js';
import { CLI } from './mcp-client.js';
import { startServe } from './serve-process.js';

const SCRIPT = fileURLToPath(new URL('../../scripts/conformance.sh', import.meta.url));
/** The scenarios that apply to a product server; each must pass (the rest are fixture-only, see the baseline). */
const MUST_PASS = ['server-initialize', 'ping', 'tools-list', 'resources-list', 'prompts-list', 'server-sse-multiple-streams', 'dns-rebinding-protection'];

describe.runIf(process.env.GATECRASH_CONFORMANCE === '1')('MCP conformance suite (@modelcontextprotocol/conformance)', () => {
  it('passes every applicable server scenario; fixture-only failures match the baseline exactly', () => {
    const run = spawnSync('bash', [SCRIPT], { encoding: 'utf8', timeout: 240_000, env: { ...process.env, NO_COLOR: '1' } });
    const out = `${run.stdout}${run.stderr}`.replace(/\x1b\[[0-9;]*m/g, '');
    expect(run.status, out).toBe(0);
    expect(out).toContain('Baseline check passed');
    for (const s of MUST_PASS) expect(out, s).toMatch(new RegExp(`✓ ${s}: \\d+ passed, 0 failed`));
  }, 300_000);
});

// The MCP Inspector CLI as a real third-party client, over stdio, Streamable HTTP and legacy HTTP+SSE.
const INSPECTOR = ['-y', '-p', 'node@22', '-p', '@modelcontextprotocol/inspector@2.12.0', 'mcp-inspector', '--cli'];

/** Async on purpose: the emulator the call scans runs in this process, and spawnSync would block its event loop. */
function inspector(args: string[]): Promise<{ status: number | null; json: unknown; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('npx', [...INSPECTOR, ...args], { env: { ...process.env, GATECRASH_LOG_LEVEL: 'silent' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const timer = setTimeout(() => child.kill(), 120_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      let json: unknown;
      try {
        json = JSON.parse(stdout);
      } catch {
        json = undefined;
      }
      if (process.env.GATECRASH_RECORD)
        console.log(`$ npx ${[...INSPECTOR, ...args].join(' ')}\n${stdout.slice(0, 4000)}\n${stderr.replace(/^npm warn.*\n/gm, '')}`);
      resolve({ status, json, stderr });
    });
  });
}

const toolNames = (json: unknown) => ((json as { tools?: { name: string }[] })?.tools ?? []).map((t) => t.name);
const authMissing = (json: unknown) =>
  ((json as { structuredContent?: { findings?: { rule: string }[] } })?.structuredContent?.findings ?? []).some((f) => f.rule === 'auth.missing');

describe.runIf(process.env.GATECRASH_CONFORMANCE === '1')('MCP Inspector CLI (@modelcontextprotocol/inspector 2.12.0)', () => {
  let target: RunningTarget;
  beforeAll(async () => {
    target = await startFastapiWrapper({});
  });
  afterAll(async () => {
    await target?.close();
  });

  it('over stdio: tools/list and tools/call scan_endpoint', async () => {
    const list = await inspector(['node', CLI, 'mcp', '--method', 'tools/list']);
    expect(list.status, list.stderr).toBe(0);
    expect(toolNames(list.json)).toEqual(expect.arrayContaining(['scan_endpoint', 'fingerprint_endpoint', 'list_checks']));
    const call = await inspector([
      'node',
      CLI,
      'mcp',
      '--method',
      'tools/call',
      '--tool-name',
      'scan_endpoint',
      '--tool-arg',
      `url=${target.url}/generate`,
      'depth=quick',
    ]);
    expect(call.status, call.stderr).toBe(0);
    expect(authMissing(call.json)).toBe(true);
  }, 240_000);

  for (const legacySse of [false, true]) {
    it(`over ${legacySse ? 'legacy HTTP+SSE' : 'Streamable HTTP'}: tools/list and tools/call scan_endpoint with the bearer token`, async () => {
      const s = await startServe(legacySse ? ['--legacy-sse'] : [], { GATECRASH_TOKEN: 'inspector-token-0123456789' });
      try {
        const url = legacySse ? s.url.replace(/\/mcp$/, '/sse') : s.url;
        const common = [url, '--transport', legacySse ? 'sse' : 'http', '--header', 'Authorization: Bearer inspector-token-0123456789'];
        const list = await inspector([...common, '--method', 'tools/list']);
        expect(list.status, list.stderr).toBe(0);
        expect(toolNames(list.json)).toContain('scan_endpoint');
        const call = await inspector([
          ...common,
          '--method',
          'tools/call',
          '--tool-name',
          'scan_endpoint',
          '--tool-arg',
          `url=${target.url}/generate`,
          'depth=quick',
        ]);
        expect(call.status, call.stderr).toBe(0);
        expect(authMissing(call.json)).toBe(true);
        const denied = await inspector([url, '--transport', legacySse ? 'sse' : 'http', '--method', 'tools/list']);
        expect(denied.status).not.toBe(0);
      } finally {
        await s.stop();
      }
    }, 240_000);
  }
});
