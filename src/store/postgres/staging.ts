/**
 * Staged groups in PostgreSQL (MCP `create_task` with `orchestration_group`, then `submit_orchestration`). Each
 * write holds a transaction-scoped advisory lock on the group's name, so two MCP processes on different nodes
 * staging or submitting the same group at once cannot both succeed. No events (staging is not a transition).
 * The wording and the row codec are the SQLite store's.
 */
import { sql } from 'kysely';
import type { Actor } from '../../domain/vocabulary.js';
import {
  alreadyStaged,
  alreadySubmitted,
  nothingStaged,
  rowToStaged,
  type StagedRow,
} from '../sqlite/staging.js';
import type { StagedTask } from '../store.js';
import type { PgTx } from './transactions.js';

export async function listStaged(tx: Pick<PgTx, 'rows'>, group: string): Promise<StagedTask[]> {
  const rows = await tx.rows(sql<StagedRow>`
    SELECT group_name, identifier, document, actor, correlation_id, staged_at, orchestration_id, submitted_at
    FROM staged_tasks WHERE group_name = ${group} ORDER BY seq`);
  return rows.map(rowToStaged);
}

async function lockGroup(tx: PgTx, group: string): Promise<StagedRow[]> {
  await tx.rows(
    sql`SELECT pg_advisory_xact_lock(hashtext('claude-worker staged group'), hashtext(${group}))`,
  );
  return tx.rows(sql<StagedRow>`
    SELECT group_name, identifier, document, actor, correlation_id, staged_at, orchestration_id, submitted_at
    FROM staged_tasks WHERE group_name = ${group} ORDER BY seq`);
}

export async function stageTask(
  tx: PgTx,
  group: string,
  identifier: string,
  document: Record<string, unknown>,
  actor: Actor,
): Promise<StagedTask[]> {
  const rows = await lockGroup(tx, group);
  const submitted = rows.find((row) => row.orchestration_id !== null);
  if (submitted) throw alreadySubmitted(group, submitted);
  if (rows.some((row) => row.identifier === identifier)) {
    throw alreadyStaged(group, identifier, rows);
  }
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
  const rows = await lockGroup(tx, group);
  if (rows.length === 0) {
    throw nothingStaged(group);
  }
  const submitted = rows.find((row) => row.orchestration_id !== null);
  if (submitted) throw alreadySubmitted(group, submitted);
  await tx.rows(sql`
    UPDATE staged_tasks SET orchestration_id = ${orchestrationId}, submitted_at = ${tx.now}
    WHERE group_name = ${group} AND orchestration_id IS NULL`);
  return listStaged(tx, group);
}
