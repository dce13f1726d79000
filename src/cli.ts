#!/usr/bin/env node
// The `gatecrash` command. `gatecrash mcp` starts answering the MCP handshake from the build's manifest before anything
// else loads (transport/stdio-fast-start.ts); every command, mcp included, then runs from commands/main.ts.
import { openMcpHandshake } from './transport/stdio-fast-start.js';

const argv = process.argv.slice(2);
const handshake = argv[0] === 'mcp' && process.env.GATECRASH_MCP_FAST_START !== '0' ? openMcpHandshake(new URL('./mcp-manifest.json', import.meta.url)) : null;
const { runCli } = await import('./commands/main.js');
await runCli(argv);
// A command that failed before the server took the connection over leaves nothing reading stdin.
if (process.exitCode) handshake?.abandon();
