import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Two cores: end-to-end files spawn servers and Claude Code stand-ins; keep parallelism modest.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
