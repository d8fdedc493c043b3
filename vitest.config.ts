import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    // fast-check's seed is fixed (vitest.setup.ts): no test depends on the day it runs.
    setupFiles: ['./vitest.setup.ts'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // better-sqlite3 and real sockets: forks isolate native handles per file.
    pool: 'forks',
  },
});
