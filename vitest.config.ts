import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Emulators and real servers bind loopback ports; a little parallelism, not a storm, on a 2-core machine.
    maxWorkers: 2,
  },
});
