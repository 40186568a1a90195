/**
 * Staged groups: tasks put aside under a group name until the group is submitted as one orchestration (MCP
 * `create_task` with `orchestration_group`, then `submit_orchestration`). Each write is one IMMEDIATE transaction,
 * so two MCP processes staging or submitting the same group at once cannot both succeed. Staging is not a task
 * transition, so it appends no event; the orchestration's own events record the submit. The rules:
 * domain/rules/staging.ts.
 */
import { checkCanStage, checkCanSubmit } from '../../domain/rules/staging.js';
import type { Actor } from '../../domain/vocabulary.js';
import { stagedTaskFromRow } from '../codec/staged-task-codec.js';
import type { StagedTask } from '../store.js';
import type { StoreContext } from './context.js';

interface StagedRow {
  group_name: string;
  identifier: string;
  document: string;
  actor: string;
  correlation_id: string | null;
  staged_at: number;
  orchestration_id: number | null;
  submitted_at: number | null;
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
        checkCanStage(group, identifier, select.all(group).map(stagedTaskFromRow));
        insert.run({
          group_name: group,
          identifier,
          document: JSON.stringify(document),
          actor: actor.actor,
          correlation_id: actor.correlation_id ?? null,
          staged_at: Date.now(),
        });
        return select.all(group).map(stagedTaskFromRow);
      }),

    list: (group) => select.all(group).map(stagedTaskFromRow),

    markSubmitted: (group, orchestrationId) =>
      ctx.tx.write(() => {
        checkCanSubmit(group, select.all(group).map(stagedTaskFromRow));
        submit.run(orchestrationId, Date.now(), group);
        return select.all(group).map(stagedTaskFromRow);
      }),
  };
}
