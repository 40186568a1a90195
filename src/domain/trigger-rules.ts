/**
 * Trigger rules: given how a task's dependencies ended so far, does the task run, get skipped, or wait? Pure; the
 * engine calls it in the transaction that finishes a dependency. Semantics follow Airflow's, with our statuses:
 * a dependency "succeeded" when it is `completed`; `failed`, `skipped` and `cancelled` are kept apart.
 *
 * | rule          | runs when                                   | is skipped as soon as                          |
 * |---------------|---------------------------------------------|------------------------------------------------|
 * | `all_success` | every dependency succeeded (the default)    | one failed, was skipped or was cancelled       |
 * | `all_done`    | every dependency finished, whatever the end | never                                          |
 * | `one_success` | one dependency succeeded (others may run on)| all finished and none succeeded                |
 * | `one_failed`  | one dependency failed (others may run on)   | all finished and none failed                   |
 * | `all_failed`  | every dependency failed                     | one succeeded, was skipped or was cancelled    |
 * | `none_failed` | all finished, each succeeded or was skipped | one failed or was cancelled                    |
 *
 * Otherwise the answer is `wait`. A task without dependencies always runs. Only `failed` counts as failed: a
 * cancelled dependency was stopped by a person, and a skipped one never ran.
 */
import { isTerminal } from './state-machine.js';
import type { TaskStatus, TriggerRule } from './vocabulary.js';

export interface DependencyCounts {
  succeeded: number;
  failed: number;
  skipped: number;
  cancelled: number;
  total: number;
  /** Dependencies in a terminal status (succeeded + failed + skipped + cancelled). */
  finished: number;
}

export type TriggerDecision = 'run' | 'skip' | 'wait';

/** One line per rule, for `--dry-run` and documentation. */
export const TRIGGER_RULE_DESCRIPTIONS: Record<TriggerRule, string> = {
  all_success: 'runs when every dependency succeeded',
  all_done: 'runs when every dependency finished, whatever the outcome',
  one_success: 'runs as soon as one dependency succeeded',
  one_failed: 'runs as soon as one dependency failed',
  all_failed: 'runs only when every dependency failed',
  none_failed: 'runs when every dependency succeeded or was skipped',
};

export function evaluateTriggerRule(rule: TriggerRule, counts: DependencyCounts): TriggerDecision {
  const { succeeded, failed, skipped, cancelled, total, finished } = counts;
  if (total === 0) return 'run';
  const allFinished = finished >= total;
  switch (rule) {
    case 'all_success':
      if (failed + skipped + cancelled > 0) return 'skip';
      return succeeded >= total ? 'run' : 'wait';
    case 'all_done':
      return allFinished ? 'run' : 'wait';
    case 'one_success':
      if (succeeded > 0) return 'run';
      return allFinished ? 'skip' : 'wait';
    case 'one_failed':
      if (failed > 0) return 'run';
      return allFinished ? 'skip' : 'wait';
    case 'all_failed':
      if (succeeded + skipped + cancelled > 0) return 'skip';
      return failed >= total ? 'run' : 'wait';
    case 'none_failed':
      if (failed + cancelled > 0) return 'skip';
      return allFinished ? 'run' : 'wait';
  }
}

/** Counts dependency statuses; `waiting`, `queued` and `running` count as not finished. */
export function countDependencies(statuses: Iterable<TaskStatus>): DependencyCounts {
  const counts: DependencyCounts = {
    succeeded: 0,
    failed: 0,
    skipped: 0,
    cancelled: 0,
    total: 0,
    finished: 0,
  };
  for (const status of statuses) {
    counts.total += 1;
    if (status === 'completed') counts.succeeded += 1;
    else if (status === 'failed') counts.failed += 1;
    else if (status === 'skipped') counts.skipped += 1;
    else if (status === 'cancelled') counts.cancelled += 1;
    else continue;
    counts.finished += 1;
  }
  return counts;
}

export interface DependencyState {
  identifier: string;
  status: TaskStatus;
}

/**
 * Why a task is skipped under `rule`, naming the dependencies responsible: `dependency "build" failed`,
 * `no dependency succeeded: "a" failed, "b" was cancelled (trigger rule one_success)`. Stored as the skipped task's `status_reason`.
 */
export function skipReason(rule: TriggerRule, deps: readonly DependencyState[]): string {
  const suffix = rule === 'all_success' ? '' : ` (trigger rule ${rule})`;
  const finished = deps.filter((d) => isTerminal(d.status));
  switch (rule) {
    case 'all_success':
      return blame(finished.filter((d) => d.status !== 'completed')) + suffix;
    case 'none_failed':
      return blame(finished.filter((d) => d.status === 'failed' || d.status === 'cancelled')) + suffix;
    case 'all_failed':
      return blame(finished.filter((d) => d.status !== 'failed')) + suffix;
    case 'one_success':
      return `no dependency succeeded: ${listStates(finished)}${suffix}`;
    case 'one_failed':
      return `no dependency failed: ${listStates(finished)}${suffix}`;
    case 'all_done':
      return `dependencies ended: ${listStates(finished)}${suffix}`;
  }
}

function blame(culprits: readonly DependencyState[]): string {
  const [only] = culprits;
  if (culprits.length === 1 && only) return `dependency "${only.identifier}" ${outcome(only.status)}`;
  return `dependencies ${listStates(culprits)}`;
}

const LISTED = 5;

function listStates(deps: readonly DependencyState[]): string {
  if (deps.length === 0) return 'none finished';
  const shown = deps.slice(0, LISTED).map((d) => `"${d.identifier}" ${outcome(d.status)}`);
  if (deps.length > LISTED) shown.push(`and ${deps.length - LISTED} more`);
  return shown.join(', ');
}

function outcome(status: TaskStatus): string {
  switch (status) {
    case 'completed':
      return 'succeeded';
    case 'failed':
      return 'failed';
    case 'skipped':
      return 'was skipped';
    case 'cancelled':
      return 'was cancelled';
    default:
      return `is ${status}`;
  }
}
