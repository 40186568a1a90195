/**
 * `retry` of a failed, cancelled or skipped task, decided from plain data: where it goes (`queued`, or `waiting`
 * while dependencies are unfinished), the prompt to store, how many attempts it gets, and the event; or a conflict
 * in words a person can act on (a task that has not run, a completed one, one its trigger rule would skip again, one
 * in a cancelled orchestration or one that spent its budget). A task of an orchestration goes where its own trigger
 * rule says over how its dependencies stand now. The store re-arms its skipped dependents afterwards.
 */
import { ClaudeWorkerError } from '../errors.js';
import { retryChangeRecord, type RetrySettings } from '../retry-changes.js';
import { RETRYABLE_STATUSES } from '../state-machine.js';
import { renderPrompt } from '../template.js';
import { evaluateTriggerRule, skipReason, type DependencyCounts } from '../trigger-rules.js';
import type { Failure, TaskStatus, TriggerRule } from '../vocabulary.js';
import type { RuleEvent } from './attempt-ending.js';
import { countsOf, type DependencyCounters } from './dependency-counters.js';
import { dollars } from './orchestration-status.js';

export interface RetryTask extends RetrySettings {
  id: number;
  identifier: string | null;
  status: TaskStatus;
  attempt_count: number;
  uncounted_attempts: number;
  max_attempts: number;
  pending_dependencies: number;
  error: Failure | null;
}

/** For a task of an orchestration: the orchestration, the task's rule and counters, and its dependencies. */
export interface RetryContext {
  orchestration: {
    id: number;
    cancel_requested: boolean;
    budget_exhausted: boolean;
    cost_usd: number;
    budget_usd: number | null;
  };
  trigger_rule: TriggerRule;
  counts: DependencyCounts;
  prompt_template: string | null;
  dependencies: ReadonlyArray<{ id: number; identifier: string; status: TaskStatus; result: string | null }>;
}

/** The stored rows a retry context is read from (flags 0/1, statuses as text), the same in both stores. */
export interface RetryContextRows {
  orchestration: {
    id: number;
    cancel_requested: number;
    budget_exhausted: number;
    cost_usd: number;
    budget_usd: number | null;
  };
  dependent: DependencyCounters & { trigger_rule: string; prompt_template: string | null };
  dependencies: ReadonlyArray<{ id: number; identifier: string; status: string; result: string | null }>;
}

/** What the retry rule needs, from the rows both stores read for a task of an orchestration. */
export function retryContextOf(rows: RetryContextRows): RetryContext {
  const { orchestration, dependent } = rows;
  return {
    orchestration: {
      id: orchestration.id,
      cancel_requested: orchestration.cancel_requested !== 0,
      budget_exhausted: orchestration.budget_exhausted !== 0,
      cost_usd: orchestration.cost_usd,
      budget_usd: orchestration.budget_usd,
    },
    trigger_rule: dependent.trigger_rule as TriggerRule,
    counts: countsOf(dependent),
    prompt_template: dependent.prompt_template,
    dependencies: rows.dependencies.map((d) => ({
      id: d.id,
      identifier: d.identifier,
      status: d.status as TaskStatus,
      result: d.result,
    })),
  };
}

export interface RetryPlan {
  to: 'queued' | 'waiting';
  /** The execution prompt to store, or null to keep it (`waiting`: the template, when there is one). */
  prompt: string | null;
  /** At least one more counted attempt. */
  max_attempts: number;
  /** The task's settings for the next attempt and after (the retry's overrides applied). */
  settings: RetrySettings;
  event: RuleEvent;
}

