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
/**
 * Two chunks hold what `gatecrash mcp` loads before it answers tools/list, so it resolves three files, not twenty (each
 * import costs a resolution with realpath): `core`, shared by every command (zod, the configuration, small shared
 * modules), and `mcp` (the SDK, the server, its tools, resources and prompts, and the command module that starts it).
 * Everything else splits as it is imported.
 */
const CORE =
  /node_modules[\\/]zod[\\/]|dist[\\/](config|log|scan-store|zod-jitless|commands[\\/](main|flags|options|context|usage|usage-error|keep-scans))\.js$|dist[\\/]engine[\\/](types|target|options|rules|release|http[\\/]limits)\.js$|dist[\\/]report[\\/](json|schema|format)\.js$|dist[\\/]knowledge[\\/](types|schemas)\.js$/;
const MCP =
  /node_modules[\\/]@modelcontextprotocol[\\/](server|core)[\\/]|sdk-node-shims\.mjs$|dist[\\/](server|scan-runner|commands[\\/]serve)\.js$|dist[\\/](tools|resources|prompts)[\\/]/;
/** What `gatecrash mcp` runs before anything else: answering the handshake from the manifest, node builtins only. */
const FAST_START = /dist[\\/]transport[\\/]stdio-fast-start\.js$/;
/** Loaded by the first read of a rule page, with the knowledge base it renders. */
const LATER = /dist[\\/]resources[\\/]rule-page\.js$/;
const group = (id) => (FAST_START.test(id) ? 'fast-start' : CORE.test(id) ? 'core' : MCP.test(id) && !LATER.test(id) ? 'mcp' : null);

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
      codeSplitting: { groups: [{ name: group }] },
      minify: process.env.GATECRASH_BUNDLE_DEBUG !== '1',
      sourcemap: false,
    },
  });
  rmSync(join(dist, 'chunks'), { recursive: true, force: true });
  rmSync(join(dist, 'cli.js.map'), { force: true });
  cpSync(out, dist, { recursive: true });
} finally {
  rmSync(out, { recursive: true, force: true });
}
