// Spawns the built CLI as an MCP server over stdio and connects the SDK client to it.
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';

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
