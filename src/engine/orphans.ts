/**
 * Stopping orphans: the Claude Code process of an earlier attempt that outlived its worker (the server was killed)
 * must not go on editing files while the task runs again. Before a task is resumed or re-run on this host, and when
 * recovery at start requeues a dead worker's tasks, each earlier attempt's recorded child is looked at; it is
 * stopped (its whole process group: SIGTERM, a short wait, SIGKILL) only when it ran on this host, is still alive,
 * and its start time matches the recorded one. A pid since reused by another process is never touched.
 */
import { hostname } from 'node:os';
import type { Attempt, Task } from '../domain/vocabulary.js';
import type { Logger } from '../observability/logger.js';
import { isAlive } from '../platform/process-alive.js';
import { stopGroup } from '../platform/process-group.js';
import { processStartToken } from '../platform/process-identity.js';
import type { Store } from '../store/store.js';
import type { TaskOutput } from './task-output.js';

export interface OrphanDeps {
  store: Store;
  logger: Logger;
  output: TaskOutput;
  /** How long a stopped orphan gets after SIGTERM before SIGKILL. */
  graceMs?: number;
}

/** What to do with an attempt's recorded child: pure, given what the machine says about that pid now. */
export function orphanVerdict(
  attempt: Pick<Attempt, 'child_pid' | 'child_start' | 'child_host' | 'orphan_stopped_at'>,
  here: { host: string; alive: (pid: number) => boolean; startOf: (pid: number) => string | null },
): 'stop' | 'gone' | 'elsewhere' | 'pid_reused' | 'none' {
  if (attempt.child_pid === null || attempt.orphan_stopped_at !== null) return 'none';
  if (attempt.child_host !== here.host) return 'elsewhere';
  if (!here.alive(attempt.child_pid)) return 'gone';
  const start = here.startOf(attempt.child_pid);
  if (start === null || attempt.child_start === null || start !== attempt.child_start) return 'pid_reused';
  return 'stop';
}

/**
 * Stops the live children of `task`'s attempts before `beforeAttempt` (all when null) that outlived their worker.
 * Each one stopped is logged, written to the task log and recorded as an `orphan_stopped` event.
 */
export async function stopOrphans(
  task: Task,
  beforeAttempt: number | null,
  deps: OrphanDeps,
): Promise<number> {
  const attempts = await deps.store.listAttempts(task.id);
  const here = { host: hostname(), alive: isAlive, startOf: processStartToken };
  let stopped = 0;
  for (const attempt of attempts) {
    if (beforeAttempt !== null && attempt.number >= beforeAttempt) continue;
    const verdict = orphanVerdict(attempt, here);
    const pid = attempt.child_pid;
    if (verdict === 'pid_reused') {
      deps.logger.warn(
        { task_id: task.id, attempt: attempt.number, pid },
        'the pid of an earlier attempt now belongs to another process; left alone',
      );
    }
    if (verdict !== 'stop' || pid === null) continue;
    const how = await stopGroup(pid, deps.graceMs);
    stopped++;
    const line =
      `[recovery] the Claude Code process of attempt ${attempt.number} (pid ${pid}) outlived its worker; ` +
      `stopped it and its process group (${how === 'terminated' ? 'SIGTERM' : 'SIGKILL'}) before the task runs again.`;
    deps.logger.warn(
      { task_id: task.id, attempt: attempt.number, pid, how },
      'stopped an orphaned Claude Code process',
    );
    deps.output.line(task, line);
    deps.output.global(
      `task ${task.id} attempt ${attempt.number}: orphaned Claude Code process ${pid} stopped`,
    );
    await deps.store.recordOrphanStopped(
      task.id,
      attempt.number,
      {
        pid,
        host: attempt.child_host,
        child_start: attempt.child_start,
        signal: how === 'terminated' ? 'SIGTERM' : 'SIGKILL',
      },
      { actor: 'recovery' },
    );
  }
  return stopped;
}
