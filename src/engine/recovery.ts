/**
 * Recovery. At start: tasks left `running` by a process of this host that no longer exists are requeued at once as
 * a new attempt (the old one recorded `interrupted`); tasks whose lease expired (any host) likewise. On every
 * heartbeat: tasks whose lease expired (their node died or lost the store), whichever node ran them. Tasks of live
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
  await noteRecovered(recovered, output);
  return recovered;
}

/** The periodic pass: requeues the running tasks of any node whose lease expired. Safe on every node at once. */
export async function recoverExpired(store: Store, output: TaskOutput): Promise<Task[]> {
  const recovered = await store.recoverTasks({ expired_leases: true, actor: { actor: 'recovery' } });
  await noteRecovered(recovered, output);
  return recovered;
}

async function noteRecovered(recovered: Task[], output: TaskOutput): Promise<void> {
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
}
