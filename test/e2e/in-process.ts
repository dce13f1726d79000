// The MCP server in this process, served the way `gatecrash mcp` serves it (the SDK's serveStdio, which picks the
// protocol era from the opening message) over an in-memory pipe, and a real SDK client at either era. In process, so
// that a test can stub the server's resolver and count every lookup.
import { Client, type ElicitRequest, type ElicitResult, InMemoryTransport } from '@modelcontextprotocol/client';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { createServer, type ServerOptions } from '../../src/server.js';

export type Era = 'legacy' | 'modern';

export interface InProcessOptions extends ServerOptions {
  era: Era;
  /** Answers elicitation requests; without it the client declares no elicitation capability. */
  onElicit?: (params: ElicitRequest['params']) => ElicitResult | Promise<ElicitResult>;
}

export async function connectInProcess(options: InProcessOptions): Promise<{ client: Client; close(): Promise<void> }> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const { era, onElicit, ...serverOptions } = options;
  const handle = serveStdio(() => createServer(serverOptions), { transport: serverSide });
  const client = new Client(
    { name: 'gatecrash-test', version: '0.0.0' },
    { capabilities: onElicit ? { elicitation: { form: {} } } : {}, versionNegotiation: { mode: era === 'modern' ? { pin: '2026-07-28' } : 'legacy' } },
  );
  if (onElicit) client.setRequestHandler('elicitation/create', async (request) => onElicit(request.params));
  await client.connect(clientSide);
  return {
    client,
    async close() {
      await client.close();
      await handle.close();
    },
  };
}