/** `changes`: settings the retry overrides (`retry --model …`), recorded in the event as `changes`. */
export function planRetry(
  task: RetryTask,
  context: RetryContext | null,
  changes: Partial<RetrySettings> = {},
): RetryPlan {
  if (!RETRYABLE_STATUSES.includes(task.status)) throw notRetryable(task.id, task.status);
  const place = context === null ? plainPlace(task) : orchestrationPlace(task, context);
  const counted = task.attempt_count - task.uncounted_attempts;
  const maxAttempts = Math.max(task.max_attempts, counted + 1);
  const changed = retryChangeRecord(task, changes);
  return {
    ...place,
    max_attempts: maxAttempts,
    settings: {
      model: changes.model ?? task.model,
      permission_mode: changes.permission_mode ?? task.permission_mode,
      timeout_seconds: changes.timeout_seconds === undefined ? task.timeout_seconds : changes.timeout_seconds,
    },
    event: {
      type: 'task_retried',
      data: {
        attempt_count: task.attempt_count,
        max_attempts: maxAttempts,
        previous_error_code: task.error?.code ?? null,
        ...(Object.keys(changed).length > 0 ? { changes: changed } : {}),
      },
    },
  };
}

function plainPlace(task: RetryTask): Pick<RetryPlan, 'to' | 'prompt'> {
  return { to: task.pending_dependencies > 0 ? 'waiting' : 'queued', prompt: null };
}

function orchestrationPlace(task: RetryTask, c: RetryContext): Pick<RetryPlan, 'to' | 'prompt'> {
  const o = c.orchestration;
  const data = { data: { id: task.id, orchestration_id: o.id } };
  if (o.cancel_requested) {
    throw new ClaudeWorkerError(
      'conflict',
      `Task ${task.id} belongs to orchestration ${o.id}, which was cancelled; nothing in it runs again. ` +
        'Submit the work as a new orchestration.',
      data,
    );
  }
  if (o.budget_exhausted) {
    throw new ClaudeWorkerError(
      'conflict',
      `Task ${task.id} belongs to orchestration ${o.id}, which spent its budget ` +
        `(${dollars(o.cost_usd)} of ${dollars(o.budget_usd ?? 0)}); nothing in it starts ` +
        'again. Submit the remaining work as a new orchestration with a higher budget_usd.',
      data,
    );
  }
  const decision = evaluateTriggerRule(c.trigger_rule, c.counts);
  if (decision === 'wait') return { to: 'waiting', prompt: c.prompt_template };
  if (decision === 'run') {
    if (c.prompt_template === null) return { to: 'queued', prompt: null };
    const results = new Map(c.dependencies.map((d) => [d.identifier, d.result]));
    return { to: 'queued', prompt: renderPrompt(c.prompt_template, (id) => results.get(id) ?? null) };
  }
  const reason = skipReason(c.trigger_rule, c.dependencies);
  const first = c.dependencies.filter(
    (d) => d.status === 'failed' || d.status === 'cancelled' || d.status === 'skipped',
  );
  const next =
    first.length > 0
      ? `Retry ${first.map((d) => `task ${d.id} ("${d.identifier}")`).join(', ')} first ` +
        `(\`claude-worker retry ${first[0]!.id}\`); this task then waits for it again.`
      : 'Its dependencies ended in a way its trigger rule does not run on.';
  throw new ClaudeWorkerError(
    'conflict',
    `Task ${task.id}${task.identifier ? ` ("${task.identifier}")` : ''} would be skipped again: ${reason}. ${next}`,
    { data: { id: task.id, orchestration_id: o.id, reason } },
  );
}

function notRetryable(id: number, status: TaskStatus): ClaudeWorkerError {
  const messages: Partial<Record<TaskStatus, string>> = {
    waiting: `Task ${id} is waiting for its dependencies and has not run yet; there is nothing to retry.`,
    queued: `Task ${id} is queued and has not run yet; there is nothing to retry. It starts when a worker is free.`,
    running:
      `Task ${id} is running; there is nothing to retry yet. Follow it with \`claude-worker watch ${id}\`, ` +
      `or stop it with \`claude-worker cancel ${id}\` and retry it after.`,
    completed:
      `Task ${id} already completed; only failed, cancelled or skipped tasks can be retried. ` +
      'To run the prompt again, submit it as a new task with `claude-worker run`.',
  };
  return new ClaudeWorkerError(
    'conflict',
    messages[status] ?? `Task ${id} is ${status} and cannot be retried.`,
    {
      data: { id, status },
    },
  );
}
