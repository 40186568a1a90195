/**
 * Staged groups in PostgreSQL (MCP `create_task` with `orchestration_group`, then `submit_orchestration`). Each
 * write holds a transaction-scoped advisory lock on the group's name, so two MCP processes on different nodes
 * staging or submitting the same group at once cannot both succeed. No events (staging is not a transition).
 * The rules are domain/rules/staging.ts; rows read through the shared codec.
 */
import { sql } from 'kysely';
import type { Actor } from '../../domain/vocabulary.js';
import { checkCanStage, checkCanSubmit } from '../../domain/rules/staging.js';
import { stagedTaskFromRow, type StagedTaskRecordRow as StagedRow } from '../codec/staged-task-codec.js';
import type { StagedTask } from '../store.js';
import type { PgTx } from './transactions.js';

export async function listStaged(tx: Pick<PgTx, 'rows'>, group: string): Promise<StagedTask[]> {
  const rows = await tx.rows(sql<StagedRow>`
    SELECT group_name, identifier, document, actor, correlation_id, staged_at, orchestration_id, submitted_at
    FROM staged_tasks WHERE group_name = ${group} ORDER BY seq`);
  return rows.map(stagedTaskFromRow);
}

/** The group's staged tasks, read under a lock on its name (held until the transaction ends). */
async function listStagedLocked(tx: PgTx, group: string): Promise<StagedTask[]> {
  await tx.rows(
    sql`SELECT pg_advisory_xact_lock(hashtext('claude-worker staged group'), hashtext(${group}))`,
  );
  return listStaged(tx, group);
}

export async function stageTask(
  tx: PgTx,
  group: string,
  identifier: string,
  document: Record<string, unknown>,
  actor: Actor,
): Promise<StagedTask[]> {
  checkCanStage(group, identifier, await listStagedLocked(tx, group));
  await tx.rows(sql`
    INSERT INTO staged_tasks (group_name, identifier, document, actor, correlation_id, staged_at)
    VALUES (${group}, ${identifier}, ${JSON.stringify(document)}, ${actor.actor}, ${actor.correlation_id ?? null},
            ${tx.now})`);
  return listStaged(tx, group);
}

export async function markGroupSubmitted(
  tx: PgTx,
  group: string,
  orchestrationId: number,
): Promise<StagedTask[]> {
  checkCanSubmit(group, await listStagedLocked(tx, group));
  await tx.rows(sql`
    UPDATE staged_tasks SET orchestration_id = ${orchestrationId}, submitted_at = ${tx.now}
    WHERE group_name = ${group} AND orchestration_id IS NULL`);
  return listStaged(tx, group);
}
