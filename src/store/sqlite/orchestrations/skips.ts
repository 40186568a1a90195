/**
 * Why a task of an orchestration is skipped, as stored on it: `status_reason` (the trigger rule's reason, naming the
 * dependency: `dependency "build" failed`) and an `error` a person can act on (which task to retry, and how).
 * Two kinds: a dependency outcome (`dependency_failed`, re-armed when that dependency is retried) and an exhausted
 * budget (`budget`, final).
 */
import { skipReason } from '../../../domain/trigger-rules.js';
import type { Failure, TaskStatus, TriggerRule } from '../../../domain/vocabulary.js';
import { failureFor as storeFailure } from '../../../domain/rules/failures.js';
import type { DependencyRow, DependentRow } from './statements.js';
import { dollars } from '../../../domain/rules/orchestration-status.js';

/** True when the stored error says the task was skipped because of how its dependencies ended. */
export function isDependencySkip(error: string | null): boolean {
  if (error === null) return false;
  return (JSON.parse(error) as { code?: unknown }).code === 'dependency_failed';
}

const NAMED = 3;

export function describeDependencySkip(
  task: DependentRow,
  deps: readonly DependencyRow[],
): { reason: string; failure: Failure } {
  const rule = task.trigger_rule as TriggerRule;
  const states = deps.map((d) => ({ identifier: d.identifier, status: d.status as TaskStatus }));
  const reason = skipReason(rule, states);
  // Under these rules a dependency that did not end well is the cause; retrying it re-arms this task.
  const culprits =
    rule === 'all_success'
      ? deps.filter((d) => d.status === 'failed' || d.status === 'cancelled' || d.status === 'skipped')
      : rule === 'none_failed'
        ? deps.filter((d) => d.status === 'failed' || d.status === 'cancelled')
        : [];
  const suggestion =
    culprits.length === 0
      ? undefined
      : `Retry ${culprits
          .slice(0, NAMED)
          .map((d) => `task ${d.id} ("${d.identifier}") with \`claude-worker retry ${d.id}\``)
          .join(
            ', ',
          )}${culprits.length > NAMED ? ' and the others' : ''}; this task then waits for it again.`;
  return { reason, failure: storeFailure('dependency_failed', `Skipped: ${reason}.`, task.id, suggestion) };
}

export function budgetReason(cost: number, budget: number): string {
  return `budget exhausted: ${dollars(cost)} of ${dollars(budget)}`;
}

export function budgetSkipFailure(taskId: number, orchestrationId: number, reason: string): Failure {
  return storeFailure(
    'budget',
    `Not started: the orchestration's ${reason}.`,
    taskId,
    `Orchestration ${orchestrationId} reached its budget_usd, so nothing more starts in it. Submit the remaining ` +
      'work as a new orchestration with a higher budget_usd.',
  );
}
