/**
 * Pruning: deletes what finished before a cut-off — standalone tasks in a final status, and orchestrations whose
 * every task finished (whole: tasks, dependency edges, staged rows) — with their attempts, events, stored output and mirrored Claude sessions. Work goes in
 * batches, one IMMEDIATE transaction each, so a writer waits at most one batch, however large the store. A dry run
 * counts the same rows and deletes nothing. One `store_pruned` event records what a real run deleted. Webhook
 * deliveries about what is deleted go with it (their events are gone; the log would point at nothing).
 * The `/metrics` counters keep what is deleted: a due seal runs first, and each batch folds the attempts it deletes
 * that are not sealed yet into the totals, in the transaction that deletes them (store/sqlite/metrics-seal.ts).
 */
import { TERMINAL_STATUSES, type Actor } from '../../domain/vocabulary.js';
import type { PruneCounts, PruneRequest, PruneResult } from '../store.js';
import type { StoreContext } from './context.js';
import type { MetricsSeal } from './metrics-seal.js';

const DEFAULT_BATCH = 2_000;
const FINAL = TERMINAL_STATUSES.map((s) => `'${s}'`).join(', ');

/** Standalone tasks in a final status that finished before the cut-off. */
const STANDALONE = `orchestration_id IS NULL AND status IN (${FINAL}) AND finished_at < @before`;
/** Orchestrations settled before the cut-off (settling stamps finished_at once no task is left unfinished). */
const SETTLED = `finished_at IS NOT NULL AND finished_at < @before`;

