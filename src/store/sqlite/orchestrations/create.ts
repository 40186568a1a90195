/**
 * createOrchestration and addOrchestrationTasks, each one transaction: the orchestration row (or the existing one,
 * checked), its new tasks, edges and events, and for added tasks whose dependencies already finished, their
 * trigger rules at once (they may be queued or skipped right away). Returns the orchestration with all its tasks.
 */
import { orchestrationCreatedEvent } from '../../../domain/rules/new-task.js';
import type { Actor, OrchestrationDetail, TaskStatus } from '../../../domain/vocabulary.js';
import type { NewOrchestration, NewOrchestrationTask } from '../../store.js';
import type { StoreContext } from '../context.js';
import { prepareInsertTasks, type ExistingTask } from './insert.js';
import type { OrchestrationReads } from './reads.js';
import type { Cause, Resolver } from './resolution.js';
import type { OrchestrationRow } from '../schema.js';
import { emptyCounts } from '../../../domain/rules/orchestration-status.js';
import { checkCanAddTasks, orchestrationNotFound } from '../../../domain/rules/skips.js';
import { orchestrationFromRow } from '../../codec/orchestration-codec.js';
import { jsonOrNull } from '../../codec/values.js';

export interface OrchestrationWrites {
  create(orchestration: NewOrchestration, tasks: NewOrchestrationTask[], actor: Actor): OrchestrationDetail;
  addTasks(orchestrationId: number, tasks: NewOrchestrationTask[], actor: Actor): OrchestrationDetail;
}

export function prepareOrchestrationWrites(
  ctx: StoreContext,
  resolver: Resolver,
  reads: OrchestrationReads,
): OrchestrationWrites {
  const insertTasks = prepareInsertTasks(ctx);
  const insertOrchestration = ctx.db.prepare<
    [string | null, number | null, number | null, string | null, number, number]
  >(
    `INSERT INTO orchestrations (name, max_parallel, budget_usd, notify, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const existingTasks = ctx.db.prepare<[number, string], { id: number; identifier: string; status: string }>(
    `SELECT id, identifier, status FROM tasks
     WHERE orchestration_id = ? AND identifier IN (SELECT value FROM json_each(?))`,
  );

  const causeOf = (actor: Actor): Cause => ({
    actor: actor.actor,
    correlation_id: actor.correlation_id ?? null,
    now: Date.now(),
  });

  const detail = (id: number): OrchestrationDetail => {
    const found = reads.get(id);
    if (!found) throw new Error(`claude-worker store: orchestration ${id} vanished inside its transaction`);
    return found;
  };

  return {
    create: (orchestration, tasks, actor) =>
      ctx.tx.write(() => {
        const cause = causeOf(actor);
        const { lastInsertRowid } = insertOrchestration.run(
          orchestration.name,
          orchestration.max_parallel,
          orchestration.budget_usd,
          jsonOrNull(orchestration.notify),
          cause.now,
          cause.now,
        );
        const id = Number(lastInsertRowid);
        ctx.tx.append(
          {
            ...orchestrationCreatedEvent(orchestration, tasks.length),
            task_id: null,
            orchestration_id: id,
            from_status: null,
            to_status: null,
            actor: cause.actor,
            correlation_id: cause.correlation_id,
          },
          cause.now,
        );
        // A new graph has no finished dependency: every trigger rule says wait, nothing to resolve yet.
        const inserted = insertTasks(id, tasks, new Map(), cause);
        const counts = emptyCounts();
        for (const { task } of inserted) counts[task.status] += 1;
        const row: OrchestrationRow = {
          id,
          name: orchestration.name,
          max_parallel: orchestration.max_parallel,
          budget_usd: orchestration.budget_usd,
          notify: jsonOrNull(orchestration.notify),
          cost_usd: 0,
          cancel_requested: 0,
          budget_exhausted: 0,
          status_reason: null,
          created_at: cause.now,
          updated_at: cause.now,
          finished_at: null,
        };
        // Built from what was written (reading 10,000 tasks back would double the cost of accepting them).
        return { ...orchestrationFromRow(row, counts), tasks: inserted.map((t) => t.task) };
      }),

    addTasks: (orchestrationId, tasks, actor) =>
      ctx.tx.write(() => {
        const cause = causeOf(actor);
        const row = resolver.summaries.row(orchestrationId);
        if (!row) throw orchestrationNotFound(orchestrationId);
        checkCanAddTasks({
          id: orchestrationId,
          cancel_requested: row.cancel_requested !== 0,
          budget_exhausted: row.budget_exhausted !== 0,
          cost_usd: row.cost_usd,
          budget_usd: row.budget_usd,
        });
        const names = new Set(tasks.flatMap((t) => [t.identifier, ...t.depends_on]));
        const existing = new Map<string, ExistingTask>(
          existingTasks
            .all(orchestrationId, JSON.stringify([...names]))
            .map((t) => [t.identifier, { id: t.id, status: t.status as TaskStatus }]),
        );
        const inserted = insertTasks(orchestrationId, tasks, existing, cause);
        ctx.tx.append(
          {
            type: 'orchestration_tasks_added',
            task_id: null,
            orchestration_id: orchestrationId,
            from_status: null,
            to_status: null,
            actor: cause.actor,
            correlation_id: cause.correlation_id,
            data: { identifiers: inserted.map((t) => t.task.identifier) },
          },
          cause.now,
        );
        const resolution = resolver.begin();
        // A finished orchestration is open again with new unfinished tasks (settle clears finished_at).
        resolution.touch(orchestrationId, cause);
        for (const { task, finishedDependencies } of inserted) {
          if (finishedDependencies > 0) resolution.evaluate(task.id, cause);
        }
        resolution.settle();
        return detail(orchestrationId);
      }),
  };
}
