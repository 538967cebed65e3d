import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // CDK synthesis and real Postgres/Redis round trips take longer than vitest's 5 s default.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: files that synthesize stacks or share the database run one at a time per worker.
    maxWorkers: 2,
    env: {
      POWERTOOLS_DEV: 'false',
    },
  },
});
