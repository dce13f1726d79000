// The scan view as the MCP server declares it (no browser here; test/view/ renders it): scan_endpoint and verify_fix name
// ui://gatecrash/scan-view.html in _meta.ui.resourceUri (and the older flat key), the resource is the built page with the
// MCP Apps MIME type and a CSP that names no domain, and a host without MCP Apps still gets the text it always got.
import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { viewHtml } from '../../src/report/html.js';
import { VIEW_RESOURCE_URI } from '../../src/report/view-payload.js';
import { startFastapiWrapper } from '../targets/fastapi-wrapper.js';
import type { RunningTarget } from '../targets/harness.js';
import { connectStdio } from './mcp-client.js';

describe('the scan view over MCP (stdio)', () => {
  let client: Client;
  let target: RunningTarget;

  beforeAll(async () => {
    [client, target] = await Promise.all([connectStdio(), startFastapiWrapper({})]);
  });
  afterAll(async () => {
    await client?.close();
    await target?.close();
  });

  it('scan_endpoint and verify_fix name the view; the other tools do not', async () => {
    const { tools } = await client.listTools();
    const withView = tools.filter((t) => (t._meta as { ui?: { resourceUri?: string } } | undefined)?.ui?.resourceUri === VIEW_RESOURCE_URI);
    expect(withView.map((t) => t.name).sort()).toEqual(['scan_endpoint', 'verify_fix']);
    for (const t of withView) expect(t._meta?.['ui/resourceUri']).toBe(VIEW_RESOURCE_URI);
  });

  it('serves the view as an MCP App: the built page, its MIME type, no domain in its CSP', async () => {
    const { resources } = await client.listResources();
    expect(resources.find((r) => r.uri === VIEW_RESOURCE_URI)).toMatchObject({ mimeType: 'text/html;profile=mcp-app' });
    const read = await client.readResource({ uri: VIEW_RESOURCE_URI });
    const content = read.contents[0] as unknown as { mimeType: string; text: string; _meta: { ui: { csp: Record<string, string[]>; prefersBorder: boolean } } };
    expect(content.mimeType).toBe('text/html;profile=mcp-app');
    expect(content.text).toBe(viewHtml());
    expect(Object.values(content._meta.ui.csp).flat()).toEqual([]);
    expect(content._meta.ui.prefersBorder).toBe(true);
  });

  it('a host without MCP Apps gets the text summary and the links, as before', async () => {
    const r = await client.callTool({ name: 'scan_endpoint', arguments: { url: `${target.url}/generate` } });
    const content = r.content as { type: string; text?: string; uri?: string }[];
    expect(content[0]).toMatchObject({ type: 'text' });
    expect(content[0]!.text).toMatch(/^Gatecrash scan /);
    expect(content.filter((c) => c.type === 'resource_link').map((c) => c.uri)).toContain(
      `gatecrash://scans/${(r.structuredContent as { scanId: string }).scanId}`,
    );
  });
});
