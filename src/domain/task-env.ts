/**
 * What a task's `env` may hold. Its variables reach the Claude Code child, so they must not reach into
 * claude-worker itself: `CLAUDE_WORKER_*` names configure claude-worker (a task setting CLAUDE_WORKER_URL or
 * CLAUDE_WORKER_TOKEN would redirect every `claude-worker` command its agent runs), and a few names are set by the
 * executor for every task. Values cannot hold NUL bytes (no process environment can), and the whole `env` must stay
 * small enough for the operating system to start a process with it (Linux refuses one variable over 128 KiB with
 * E2BIG). Pure rules, shared by every edge through the contract schemas and by the executor.
 */

/** Prefix of claude-worker's own settings and secrets; never passed to a task's child. */
export const OWN_ENV_PREFIX = 'CLAUDE_WORKER_';

/** Variables the executor (or the Agent SDK under it) sets for every Claude Code child, with who decides them. */
export const EXECUTOR_ENV_NAMES: Readonly<Record<string, string>> = {
  CLAUDE_CODE_MAX_RETRIES: 'the claude_max_retries setting',
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: 'claude-worker (no telemetry from unattended runs)',
  CLAUDE_CODE_ENTRYPOINT: 'the Claude Agent SDK',
  CLAUDE_AGENT_SDK_VERSION: 'the Claude Agent SDK',
};

/** The largest task `env`, counted as `NAME=value` plus a terminator per variable, in UTF-8 bytes. */
export const TASK_ENV_LIMIT_BYTES = 100 * 1024;

const UTF8 = new TextEncoder();

export interface EnvProblem {
  /** The variable the problem is about; null for the whole `env`. */
  key: string | null;
  message: string;
}

/** Why `name` cannot be set by a task, or null when it can. Names compare case-insensitively. */
export function reservedEnvName(name: string): string | null {
  const upper = name.toUpperCase();
  if (upper.startsWith(OWN_ENV_PREFIX)) {
    return `"${name}" is reserved: ${OWN_ENV_PREFIX}* variables configure claude-worker itself and are never passed to tasks. Use another name.`;
  }
  const setter = Object.entries(EXECUTOR_ENV_NAMES).find(([reserved]) => reserved === upper)?.[1];
  if (setter) {
    return `"${name}" is reserved: it is set for every task by ${setter}, so a task cannot set it. Use another name.`;
  }
  return null;
}

/** The size `env` takes in a process environment, in bytes. */
export function envBytes(env: Readonly<Record<string, string>>): number {
  let total = 0;
  for (const [key, value] of Object.entries(env)) total += UTF8.encode(`${key}=${value}`).length + 1;
  return total;
}

/** Every problem with a task's `env` (reserved names, NUL bytes, total size); empty when it can be used. */
export function taskEnvProblems(env: Readonly<Record<string, string>>): EnvProblem[] {
  const problems: EnvProblem[] = [];
  for (const [key, value] of Object.entries(env)) {
    const reserved = reservedEnvName(key);
    if (reserved) problems.push({ key, message: reserved });
    if (value.includes('\0')) {
      problems.push({
        key,
        message: 'the value holds a NUL byte (\\0), which no process environment can carry; remove it',
      });
    }
  }
  const bytes = envBytes(env);
  if (bytes > TASK_ENV_LIMIT_BYTES) problems.push({ key: null, message: envTooLargeMessage(bytes) });
  return problems;
}

export function envTooLargeMessage(bytes: number): string {
  return `the variables take ${bytes} bytes (counted as NAME=value), over the limit of ${TASK_ENV_LIMIT_BYTES} bytes (100 KiB) per task; the operating system cannot start a process with that much. Put large values in a file in the working directory and pass its path instead.`;
}
