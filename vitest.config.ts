import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// The local scan store (src/scan-store.ts) writes under $XDG_CACHE_HOME: tests, and the CLI and MCP processes they spawn,
// get a directory of their own, never the real home. test/setup/scan-store.ts creates and removes it.
export const TEST_CACHE_HOME = join(tmpdir(), `gatecrash-test-cache-${process.pid}`);

export default defineConfig({
  plugins: [
    {
      // GitHub's workflow parser ships source maps that point at sources it does not ship: read its files without the
      // map comment, or Vite warns once per file.
      name: 'actions-without-source-maps',
      enforce: 'pre',
      load(id) {
        if (!/\/node_modules\/@actions\/.*\.js$/.test(id)) return null;
        return readFileSync(id, 'utf8').replace(/^\/\/# sourceMappingURL=.*$/m, '');
      },
    },
  ],
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Emulators and real servers bind loopback ports; a little parallelism, not a storm, on a 2-core machine.
    maxWorkers: 2,
    env: { XDG_CACHE_HOME: TEST_CACHE_HOME },
    globalSetup: ['test/setup/scan-store.ts'],
    // That parser imports its JSON schema without an import attribute (it is built for bundlers): let Vite load it, as a
    // bundler would.
    server: { deps: { inline: ['@actions/workflow-parser'] } },
  },
});
