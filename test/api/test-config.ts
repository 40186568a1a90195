/**
 * A Config for API tests: the defaults, a temporary home, port 0 (the OS picks), quick heartbeats, and the Claude
 * Code stand-in as the executable.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULTS, type Config } from '../../src/config/schema.js';

export const FAKE_CLAUDE = resolve('test/fixtures/fake-claude.mjs');

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function apiTestConfig(home: string, overrides: Partial<Config> = {}): Config {
  return {
    ...DEFAULTS,
    home,
    claude_path: FAKE_CLAUDE,
    port: 0,
    concurrency: 4,
    heartbeat_seconds: 0.5,
    poll_seconds: 0.5,
    lease_seconds: 5,
    log_level: 'warn',
    ...overrides,
  };
}
