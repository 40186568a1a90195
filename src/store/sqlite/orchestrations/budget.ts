/**
 * The orchestration's recorded cost and its budget. Every ended attempt of one of its tasks adds that attempt's
 * cost; once the total reaches `budget_usd`, every task that has not started (waiting or queued, a requeued one
 * included) is skipped with "budget exhausted: $X of $Y", and the orchestration keeps that as its reason. Running
 * tasks finish; what they cost is still added.
 */
import type { TaskStatus } from '../../../domain/vocabulary.js';
import { assertTransition, type StoreContext } from '../context.js';
import type { Cause } from './resolution.js';
import { budgetReason, budgetSkipFailure } from './skips.js';
import type { ResolutionStatements } from './statements.js';

export class BudgetGuard {
  constructor(
    private readonly ctx: StoreContext,
    private readonly s: ResolutionStatements,
  ) {}

  /** Adds `cost`; when the budget is reached, skips the tasks not started and returns their ids. */
  record(orchestrationId: number, cost: number, cause: Cause, changed: Set<number>): number[] {
    const row = this.s.addCost.get({ id: orchestrationId, cost, now: cause.now });
    if (!row || row.budget_usd === null || row.cost_usd < row.budget_usd) return [];
    const reason = budgetReason(row.cost_usd, row.budget_usd);
    this.s.exhaust.run({ id: orchestrationId, reason });
    const base = {
      orchestration_id: orchestrationId,
      actor: cause.actor,
      correlation_id: cause.correlation_id,
    };
    if (row.budget_exhausted === 0) {
      this.ctx.tx.append(
        {
          ...base,
          type: 'orchestration_budget_exhausted',
          task_id: null,
          from_status: null,
          to_status: null,
          data: { reason, cost_usd: row.cost_usd, budget_usd: row.budget_usd },
        },
        cause.now,
      );
    }
    const skipped: number[] = [];
    for (const task of this.s.notStarted.all(orchestrationId)) {
      const from = task.status as TaskStatus;
      assertTransition(task.id, from, 'skipped');
      const failure = budgetSkipFailure(task.id, orchestrationId, reason);
      this.s.markSkipped.run({ id: task.id, reason, error: JSON.stringify(failure), now: cause.now });
      changed.add(task.id);
      skipped.push(task.id);
      this.ctx.tx.append(
        {
          ...base,
          type: 'task_skipped',
          task_id: task.id,
          from_status: from,
          to_status: 'skipped',
          data: { reason, code: failure.code, message: failure.message, suggestion: failure.suggestion },
        },
        cause.now,
      );
    }
    return skipped;
  }
}
