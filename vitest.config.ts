import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Claude Code (and our stand-in) keep session transcripts in CLAUDE_CONFIG_DIR: never the user's ~/.claude.
    env: { CLAUDE_CONFIG_DIR: join(tmpdir(), 'cw-test-claude-config') },
    // Two cores: end-to-end files spawn servers and Claude Code stand-ins; keep parallelism modest.
    maxWorkers: 2,
    minWorkers: 1,
    // The JSON report lets .ci/run print a plain "N passed, N failed" line.
    reporters: ['default', 'json'],
    outputFile: { json: '.tmp/vitest-results.json' },
  },
});
