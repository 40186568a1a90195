/**
 * A Config for API tests: the defaults, a temporary home, port 0 (the OS picks), quick heartbeats, and the Claude
 * Code stand-in as the executable.
 */
import type { Config } from '../../src/config/schema.js';
import { testConfig } from '../helpers/harness.js';

export { FAKE_CLAUDE, tempDir } from '../helpers/harness.js';

export function apiTestConfig(home: string, overrides: Partial<Config> = {}): Config {
  return testConfig(home, { concurrency: 4, log_level: 'warn', ...overrides });
}
