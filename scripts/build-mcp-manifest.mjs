// Records the MCP server's own answers to the opening handshake (initialize, then tools/list) in dist/mcp-manifest.json,
// run by `npm run build` after tsc and before the bundle. `gatecrash mcp` answers the handshake from it before the SDK is
// loaded (src/transport/stdio-fast-start.ts); test/e2e/mcp-fast-start.test.ts checks it still matches the server.
// The answers come from the real server, in this process, over the SDK's own stdio transport.
import { writeFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';

process.env.GATECRASH_NO_STORE = '1';
const { serveStdio, StdioServerTransport } = await import('@modelcontextprotocol/server/stdio');
const { createServer } = await import('../dist/server.js');

/** Protocol versions a 2025-era client may open with; the server's answer says which it serves as asked. */
const CANDIDATES = ['2024-10-07', '2024-11-05', '2025-03-26', '2025-06-18', '2025-11-25'];

async function handshake(protocolVersion) {
  const input = new PassThrough();
  const output = new PassThrough();
  const handle = serveStdio(() => createServer(), { transport: new StdioServerTransport(input, output) });
  const answers = new Map();
  let buffer = '';
  const waitFor = (id) =>
    new Promise((resolve) => {
      const check = () => (answers.has(id) ? resolve(answers.get(id)) : output.once('data', onData).once('data', check));
      const onData = (chunk) => {
        buffer += chunk.toString('utf8');
        for (let nl = buffer.indexOf('\n'); nl !== -1; nl = buffer.indexOf('\n')) {
          const message = JSON.parse(buffer.slice(0, nl));
          buffer = buffer.slice(nl + 1);
          if (message.id !== undefined) answers.set(message.id, message);
        }
      };
      check();
    });
  const send = (m) => input.write(`${JSON.stringify({ jsonrpc: '2.0', ...m })}\n`);
  send({ id: 1, method: 'initialize', params: { protocolVersion, capabilities: {}, clientInfo: { name: 'gatecrash-build', version: '0' } } });
  const init = await waitFor(1);
  send({ method: 'notifications/initialized' });
  send({ id: 2, method: 'tools/list' });
  const tools = await waitFor(2);
  await handle.close();
  if (!init.result || !tools.result) throw new Error(`handshake at ${protocolVersion} failed: ${JSON.stringify(init.error ?? tools.error)}`);
  return { init: init.result, tools: tools.result };
}

const runs = [];
for (const version of CANDIDATES) runs.push({ version, ...(await handshake(version)) });
const versions = runs.filter((r) => r.init.protocolVersion === r.version).map((r) => r.version);
const latest = runs[runs.length - 1];
const { protocolVersion: _negotiated, ...initialize } = latest.init;
for (const r of runs) {
  const { protocolVersion: _v, ...rest } = r.init;
  if (JSON.stringify(rest) !== JSON.stringify(initialize) || JSON.stringify(r.tools) !== JSON.stringify(latest.tools)) {
    throw new Error(`the server answers the handshake differently at ${r.version}: the manifest cannot serve one answer for every version`);
  }
}
const file = fileURLToPath(new URL('../dist/mcp-manifest.json', import.meta.url));
writeFileSync(file, `${JSON.stringify({ versions, initialize, tools: latest.tools })}\n`);
console.log(
  `build-mcp-manifest: ${versions.length} protocol versions, ${latest.tools.tools.length} tools, ${JSON.stringify(latest.tools).length} bytes of tools/list`,
);
