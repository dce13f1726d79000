// Spawns the built CLI as an MCP server over stdio and connects the SDK client to it.
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import type { ScanReport } from '../../src/engine/types.js';
import { ScanReportSchema } from '../../src/report/schema.js';
import { ScanResultSchema } from '../../src/tools/scan-result.js';

export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

export async function connectStdio(args: string[] = ['mcp'], env: Record<string, string> = {}): Promise<Client> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, ...args],
    env: { ...(process.env as Record<string, string>), GATECRASH_LOG_LEVEL: 'silent', ...env },
    stderr: 'pipe',
  });
  const client = new Client({ name: 'gatecrash-e2e', version: '0.0.0' });
  await client.connect(transport);
  return client;
}

/** scan_endpoint's result checked against its brief schema, and the full report read back through its resource link. */
export async function scannedReport(client: Client, result: Awaited<ReturnType<Client['callTool']>>): Promise<ScanReport> {
  const brief = ScanResultSchema.parse(result.structuredContent);
  const read = await client.readResource({ uri: brief.report });
  const report = ScanReportSchema.parse(JSON.parse((read.contents[0] as { text: string }).text));
  if (report.scanId !== brief.scanId || report.findings.length !== brief.findings.length) throw new Error('the brief result and the report disagree');
  return report;
}
