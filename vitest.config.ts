import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// The local scan store (src/scan-store.ts) writes under $XDG_CACHE_HOME: tests, and the CLI and MCP processes they spawn,
// get a directory of their own, never the real home. test/setup/scan-store.ts creates and removes it.
export const TEST_CACHE_HOME = join(tmpdir(), `gatecrash-test-cache-${process.pid}`);

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Emulators and real servers bind loopback ports; a little parallelism, not a storm, on a 2-core machine.
    maxWorkers: 2,
    env: { XDG_CACHE_HOME: TEST_CACHE_HOME },
    globalSetup: ['test/setup/scan-store.ts'],
  },
});
