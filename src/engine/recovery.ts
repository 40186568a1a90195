/**
 * Start-up recovery: tasks left `running` by a process of this host that no longer exists are requeued at once as
 * a new attempt (the old one recorded `interrupted`); tasks whose lease expired (any host) likewise. Tasks of live
 * workers are left alone. Each recovered task's log says what happened.
 */
import type { Task } from '../domain/vocabulary.js';
import type { Store } from '../store/store.js';
import type { TaskOutput } from './task-output.js';
import { isDeadLocalWorker } from './worker-id.js';

export async function recoverOrphans(store: Store, selfId: string, output: TaskOutput): Promise<Task[]> {
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
  });
  for (const task of recovered) {
    const next =
      task.status === 'queued'
        ? 'requeued for another attempt'
        : `${task.status} (${task.error?.code ?? 'no attempts left'})`;
    const line = `[recovery] attempt ${task.attempt_count} was interrupted: its worker stopped. Task ${next}.`;
    output.line(task, line);
    await output.close(task);
    output.global(`task ${task.id} recovered: ${next}`);
  }
  return recovered;
}
