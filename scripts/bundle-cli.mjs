// Bundles the CLI (run after tsc by `npm run build`): dist/cli.js becomes one file holding the MCP SDK, zod and what
// `gatecrash mcp` needs to answer tools/list, and every module a command loads later (the engine, the renderers, the
// knowledge base) becomes a chunk in dist/chunks/, loaded when that command or tool first runs.
//
// Why: Node resolves and compiles each ES module separately. Unbundled, the SDK and zod alone are some 270 modules,
// more than the cold-start budget of `gatecrash mcp` (150 ms to tools/list); bundled and minified they load in a
// fraction of that. Rolldown is the bundler vitest already brings (through vite), pinned to an exact version in
// package.json; with the same lock file and sources it writes the same bytes (content-hashed chunk names, no dates).
// Libraries loaded only with a scan or an optional feature stay ordinary imports from node_modules, and so does Ajv,
// which the SDK needs only to validate elicitation answers (sdk-node-shims.mjs).
// The other files in dist/ are tsc's output, unchanged: the library entry (dist/engine/index.js) and its modules.
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const input = join(dist, 'cli.js');
if (/from\s*"\.\/chunks\//.test(readFileSync(input, 'utf8'))) {
  console.error('bundle-cli: dist/cli.js is already a bundle; run `npm run build` (tsc first, then this script).');
  process.exit(2);
}
const EXTERNAL = ['undici', 'pino', 'jose', 'yaml', 'ipaddr.js', '@modelcontextprotocol/node', '@modelcontextprotocol/server-legacy'];

const out = mkdtempSync(join(tmpdir(), 'gatecrash-bundle-'));
try {
  await build({
    input,
    platform: 'node',
    // The SDK's Node shims without Ajv at start-up (see sdk-node-shims.mjs).
    resolve: { alias: { '@modelcontextprotocol/server/_shims': fileURLToPath(new URL('./sdk-node-shims.mjs', import.meta.url)) } },
    external: (id) => EXTERNAL.some((name) => id === name || id.startsWith(`${name}/`)) || id.startsWith('node:'),
    logLevel: 'warn',
    output: {
      dir: out,
      format: 'esm',
      entryFileNames: 'cli.js',
      chunkFileNames: 'chunks/[name]-[hash].js',
      minify: true,
      sourcemap: false,
    },
  });
  rmSync(join(dist, 'chunks'), { recursive: true, force: true });
  rmSync(join(dist, 'cli.js.map'), { force: true });
  cpSync(out, dist, { recursive: true });
} finally {
  rmSync(out, { recursive: true, force: true });
}
