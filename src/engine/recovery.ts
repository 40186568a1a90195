/**
 * Recovery. At start: tasks left `running` by a process of this host that no longer exists are requeued at once as
 * a new attempt (the old one recorded `interrupted`, not counted against max_attempts); tasks whose lease expired
 * (any host) likewise. On every heartbeat: tasks whose lease expired (their node died or lost the store), whichever
 * node ran them. A task interrupted `max_interruptions` times in a row fails as `worker_lost` instead. Tasks of live
 * workers are left alone. First, a Claude Code process of theirs still running on this host is stopped (orphans.ts).
 * Each recovered task's log says what happened.
 */
import type { Task } from '../domain/vocabulary.js';
import type { Logger } from '../observability/logger.js';
import type { Store } from '../store/store.js';
import { stopOrphans } from './orphans.js';
import type { TaskOutput } from './task-output.js';
import { isDeadLocalWorker } from './worker-id.js';

export async function recoverOrphans(
  store: Store,
  selfId: string,
  output: TaskOutput,
  logger: Logger,
  maxInterruptions?: number,
): Promise<Task[]> {
  const deadWorkers = new Set<string>();
  const orphaned: Task[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listTasks({ status: ['running'], limit: 500, cursor });
    for (const task of page.tasks) {
      const expired = task.lease_expires_at !== null && Date.parse(task.lease_expires_at) <= Date.now();
      const deadHere = task.worker_id !== null && isDeadLocalWorker(task.worker_id, selfId);
      if (deadHere) deadWorkers.add(task.worker_id!);
      if (deadHere || expired) orphaned.push(task);
    }
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  // Their Claude Code processes may still run on this host (no pdeathsig here, or it was off): stop them first.
  for (const task of orphaned) {
    try {
      await stopOrphans(task, null, { store, logger, output });
    } catch (err) {
      logger.warn(
        { task_id: task.id, err: String(err) },
        'could not check for an orphaned Claude Code process',
      );
    }
  }

  const recovered = await store.recoverTasks({
    expired_leases: true,
    dead_worker_ids: [...deadWorkers],
    actor: { actor: 'recovery' },
    max_interruptions: maxInterruptions,
  });
  await noteRecovered(recovered, output);
  return recovered;
}

/** The periodic pass: requeues the running tasks of any node whose lease expired. Safe on every node at once. */
export async function recoverExpired(
  store: Store,
  output: TaskOutput,
  maxInterruptions?: number,
): Promise<Task[]> {
  const recovered = await store.recoverTasks({
    expired_leases: true,
    actor: { actor: 'recovery' },
    max_interruptions: maxInterruptions,
  });
  await noteRecovered(recovered, output);
  return recovered;
}

async function noteRecovered(recovered: Task[], output: TaskOutput): Promise<void> {
  for (const task of recovered) {
    const next =
      task.status === 'queued'
        ? 'requeued; the interrupted attempt does not count against max_attempts'
        : `${task.status} (${task.error?.code ?? 'ended'}: ${task.error?.message ?? 'no reason recorded'})`;
    const line = `[recovery] attempt ${task.attempt_count} was interrupted: its worker stopped. Task ${next}.`;
    output.line(task, line);
    await output.close(task);
    output.global(`task ${task.id} recovered: ${next}`);
  }
}
