// gatecrash mcp | serve: the MCP server over stdio, or over Streamable HTTP on loopback. This module is bundled with the
// server (scripts/bundle-cli.mjs); the server loads the engine, the renderers and the knowledge base on a tool's first
// call, so `gatecrash mcp` answers tools/list fast.
import { StdioServerTransport, serveStdio } from '@modelcontextprotocol/server/stdio';
import { createServer, useScanStore } from '../server.js';
import { takeMcpHandshake } from '../transport/stdio-fast-start.js';
import { type CommandContext, toolSettingsOf } from './context.js';
import { UsageError } from './usage-error.js';

export async function runMcp(ctx: CommandContext): Promise<number> {
  if (ctx.positionals.length)
    throw new UsageError(`mcp takes no arguments (got ${ctx.positionals[0]!.slice(0, 40)}); its settings are flags, e.g. --allow-private.`);
  if (!ctx.config.store) useScanStore(null);
  const factory = () => createServer({ settings: toolSettingsOf(ctx.config) });
  // The handshake may have been answered already, from the manifest (src/cli.ts): the server takes the connection over.
  const handshake = takeMcpHandshake();
  if (handshake) handshake.attach((input, output) => serveStdio(factory, { transport: new StdioServerTransport(input, output) }));
  else serveStdio(factory);
  return new Promise<number>(() => undefined); // serves until stdin closes
}

export async function runServe(ctx: CommandContext): Promise<number> {
  if (ctx.positionals.length) throw new UsageError(`serve takes no arguments (got ${ctx.positionals[0]!.slice(0, 40)}); use --host and --port.`);
  const { serveHttp, ServeError } = await import('../transport/http.js');
  if (!ctx.config.store) useScanStore(null);
  const { LegacySseUnavailable } = await import('../transport/legacy-sse.js');
  const { values } = ctx.args;
  try {
    const running = await serveHttp(ctx.config, {
      legacySse: Boolean(values['legacy-sse']),
      allowRemote: Boolean(values['allow-remote']),
      settings: toolSettingsOf(ctx.config),
    });
    const stop = () => void running.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  } catch (e) {
    if (e instanceof ServeError || e instanceof LegacySseUnavailable) throw new UsageError(e.message);
    throw e;
  }
  return new Promise<number>(() => undefined); // serves until a signal
}
