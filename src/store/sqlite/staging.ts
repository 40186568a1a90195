/**
 * Staged groups: tasks put aside under a group name until the group is submitted as one orchestration (MCP
 * `create_task` with `orchestration_group`, then `submit_orchestration`). Each write is one IMMEDIATE transaction,
 * so two MCP processes staging or submitting the same group at once cannot both succeed. Staging is not a task
 * transition, so it appends no event; the orchestration's own events record the submit.
 */
import { ClaudeWorkerError } from '../../domain/errors.js';
import type { Actor } from '../../domain/vocabulary.js';
import type { StagedTask } from '../store.js';
import type { StoreContext } from './context.js';
import { isoTime } from '../codec/values.js';

export interface StagedRow {
  group_name: string;
  identifier: string;
  document: string;
  actor: string;
  correlation_id: string | null;
  staged_at: number;
  orchestration_id: number | null;
  submitted_at: number | null;
}

export function rowToStaged(row: StagedRow): StagedTask {
  return {
    group: row.group_name,
    identifier: row.identifier,
    document: JSON.parse(row.document) as Record<string, unknown>,
    actor: row.actor,
    staged_at: isoTime(row.staged_at),
    orchestration_id: row.orchestration_id,
    submitted_at: row.submitted_at === null ? null : isoTime(row.submitted_at),
  };
}

export function alreadySubmitted(group: string, row: StagedRow): ClaudeWorkerError {
  const at = row.submitted_at === null ? '' : ` at ${isoTime(row.submitted_at)}`;
  return new ClaudeWorkerError(
    'conflict',
    `Group "${group}" was already submitted as orchestration ${String(row.orchestration_id)}${at}. Follow that ` +
      `orchestration (its id is ${String(row.orchestration_id)}), or stage new tasks under a new group name.`,
    { data: { group, orchestration_id: row.orchestration_id } },
  );
}

export function alreadyStaged(
  group: string,
  identifier: string,
  rows: readonly Pick<StagedRow, 'identifier'>[],
): ClaudeWorkerError {
  return new ClaudeWorkerError(
    'conflict',
    `A task "${identifier}" is already staged in group "${group}"; each task of a group needs its own ` +
      `identifier. Choose another one (staged so far: ${rows.map((r) => `"${r.identifier}"`).join(', ')}).`,
    { data: { group, identifier } },
  );
}

export function nothingStaged(group: string): ClaudeWorkerError {
  return new ClaudeWorkerError('not_found', `Nothing is staged in group "${group}"; stage tasks in it first.`, {
    data: { group },
  });
}

export interface StagingOperations {
  stage(group: string, identifier: string, document: Record<string, unknown>, actor: Actor): StagedTask[];
  list(group: string): StagedTask[];
  markSubmitted(group: string, orchestrationId: number): StagedTask[];
}

export function prepareStaging(ctx: StoreContext): StagingOperations {
  const select = ctx.db.prepare<[string], StagedRow>(
    'SELECT * FROM staged_tasks WHERE group_name = ? ORDER BY rowid',
  );
  const insert = ctx.db.prepare(
    `INSERT INTO staged_tasks (group_name, identifier, document, actor, correlation_id, staged_at)
     VALUES (@group_name, @identifier, @document, @actor, @correlation_id, @staged_at)`,
  );
  const submit = ctx.db.prepare<[number, number, string]>(
    'UPDATE staged_tasks SET orchestration_id = ?, submitted_at = ? WHERE group_name = ? AND orchestration_id IS NULL',
  );

  return {
    stage: (group, identifier, document, actor) =>
      ctx.tx.write(() => {
        const rows = select.all(group);
        const submitted = rows.find((row) => row.orchestration_id !== null);
        if (submitted) throw alreadySubmitted(group, submitted);
        if (rows.some((row) => row.identifier === identifier)) {
          throw alreadyStaged(group, identifier, rows);
        }
        insert.run({
          group_name: group,
          identifier,
          document: JSON.stringify(document),
          actor: actor.actor,
          correlation_id: actor.correlation_id ?? null,
          staged_at: Date.now(),
        });
        return select.all(group).map(rowToStaged);
      }),

    list: (group) => select.all(group).map(rowToStaged),

    markSubmitted: (group, orchestrationId) =>
      ctx.tx.write(() => {
        const rows = select.all(group);
        if (rows.length === 0) {
          throw nothingStaged(group);
        }
        const submitted = rows.find((row) => row.orchestration_id !== null);
        if (submitted) throw alreadySubmitted(group, submitted);
        submit.run(orchestrationId, Date.now(), group);
        return select.all(group).map(rowToStaged);
      }),
  };
}
