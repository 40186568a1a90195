/**
 * Where a retried task of an orchestration goes, decided by its own trigger rule over how its dependencies stand
 * now: `run` → queued (its prompt rendered again), `wait` → waiting (its prompt back to the template), `skip` → a
 * conflict naming the dependencies to retry first. A cancelled orchestration, or one that spent its budget, runs
 * nothing more: a conflict too. The caller then reopens the task (its skipped dependents re-arm).
 */
import { ClaudeWorkerError } from '../../../domain/errors.js';
import { renderPrompt } from '../../../domain/template.js';
import { evaluateTriggerRule, skipReason } from '../../../domain/trigger-rules.js';
import type { TaskStatus, TriggerRule } from '../../../domain/vocabulary.js';
import type { TaskRow } from '../schema.js';
import { countsOf, type Resolver } from './resolution.js';
import { dollars } from '../../../domain/rules/orchestration-status.js';

export interface RetryPlan {
  to: 'queued' | 'waiting';
  /** The execution prompt to store, or null to keep it. */
  prompt: string | null;
}

export function planOrchestrationRetry(
  resolver: Resolver,
  task: TaskRow,
  orchestrationId: number,
): RetryPlan {
  const orchestration = resolver.summaries.row(orchestrationId);
  if (orchestration?.cancel_requested) {
    throw new ClaudeWorkerError(
      'conflict',
      `Task ${task.id} belongs to orchestration ${orchestrationId}, which was cancelled; nothing in it runs again. ` +
        'Submit the work as a new orchestration.',
      { data: { id: task.id, orchestration_id: orchestrationId } },
    );
  }
  if (orchestration?.budget_exhausted) {
    throw new ClaudeWorkerError(
      'conflict',
      `Task ${task.id} belongs to orchestration ${orchestrationId}, which spent its budget ` +
        `(${dollars(orchestration.cost_usd)} of ${dollars(orchestration.budget_usd ?? 0)}); nothing in it starts ` +
        'again. Submit the remaining work as a new orchestration with a higher budget_usd.',
      { data: { id: task.id, orchestration_id: orchestrationId } },
    );
  }
  const { statements } = resolver;
  const row = statements.dependent.get(task.id);
  if (!row) throw new Error(`claude-worker store: task ${task.id} vanished while retrying`);
  const rule = row.trigger_rule as TriggerRule;
  const decision = evaluateTriggerRule(rule, countsOf(row));
  if (decision === 'wait') return { to: 'waiting', prompt: row.prompt_template };
  const deps = statements.dependencies.all(task.id);
  if (decision === 'run') {
    if (row.prompt_template === null) return { to: 'queued', prompt: null };
    const results = new Map(deps.map((d) => [d.identifier, d.result]));
    return { to: 'queued', prompt: renderPrompt(row.prompt_template, (id) => results.get(id) ?? null) };
  }
  const reason = skipReason(
    rule,
    deps.map((d) => ({ identifier: d.identifier, status: d.status as TaskStatus })),
  );
  const first = deps.filter(
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
    { data: { id: task.id, orchestration_id: orchestrationId, reason } },
  );
}
