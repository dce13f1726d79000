import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

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
    // That parser imports its JSON schema without an import attribute (it is built for bundlers): let Vite load it, as a
    // bundler would.
    server: { deps: { inline: ['@actions/workflow-parser'] } },
  },
});
