// End to end over stdio: the built CLI, the real SDK client, emulated targets.
import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFastapiWrapper } from '../targets/fastapi-wrapper.js';
import type { RunningTarget } from '../targets/harness.js';
import { startSilentServer } from '../targets/silent.js';
import { connectStdio, scannedReport } from './mcp-client.js';

const KEY = 'sk-e2e-secret-value-42';

describe('MCP over stdio', () => {
  let client: Client;
  let target: RunningTarget;

  beforeAll(async () => {
    [client, target] = await Promise.all([connectStdio(), startFastapiWrapper({})]);
  });
  afterAll(async () => {
    await client?.close();
    await target?.close();
  });

  it('lists the tools with schemas and honest annotations', async () => {
    const { tools } = await client.listTools();
    const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
    expect(Object.keys(byName)).toEqual(expect.arrayContaining(['scan_endpoint', 'list_checks']));
    expect(byName.scan_endpoint!.outputSchema).toBeDefined();
    expect(byName.scan_endpoint!.annotations).toMatchObject({ readOnlyHint: true, openWorldHint: true });
  });

  it('scans an emulator and returns a ScanReport matching the declared schema, with progress', async () => {
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
  });

  it('answers a bad URL and a metadata address with isError and a sentence', async () => {
    const bad = await client.callTool({ name: 'scan_endpoint', arguments: { url: 'ht!tp://nope' } });
    expect(bad.isError).toBe(true);
    const meta = await client.callTool({ name: 'scan_endpoint', arguments: { url: 'http://169.254.169.254/latest/meta-data/' } });
    expect(meta.isError).toBe(true);
    expect(JSON.stringify(meta.content)).toMatch(/metadata/i);
    const wrongType = await client.callTool({ name: 'scan_endpoint', arguments: { url: 42 } });
    expect(wrongType.isError).toBe(true);
  });

  it('stops every in-flight request within a second of cancellation', async () => {
    const silent = await startSilentServer();
    try {
      const controller = new AbortController();
      const call = client.callTool({ name: 'scan_endpoint', arguments: { url: `${silent.url}/generate`, timeoutMs: 60000 } }, { signal: controller.signal });
      call.catch(() => undefined);
      const t0 = Date.now();
      while (silent.open() === 0 && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 50));
      expect(silent.open()).toBeGreaterThan(0);
      controller.abort();
      await expect(call).rejects.toThrow();
      const t1 = Date.now();
      while (silent.open() > 0 && Date.now() - t1 < 1000) await new Promise((r) => setTimeout(r, 20));
      expect(silent.open()).toBe(0);
    } finally {
      await silent.close();
    }
  });
});
