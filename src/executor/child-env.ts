/**
 * The environment a Claude Code child gets. The SDK's `env` option REPLACES the child's environment, so we build
 * it whole: quiet defaults < the server's environment minus claude-worker's own settings and secrets (every
 * CLAUDE_WORKER_* variable, the API token above all) < overrides from the composition root < the task's own `env`
 * (never its reserved names: domain/task-env.ts).
 */
import { OWN_ENV_PREFIX as OWN_PREFIX, reservedEnvName } from '../domain/task-env.js';

/** Defaults a background run should have unless someone says otherwise. */
const CHILD_DEFAULTS: Record<string, string> = {
  // No telemetry, error reporting or auto-update checks from unattended runs.
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
};

export function buildChildEnv(
  serverEnv: NodeJS.ProcessEnv,
  overrides: Record<string, string>,
  taskEnv: Record<string, string>,
): Record<string, string> {
  const env: Record<string, string> = { ...CHILD_DEFAULTS };
  for (const [key, value] of Object.entries(serverEnv)) {
    if (value !== undefined && !key.startsWith(OWN_PREFIX)) env[key] = value;
  }
  // Validation refuses reserved names at submit; dropping them here too covers tasks stored before that rule.
  const own = Object.fromEntries(Object.entries(taskEnv).filter(([key]) => reservedEnvName(key) === null));
  return { ...env, ...overrides, ...own };
}
