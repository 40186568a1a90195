/**
 * The orchestration's recorded cost and its budget (the rule: domain/rules/skips.ts). Every ended attempt of one of
 * its tasks adds that attempt's cost; once the total reaches `budget_usd`, every task that has not started (waiting or queued, a requeued one
 * included) is skipped with "budget exhausted: $X of $Y", and the orchestration keeps that as its reason. Running
 * tasks finish; what they cost is still added.
 */
import type { TaskStatus } from '../../../domain/vocabulary.js';
import { assertTransition, type StoreContext } from '../context.js';
import type { Cause } from './resolution.js';
import { budgetDecision } from '../../../domain/rules/skips.js';
import type { ResolutionStatements } from './statements.js';

export class BudgetGuard {
  constructor(
    private readonly ctx: StoreContext,
    private readonly s: ResolutionStatements,
  ) {}

  /** Adds `cost`; when the budget is reached (domain/rules/skips.ts), skips the tasks not started. */
  record(orchestrationId: number, cost: number, cause: Cause, changed: Set<number>): number[] {
    const row = this.s.addCost.get({ id: orchestrationId, cost, now: cause.now });
    if (!row) return [];
    const decision = budgetDecision(orchestrationId, {
      cost_usd: row.cost_usd,
      budget_usd: row.budget_usd,
      budget_exhausted: row.budget_exhausted !== 0,
    });
    if (!decision.exhausted) return [];
    this.s.exhaust.run({ id: orchestrationId, reason: decision.reason });
    const base = {
      orchestration_id: orchestrationId,
      actor: cause.actor,
      correlation_id: cause.correlation_id,
    };
    if (decision.event) {
      this.ctx.tx.append(
        { ...base, ...decision.event, task_id: null, from_status: null, to_status: null },
        cause.now,
      );
    }
    const skipped: number[] = [];
    for (const task of this.s.notStarted.all(orchestrationId)) {
      const from = task.status as TaskStatus;
      assertTransition(task.id, from, 'skipped');
      const skip = decision.skip(task.id);
      this.s.markSkipped.run({
        id: task.id,
        reason: skip.reason,
        error: JSON.stringify(skip.failure),
        now: cause.now,
      });
      changed.add(task.id);
      skipped.push(task.id);
      this.ctx.tx.append(
        { ...base, ...skip.event, task_id: task.id, from_status: from, to_status: 'skipped' },
        cause.now,
      );
    }
    return skipped;
  }
}
