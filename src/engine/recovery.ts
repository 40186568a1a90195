/**
 * Start-up recovery: tasks left `running` by a process of this host that no longer exists are requeued at once as
 * a new attempt (the old one recorded `interrupted`, not counted against max_attempts); tasks whose lease expired
 * (any host) likewise. A task interrupted `max_interruptions` times in a row fails as `worker_lost` instead. Tasks
 * of live workers are left alone. Each recovered task's log says what happened.
 */
import type { Task } from '../domain/vocabulary.js';
import type { Store } from '../store/store.js';
import type { TaskOutput } from './task-output.js';
import { isDeadLocalWorker } from './worker-id.js';

export async function recoverOrphans(
  store: Store,
  selfId: string,
  output: TaskOutput,
  maxInterruptions?: number,
): Promise<Task[]> {
  const deadWorkers = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await store.listTasks({ status: ['running'], limit: 500, cursor });
    for (const task of page.tasks) {
      if (task.worker_id && isDeadLocalWorker(task.worker_id, selfId)) deadWorkers.add(task.worker_id);
    }
    cursor = page.next_cursor ?? undefined;
  } while (cursor);

  const recovered = await store.recoverTasks({
    expired_leases: true,
    dead_worker_ids: [...deadWorkers],
    actor: { actor: 'recovery' },
    max_interruptions: maxInterruptions,
  });
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
  return recovered;
}
