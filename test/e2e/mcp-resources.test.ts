// MCP resources and prompts end to end: the built CLI over stdio, the SDK client, an emulated FastAPI wrapper.
import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RULES } from '../../src/engine/rules/index.js';
import { RULE_IDS } from '../../src/engine/types.js';
import { ScanReportSchema } from '../../src/report/schema.js';
import { KEYED, startFastapiWrapper } from '../targets/fastapi-wrapper.js';
import type { RunningTarget } from '../targets/harness.js';
import { TEST_KEY } from '../targets/mistral-model.js';
import { connectStdio, scannedReport } from './mcp-client.js';

interface Link {
  type: 'resource_link';
  uri: string;
  name: string;
  mimeType?: string;
}

function textOf(contents: { uri: string; text?: string; blob?: string }[]): string {
  expect(contents).toHaveLength(1);
  expect(typeof contents[0]!.text).toBe('string');
  return contents[0]!.text!;
}

describe('MCP resources and prompts', () => {
  let client: Client;
  let open: RunningTarget;
  let keyed: RunningTarget;

  beforeAll(async () => {
    [client, open, keyed] = await Promise.all([connectStdio(), startFastapiWrapper({}), startFastapiWrapper(KEYED)]);
  });
  afterAll(async () => {
    await client?.close();
    await Promise.all([open?.close(), keyed?.close()]);
  });

  it('lists the resource templates and a page for every rule', async () => {
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate).sort()).toEqual([
      'gatecrash://batches/{id}',
      'gatecrash://batches/{id}/report.md',
      'gatecrash://checks/{rule}',
      'gatecrash://scans/{id}',
      'gatecrash://scans/{id}/report.md',
    ]);
    const { resources } = await client.listResources();
    const checks = resources.filter((r) => r.uri.startsWith('gatecrash://checks/'));
    expect(checks.map((r) => r.uri)).toEqual(RULE_IDS.map((id) => `gatecrash://checks/${id}`));
    expect(checks.every((r) => r.mimeType === 'text/markdown' && r.title)).toBe(true);
  });

  it('serves the page of a rule and refuses an unknown rule with a sentence', async () => {
    const { contents } = await client.readResource({ uri: 'gatecrash://checks/auth.missing' });
    const page = textOf(contents);
    expect(contents[0]!.mimeType).toBe('text/markdown');
    expect(page).toContain(RULES['auth.missing'].title);
    expect(page).toContain('CWE-306');
    // The knowledge base's page: how the rule is proven, when it may be wrong, the fix, references.
    for (const section of ['### How Gatecrash proved it', '### When it may be wrong', '### The fix', '### References']) expect(page).toContain(section);
    await expect(client.readResource({ uri: 'gatecrash://checks/auth.nope' })).rejects.toThrow(/No rule/);
  });

  it('completes rule ids', async () => {
    const { completion } = await client.complete({
      ref: { type: 'ref/resource', uri: 'gatecrash://checks/{rule}' },
      argument: { name: 'rule', value: 'exposure.' },
    });
    expect(completion.values).toEqual(RULE_IDS.filter((id) => id.startsWith('exposure.')));
  });

  it('returns resource links from scan_endpoint that resolve to the JSON report and the Markdown report', async () => {
    const result = await client.callTool({ name: 'scan_endpoint', arguments: { url: `${open.url}/generate` } });
    expect(result.isError).toBeFalsy();
    const content = result.content as (Link | { type: 'text'; text: string })[];
    const links = content.filter((c): c is Link => c.type === 'resource_link');
    const report = await scannedReport(client, result);
    expect(links.map((l) => l.uri)).toEqual([`gatecrash://scans/${report.scanId}`, `gatecrash://scans/${report.scanId}/report.md`]);

    const json = await client.readResource({ uri: links[0]!.uri });
    expect(json.contents[0]!.mimeType).toBe('application/json');
    const again = ScanReportSchema.parse(JSON.parse(textOf(json.contents)));
    expect(again).toEqual(report);
    expect(again.findings.some((f) => f.rule === 'auth.missing')).toBe(true);

    const md = await client.readResource({ uri: links[1]!.uri });
    expect(md.contents[0]!.mimeType).toBe('text/markdown');
    expect(textOf(md.contents)).toMatch(/^# Gatecrash scan of /);
    expect(textOf(md.contents)).toContain('auth.missing');
    // The fix for the identified stack, as in the CLI's Markdown, and how to ask for its code over MCP.
    expect(textOf(md.contents)).toContain('**Remediation for FastAPI:**');
    expect(textOf(md.contents)).toMatch(/`suggest_remediation with this finding \(GC-[0-9a-f]{16}\)`/);
  });

  it('lists every scan of the session, newest first, completes their ids, and keeps credentials out', async () => {
    const result = await client.callTool({ name: 'scan_endpoint', arguments: { url: `${keyed.url}/generate`, headers: { 'X-API-Key': TEST_KEY } } });
    expect(result.isError).toBeFalsy();
    const newest = await scannedReport(client, result);
    const { resources } = await client.listResources();
    const scans = resources.filter((r) => /^gatecrash:\/\/scans\/[^/]+$/.test(r.uri));
    expect(scans.length).toBeGreaterThanOrEqual(2);
    expect(scans[0]!.uri).toBe(`gatecrash://scans/${newest.scanId}`);
    expect(resources.some((r) => r.uri === `gatecrash://scans/${newest.scanId}/report.md`)).toBe(true);

    const prefix = newest.scanId.slice(0, 4);
    const { completion } = await client.complete({ ref: { type: 'ref/resource', uri: 'gatecrash://scans/{id}' }, argument: { name: 'id', value: prefix } });
    expect(completion.values).toContain(newest.scanId);
    expect(completion.values.every((v) => v.startsWith(prefix))).toBe(true);

    for (const uri of [`gatecrash://scans/${newest.scanId}`, `gatecrash://scans/${newest.scanId}/report.md`]) {
      const { contents } = await client.readResource({ uri });
      expect(textOf(contents)).not.toContain(TEST_KEY);
    }
    expect(JSON.stringify(resources)).not.toContain(TEST_KEY);
  });

  it('answers an unknown scan id with resource-not-found and a sentence', async () => {
    await expect(client.readResource({ uri: 'gatecrash://scans/00000000-0000-0000-0000-000000000000' })).rejects.toThrow(
      /No scan at gatecrash:\/\/scans\/0{8}-0{4}-0{4}-0{4}-0{12} in this session or the local scan store/,
    );
    await expect(client.readResource({ uri: 'gatecrash://scans/nope/report.md' })).rejects.toThrow(/scan_endpoint/);
  });

  it('lists the audit prompt with its arguments, completes frameworks, and walks scan → explain → fix → verify', async () => {
    const { prompts } = await client.listPrompts();
    const audit = prompts.find((p) => p.name === 'audit_inference_endpoint');
    expect(audit).toBeDefined();
    expect(audit!.arguments).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'url', required: true }), expect.objectContaining({ name: 'framework', required: false })]),
    );
    const { completion } = await client.complete({
      ref: { type: 'ref/prompt', name: 'audit_inference_endpoint' },
      argument: { name: 'framework', value: 'fa' },
    });
    expect(completion.values).toEqual(['fastapi']);

    const url = `${open.url}/generate`;
    const got = await client.getPrompt({ name: 'audit_inference_endpoint', arguments: { url, framework: 'fastapi' } });
    expect(got.messages).toHaveLength(1);
    const message = got.messages[0]!;
    expect(message.role).toBe('user');
    const text = (message.content as { type: 'text'; text: string }).text;
    const order = ['scan_endpoint', 'explain_finding', 'suggest_remediation', 'verify_fix'].map((tool) => text.indexOf(tool));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(text).toContain(url);
    expect(text).toContain('"fastapi"');

    const noFramework = await client.getPrompt({ name: 'audit_inference_endpoint', arguments: { url } });
    expect((noFramework.messages[0]!.content as { text: string }).text).toMatch(/fingerprinted/);
    await expect(client.getPrompt({ name: 'audit_inference_endpoint', arguments: { url, framework: 'x; rm -rf /' } })).rejects.toThrow();
  });
});
