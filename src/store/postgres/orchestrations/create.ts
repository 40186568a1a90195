/**
 * createOrchestration and addOrchestrationTasks in PostgreSQL, each one transaction. Adding locks the
 * orchestration's row first (it may be finishing on another node), refuses when it was cancelled or spent its
 * budget (domain/rules/skips.ts `checkCanAddTasks`), and applies trigger rules at once to added tasks whose dependencies already finished.
 */
import { jsonOrNull } from '../../codec/values.js';
import { orchestrationCreatedEvent } from '../../../domain/rules/new-task.js';
import { sql } from 'kysely';
import type { Actor, OrchestrationDetail, TaskStatus } from '../../../domain/vocabulary.js';
import { emptyCounts } from '../../../domain/rules/orchestration-status.js';
import { checkCanAddTasks, orchestrationNotFound } from '../../../domain/rules/skips.js';
import { orchestrationFromRow as rowToOrchestration } from '../../codec/orchestration-codec.js';
import type { NewOrchestration, NewOrchestrationTask } from '../../store.js';
import type { OrchestrationRow } from '../schema.js';
import type { PgTx } from '../transactions.js';
import { insertTasks, type ExistingTask } from './insert.js';
import { getOrchestration } from './reads.js';
import { PgResolution, type Cause } from './resolution.js';
import { lockOrchestrations, summaries } from './statements.js';

function causeOf(tx: PgTx, actor: Actor): Cause {
  return { actor: actor.actor, correlation_id: actor.correlation_id ?? null, now: tx.now };
}

export async function createOrchestration(
  tx: PgTx,
  orchestration: NewOrchestration,
  tasks: NewOrchestrationTask[],
  actor: Actor,
): Promise<OrchestrationDetail> {
  const cause = causeOf(tx, actor);
  const row = await tx.row(sql<OrchestrationRow>`
    INSERT INTO orchestrations (name, max_parallel, budget_usd, notify, created_at, updated_at)
    VALUES (${orchestration.name}, ${orchestration.max_parallel}, ${orchestration.budget_usd},
            ${jsonOrNull(orchestration.notify)}, ${cause.now}, ${cause.now})
    RETURNING *`);
  if (!row) throw new Error('claude-worker store: an orchestration insert returned nothing');
  tx.append({
    ...orchestrationCreatedEvent(orchestration, tasks.length),
    task_id: null,
    orchestration_id: row.id,
    from_status: null,
    to_status: null,
    actor: cause.actor,
    correlation_id: cause.correlation_id,
  });
  // A new graph has no finished dependency: every trigger rule says wait, nothing to resolve yet.
  const inserted = await insertTasks(tx, row.id, tasks, new Map(), cause);
  const counts = emptyCounts();
  for (const { task } of inserted) counts[task.status] += 1;
  return { ...rowToOrchestration(row, counts), tasks: inserted.map((t) => t.task) };
}

export async function addOrchestrationTasks(
  tx: PgTx,
  orchestrationId: number,
  tasks: NewOrchestrationTask[],
  actor: Actor,
): Promise<OrchestrationDetail> {
  const cause = causeOf(tx, actor);
  await lockOrchestrations(tx, [orchestrationId]);
  const row = await summaries.row(tx, orchestrationId);
  if (!row) throw orchestrationNotFound(orchestrationId);
  checkCanAddTasks({
    id: orchestrationId,
    cancel_requested: row.cancel_requested !== 0,
    budget_exhausted: row.budget_exhausted !== 0,
    cost_usd: row.cost_usd,
    budget_usd: row.budget_usd,
  });
  const names = [...new Set(tasks.flatMap((t) => [t.identifier, ...t.depends_on]))];
  const found = await tx.rows(sql<{ id: number; identifier: string; status: string }>`
    SELECT id, identifier, status FROM tasks
    WHERE orchestration_id = ${orchestrationId} AND identifier = ANY(${names}::text[])`);
  const existing = new Map<string, ExistingTask>(
    found.map((t) => [t.identifier, { id: t.id, status: t.status as TaskStatus }]),
  );
  const inserted = await insertTasks(tx, orchestrationId, tasks, existing, cause);
  tx.append({
    type: 'orchestration_tasks_added',
    task_id: null,
    orchestration_id: orchestrationId,
    from_status: null,
    to_status: null,
    actor: cause.actor,
    correlation_id: cause.correlation_id,
    data: { identifiers: inserted.map((t) => t.task.identifier) },
  });
  const resolution = new PgResolution(tx);
  // A finished orchestration is open again with new unfinished tasks (settle clears finished_at).
  resolution.touch(orchestrationId, cause);
  for (const { task, finishedDependencies } of inserted) {
    if (finishedDependencies > 0) await resolution.evaluate(task.id, cause);
  }
  await resolution.settle();
  const detail = await getOrchestration(tx, orchestrationId);
  if (!detail)
    throw new Error(`claude-worker store: orchestration ${orchestrationId} vanished inside its transaction`);
  return detail;
}
