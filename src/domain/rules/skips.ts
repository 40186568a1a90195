/**
 * Skips and budgets, decided from plain data. A task of an orchestration is skipped for one of two reasons: how
 * its dependencies ended under its trigger rule (`dependency_failed`, re-armed when that dependency is retried), or
 * an exhausted budget (`budget`, final). Each gets a `status_reason` naming the cause (`dependency "build" failed`,
 * `budget exhausted: $5.02 of $5.00`) and an error a person can act on.
 */
import { ClaudeWorkerError } from '../errors.js';
import { skipReason } from '../trigger-rules.js';
import type { Failure, TaskStatus, TriggerRule } from '../vocabulary.js';
import type { RuleEvent } from './attempt-ending.js';
import { describedFailure, failureFor } from './failures.js';
import { dollars } from './orchestration-status.js';

/** True when a skipped task's error says it was skipped because of how its dependencies ended. */
export function isDependencySkip(error: Failure | null): boolean {
  return error?.code === 'dependency_failed';
}

const NAMED = 3;

export interface SkippedDependent {
  id: number;
  trigger_rule: TriggerRule;
}

export interface DependencyOutcome {
  id: number;
  identifier: string;
  status: TaskStatus;
}

export interface SkipDecision {
  reason: string;
  failure: Failure;
  event: RuleEvent;
}

export function dependencySkip(task: SkippedDependent, deps: readonly DependencyOutcome[]): SkipDecision {
  const rule = task.trigger_rule;
  const reason = skipReason(rule, deps);
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
  const failure = failureFor('dependency_failed', `Skipped: ${reason}.`, task.id, suggestion);
  return { reason, failure, event: { type: 'task_skipped', data: { reason, ...describedFailure(failure) } } };
}

export interface BudgetState {
  /** The recorded cost after this attempt's cost was added. */
  cost_usd: number;
  budget_usd: number | null;
  /** Whether the budget was already marked exhausted before. */
  budget_exhausted: boolean;
}

export type BudgetDecision =
  | { exhausted: false }
  | {
      exhausted: true;
      reason: string;
      /** `orchestration_budget_exhausted`, the first time only. */
      event: RuleEvent | null;
      /** How each task not started is skipped. */
      skip(taskId: number): SkipDecision;
    };

/** Once the recorded cost reaches budget_usd, every task not started is skipped; running tasks finish. */
export function budgetDecision(orchestrationId: number, state: BudgetState): BudgetDecision {
  if (state.budget_usd === null || state.cost_usd < state.budget_usd) return { exhausted: false };
  const reason = `budget exhausted: ${dollars(state.cost_usd)} of ${dollars(state.budget_usd)}`;
  return {
    exhausted: true,
    reason,
    event: state.budget_exhausted
      ? null
      : {
          type: 'orchestration_budget_exhausted',
          data: { reason, cost_usd: state.cost_usd, budget_usd: state.budget_usd },
        },
    skip(taskId) {
      const failure = failureFor(
        'budget',
        `Not started: the orchestration's ${reason}.`,
        taskId,
        `Orchestration ${orchestrationId} reached its budget_usd, so nothing more starts in it. Submit the remaining ` +
          'work as a new orchestration with a higher budget_usd.',
      );
      return {
        reason,
        failure,
        event: { type: 'task_skipped', data: { reason, ...describedFailure(failure) } },
      };
    },
  };
}

export interface OpenOrchestration {
  id: number;
  cancel_requested: boolean;
  budget_exhausted: boolean;
  cost_usd: number;
  budget_usd: number | null;
}

/** Throws `conflict` when tasks cannot be added: the orchestration was cancelled, or spent its budget. */
export function checkCanAddTasks(o: OpenOrchestration): void {
  if (o.cancel_requested) {
    throw new ClaudeWorkerError(
      'conflict',
      `Orchestration ${o.id} was cancelled; tasks cannot be added to it. Submit a new orchestration.`,
      { data: { id: o.id } },
    );
  }
  if (o.budget_exhausted) {
    throw new ClaudeWorkerError(
      'conflict',
      `Orchestration ${o.id} has spent its budget (${dollars(o.cost_usd)} of ` +
        `${dollars(o.budget_usd ?? 0)}), so added tasks would never start. Submit them as a new ` +
        'orchestration with a higher budget_usd.',
      { data: { id: o.id } },
    );
  }
}

export function orchestrationNotFound(id: number): ClaudeWorkerError {
  return new ClaudeWorkerError(
    'not_found',
    `Orchestration ${id} does not exist. List them with \`claude-worker list-orchestrations\`.`,
    { data: { id } },
  );
}