export function preparePrune(ctx: StoreContext, seal: MetricsSeal) {
  const { db } = ctx;
  const count = {
    standalone: db.prepare<[{ before: number }], { tasks: number; attempts: number; events: number }>(`
      SELECT COUNT(*) AS tasks,
             COALESCE(SUM((SELECT COUNT(*) FROM attempts a WHERE a.task_id = t.id)), 0) AS attempts,
             COALESCE(SUM((SELECT COUNT(*) FROM events e WHERE e.task_id = t.id)), 0) AS events
      FROM tasks t WHERE ${STANDALONE}`),
    orchestrations: db.prepare<
      [{ before: number }],
      { orchestrations: number; tasks: number; attempts: number; events: number }
    >(`
      SELECT COUNT(*) AS orchestrations,
             COALESCE(SUM((SELECT COUNT(*) FROM tasks t WHERE t.orchestration_id = o.id)), 0) AS tasks,
             COALESCE(SUM((SELECT COUNT(*) FROM attempts a JOIN tasks t ON t.id = a.task_id
                            WHERE t.orchestration_id = o.id)), 0) AS attempts,
             COALESCE(SUM((SELECT COUNT(*) FROM events e WHERE e.orchestration_id = o.id)), 0) AS events
      FROM orchestrations o WHERE ${SETTLED}`),
  };
  const pick = {
    standalone: db.prepare<
      [{ before: number; limit: number }],
      { id: number; log_path: string | null; transcript_path: string | null }
    >(`SELECT id, log_path, transcript_path FROM tasks WHERE ${STANDALONE} ORDER BY id LIMIT @limit`),
    orchestrations: db.prepare<[{ before: number; limit: number }], { id: number }>(
      `SELECT id FROM orchestrations WHERE ${SETTLED} ORDER BY id LIMIT @limit`,
    ),
    orchestrationTasks: db.prepare<
      [number],
      { id: number; log_path: string | null; transcript_path: string | null }
    >('SELECT id, log_path, transcript_path FROM tasks WHERE orchestration_id = ?'),
  };
  const remove = {
    attempts: db.prepare<[number]>('DELETE FROM attempts WHERE task_id = ?'),
    taskEvents: db.prepare<[number]>('DELETE FROM events WHERE task_id = ?'),
    orchestrationEvents: db.prepare<[number]>('DELETE FROM events WHERE orchestration_id = ?'),
    taskDeliveries: db.prepare<[number]>('DELETE FROM webhook_deliveries WHERE task_id = ?'),
    orchestrationDeliveries: db.prepare<[number]>(
      'DELETE FROM webhook_deliveries WHERE orchestration_id = ?',
    ),
    edges: db.prepare<[number]>('DELETE FROM task_dependencies WHERE task_id = ?'),
    output: db.prepare<[number]>('DELETE FROM task_output WHERE task_id = ?'),
    sessions: db.prepare<[number, number]>(
      `DELETE FROM session_entries WHERE session_id IN (
         SELECT session_id FROM attempts WHERE task_id = ? AND session_id IS NOT NULL
         UNION SELECT session_id FROM tasks WHERE id = ? AND session_id IS NOT NULL)`,
    ),
    task: db.prepare<[number]>('DELETE FROM tasks WHERE id = ?'),
    staged: db.prepare<[number]>('DELETE FROM staged_tasks WHERE orchestration_id = ?'),
    orchestration: db.prepare<[number]>('DELETE FROM orchestrations WHERE id = ?'),
  };

  function countOnly(before: number): PruneCounts {
    const s = count.standalone.get({ before })!;
    const o = count.orchestrations.get({ before })!;
    return {
      tasks: s.tasks + o.tasks,
      attempts: s.attempts + o.attempts,
      events: s.events + o.events,
      orchestrations: o.orchestrations,
    };
  }

  /** Deletes one task with its attempts and events; adds what it deleted to `counts`. */
  function deleteTask(id: number, counts: PruneCounts): void {
    remove.sessions.run(id, id);
    counts.attempts += remove.attempts.run(id).changes;
    counts.events += remove.taskEvents.run(id).changes;
    remove.taskDeliveries.run(id);
    remove.edges.run(id);
    remove.output.run(id);
    counts.tasks += remove.task.run(id).changes;
  }

  return (request: PruneRequest): PruneResult => {
    const before = request.finished_before.getTime();
    if (request.dry_run) return { ...countOnly(before), dry_run: true, log_paths: [] };
    const batch = request.batch_size ?? DEFAULT_BATCH;
    const now = Date.now();
    while (seal.sealStep(now)) continue;
    const counts: PruneCounts = { tasks: 0, attempts: 0, events: 0, orchestrations: 0 };
    const logPaths: string[] = [];
    const keepPaths = (row: { log_path: string | null; transcript_path: string | null }) => {
      if (row.log_path) logPaths.push(row.log_path);
      if (row.transcript_path) logPaths.push(row.transcript_path);
    };

    for (;;) {
      const done = ctx.tx.write(() => {
        const orchestrations = pick.orchestrations.all({
          before,
          limit: Math.max(1, Math.floor(batch / 50)),
        });
        const tasks = orchestrations.map(({ id }) => pick.orchestrationTasks.all(id));
        seal.fold(tasks.flat().map((task) => task.id));
        for (const [i, { id }] of orchestrations.entries()) {
          for (const task of tasks[i] ?? []) {
            keepPaths(task);
            deleteTask(task.id, counts);
          }
          counts.events += remove.orchestrationEvents.run(id).changes;
          remove.orchestrationDeliveries.run(id);
          remove.staged.run(id);
          counts.orchestrations += remove.orchestration.run(id).changes;
        }
        return orchestrations.length === 0;
      });
      if (done) break;
    }
    for (;;) {
      const done = ctx.tx.write(() => {
        const tasks = pick.standalone.all({ before, limit: batch });
        seal.fold(tasks.map((task) => task.id));
        for (const task of tasks) {
          keepPaths(task);
          deleteTask(task.id, counts);
        }
        return tasks.length === 0;
      });
      if (done) break;
    }
    if (counts.tasks + counts.orchestrations + counts.events > 0)
      recordPrune(ctx, request.actor, request, counts);
    return { ...counts, dry_run: false, log_paths: logPaths };
  };
}

function recordPrune(ctx: StoreContext, actor: Actor, request: PruneRequest, counts: PruneCounts): void {
  ctx.tx.write(() => {
    ctx.tx.append(
      {
        type: 'store_pruned',
        task_id: null,
        orchestration_id: null,
        from_status: null,
        to_status: null,
        actor: actor.actor,
        correlation_id: actor.correlation_id ?? null,
        data: { finished_before: request.finished_before.toISOString(), ...counts },
      },
      Date.now(),
    );
  });
}
