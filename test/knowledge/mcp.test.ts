// explain_finding and suggest_remediation through a real MCP client/server pair (in memory): the SDK validates the
// arguments against inputSchema and the structured results against outputSchema, as createServer() registers them.
import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../../src/server.js';

describe('knowledge tools over MCP', () => {
  let client: Client;

  beforeAll(async () => {
    const server = createServer();
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    client = new Client({ name: 'kb-test', version: '0.0.0' });
    await client.connect(clientSide);
  });

  afterAll(async () => {
    await client?.close();
  });

  it('lists both tools with their schemas and honest annotations', async () => {
    const { tools } = await client.listTools();
    const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
    for (const name of ['explain_finding', 'suggest_remediation']) {
      expect(byName[name]?.annotations).toMatchObject({ readOnlyHint: true, openWorldHint: false });
      expect(byName[name]?.outputSchema?.type).toBe('object');
    }
    expect(Object.keys(byName['suggest_remediation']!.inputSchema.properties ?? {})).toEqual(['findingId', 'finding', 'rule', 'framework', 'url']);
  });

  it('answers with structured content that matches the declared output schema', async () => {
    const r = await client.callTool({
      name: 'suggest_remediation',
      arguments: { rule: 'auth.missing', framework: 'nginx', url: 'http://10.0.0.5:11434/api/generate' },
    });
    expect(r.isError).toBeFalsy();
    const sc = r.structuredContent as { framework: string; code: string; language: string };
    expect(sc.framework).toBe('nginx');
    expect(sc.language).toBe('nginx');
    expect(sc.code).toContain('listen 11434;');
    const e = await client.callTool({
      name: 'explain_finding',
      arguments: {
        finding: {
          rule: 'auth.insecure-default-key',
          endpoint: { method: 'POST', url: 'http://10.0.0.5:8000/generate' },
          evidence: { request: { headers: { 'x-api-key': '' } } },
        },
      },
    });
    expect(e.isError).toBeFalsy();
    expect((e.structuredContent as { manualChecks: { command: string }[] }).manualChecks[0]!.command).toContain("-H 'X-API-Key;'");
  });

  it('user errors come back as isError results with a sentence, not protocol errors', async () => {
    const r = await client.callTool({ name: 'suggest_remediation', arguments: { rule: 'auth.jwt', framework: 'ollama' } });
    expect(r.isError).toBe(true);
    expect(JSON.stringify(r.content)).toContain('Valid frameworks for this rule: fastapi, starlette, flask, express');
  });
});
