/**
 * Dependency resolution, inside the transaction of whatever moved a task of an orchestration. A task that ends
 * (completed, failed, cancelled, skipped) updates the counters of its dependents — one statement over its out-edges
 * — and each dependent still `waiting` applies its trigger rule: `run` queues it (run_after = now + initial delay,
 * prompt rendered with its dependencies' results), `skip` skips it naming the dependency, which cascades; `wait`
 * leaves it. A task reopened by a retry does the reverse, and re-arms the dependents that were skipped because of
 * it. Cascades use a work list, never recursion: a chain can be 10,000 tasks long.
 * One `Resolution` per transaction; `settle()` at its end stamps or clears each touched orchestration's finished_at.
 */
import { renderPrompt } from '../../../domain/template.js';
import { counterChange, countsOf } from '../../../domain/rules/dependency-counters.js';
import { evaluateTriggerRule } from '../../../domain/trigger-rules.js';
import type { EventType, Failure, TaskStatus, TriggerRule } from '../../../domain/vocabulary.js';
import { assertTransition, type StoreContext } from '../context.js';
import { isoTime } from '../../codec/values.js';
import { BudgetGuard } from './budget.js';
import { dependencySkip, isDependencySkip } from '../../../domain/rules/skips.js';
import { parseJson } from '../../codec/values.js';
import type { DependentRow, ResolutionStatements } from './statements.js';
import type { Summaries } from './summary.js';

/** Who and when, for the events a resolution appends. */
export interface Cause {
  actor: string;
  correlation_id: string | null;
  now: number;
}

export interface TaskRef {
  id: number;
  orchestration_id: number | null;
}

interface Change {
  id: number;
  status: TaskStatus;
  /** true: the task left `status` (retry); false: it just reached `status`. */
  reopened: boolean;
  cause: Cause;
}

export class Resolution {
  /** Tasks whose row this resolution changed; an operation returning one of them re-reads it. */
  readonly changed = new Set<number>();
  /** Work list of changes whose dependents are still to update; `head` is the next one (no O(n) shift). */
  private readonly queue: Change[] = [];
  private head = 0;
  private readonly touched = new Map<number, Cause>();
  private readonly budget: BudgetGuard;

  constructor(
    private readonly ctx: StoreContext,
    private readonly s: ResolutionStatements,
    private readonly summaries: Summaries,
  ) {
    this.budget = new BudgetGuard(ctx, s);
  }

  /** A task reached a terminal status: resolve its dependents (cascading). */
  taskEnded(task: TaskRef, status: TaskStatus, cause: Cause): void {
    if (task.orchestration_id === null) return;
    this.touch(task.orchestration_id, cause);
    this.ended(task, status, cause);
    this.drain();
  }

  /** A task left terminal status `from` (a retry): its dependents count it unfinished again; skipped ones re-arm. */
  taskReopened(task: TaskRef, from: TaskStatus, cause: Cause): void {
    if (task.orchestration_id === null) return;
    this.touch(task.orchestration_id, cause);
    this.queue.push({ id: task.id, status: from, reopened: true, cause });
    this.drain();
  }

  /**
   * An attempt of an orchestration's task ended having cost `cost`: recorded; at the budget, the rest is skipped.
   * `requeued`: the task goes back to `queued` — in an orchestration out of budget it is skipped at once.
   */
  attemptEnded(orchestrationId: number, cost: number | null, requeued: boolean, cause: Cause): void {
    // Nothing to add, and nothing new that could start: once the budget is out every task not started is skipped,
    // and only a requeue (not a retry or an addition: both are refused then) brings one back. The common case.
    if (!cost && !requeued) return;
    this.touch(orchestrationId, cause);
    const skipped = this.budget.record(orchestrationId, cost ?? 0, cause, this.changed);
    // Every not-started task was skipped first, so their dependents only update counters: nothing cascades.
    for (const id of skipped) this.ended({ id, orchestration_id: orchestrationId }, 'skipped', cause);
    this.drain();
  }

  /** Applies the trigger rule of a task that is waiting (a task added with finished dependencies). */
  evaluate(taskId: number, cause: Cause): void {
    const row = this.s.dependent.get(taskId);
    if (!row || row.orchestration_id === null) return;
    this.touch(row.orchestration_id, cause);
    this.resolve(row, cause);
    this.drain();
  }

  /** End of the transaction: an orchestration whose last task just finished gets finished_at and an event. */
  settle(): void {
    for (const [id, cause] of this.touched) {
      const current = this.s.finishedAt.get(id);
      if (!current) continue;
      const open = this.s.anyUnfinished.get(id) === 1;
      if (open && current.finished_at !== null) {
        this.s.setFinishedAt.run({ id, finished_at: null, now: cause.now });
      } else if (!open && current.finished_at === null) {
        this.s.setFinishedAt.run({ id, finished_at: cause.now, now: cause.now });
        const summary = this.summaries.summary(id);
        this.append('orchestration_finished', { id: null, orchestration_id: id }, null, null, cause, {
          status: summary?.status,
          counts: summary?.counts,
          cost_usd: summary?.cost_usd,
        });
      }
    }
    this.touched.clear();
  }

  private ended(task: TaskRef, status: TaskStatus, cause: Cause): void {
    this.queue.push({ id: task.id, status, reopened: false, cause });
  }

  /** Marks an orchestration for `settle()` (its tasks changed in a way resolution did not see). */
  touch(orchestrationId: number, cause: Cause): void {
    this.touched.set(orchestrationId, cause);
  }

  private drain(): void {
    while (this.head < this.queue.length) {
      const change = this.queue[this.head++]!;
      for (const row of this.s.bumpDependents.all(counterChange(change.id, change.status, change.reopened))) {
        if (change.reopened) this.rearm(row, change);
        else this.resolve(row, change.cause);
      }
    }
    this.queue.length = 0;
    this.head = 0;
  }

  private resolve(row: DependentRow, cause: Cause): void {
    if (row.status !== 'waiting') return;
    const decision = evaluateTriggerRule(row.trigger_rule as TriggerRule, countsOf(row));
    if (decision === 'run') this.queueTask(row, 'task_ready', cause);
    else if (decision === 'skip') this.skip(row, cause);
  }

  /** A dependent skipped because of its dependencies waits (or runs) again once they allow it. */
  private rearm(row: DependentRow, change: Change): void {
    if (row.status !== 'skipped' || !isDependencySkip(parseJson<Failure>(row.error))) return;
    const decision = evaluateTriggerRule(row.trigger_rule as TriggerRule, countsOf(row));
    if (decision === 'skip') return;
    if (decision === 'run') {
      this.queueTask(row, 'task_rearmed', change.cause);
    } else {
      assertTransition(row.id, 'skipped', 'waiting');
      this.s.markWaiting.run({ id: row.id, now: change.cause.now });
      this.changed.add(row.id);
      this.append('task_rearmed', row, 'skipped', 'waiting', change.cause, { dependency_task_id: change.id });
    }
    this.queue.push({ id: row.id, status: 'skipped', reopened: true, cause: change.cause });
  }

  private queueTask(row: DependentRow, type: EventType, cause: Cause): void {
    const from = row.status as TaskStatus;
    assertTransition(row.id, from, 'queued');
    const runAfter = cause.now + row.initial_delay_seconds * 1000;
    let prompt: string | null = null;
    if (row.prompt_template !== null) {
      const results = new Map(this.s.dependencies.all(row.id).map((d) => [d.identifier, d.result]));
      prompt = renderPrompt(row.prompt_template, (identifier) => results.get(identifier) ?? null);
    }
    this.s.markQueued.run({ id: row.id, run_after: runAfter, prompt, now: cause.now });
    this.changed.add(row.id);
    this.append(type, row, from, 'queued', cause, {
      run_after: isoTime(runAfter),
      initial_delay_seconds: row.initial_delay_seconds,
    });
  }

  private skip(row: DependentRow, cause: Cause): void {
    assertTransition(row.id, 'waiting', 'skipped');
    const deps = this.s.dependencies.all(row.id).map((d) => ({
      id: d.id,
      identifier: d.identifier,
      status: d.status as TaskStatus,
    }));
    const skip = dependencySkip({ id: row.id, trigger_rule: row.trigger_rule as TriggerRule }, deps);
    this.s.markSkipped.run({
      id: row.id,
      reason: skip.reason,
      error: JSON.stringify(skip.failure),
      now: cause.now,
    });
    this.changed.add(row.id);
    this.append(skip.event.type, row, 'waiting', 'skipped', cause, skip.event.data);
    this.ended(row, 'skipped', cause);
  }

  private append(
    type: EventType,
    task: { id: number | null; orchestration_id: number | null },
    from: TaskStatus | null,
    to: TaskStatus | null,
    cause: Cause,
    data: Record<string, unknown>,
  ): void {
    this.ctx.tx.append(
      {
        type,
        task_id: task.id,
        orchestration_id: task.orchestration_id,
        from_status: from,
        to_status: to,
        actor: cause.actor,
        correlation_id: cause.correlation_id,
        data,
      },
      cause.now,
    );
  }
}

/** Prepared once; `begin()` per transaction. */
export class Resolver {
  constructor(
    private readonly ctx: StoreContext,
    readonly statements: ResolutionStatements,
    readonly summaries: Summaries,
  ) {}

  begin(): Resolution {
    return new Resolution(this.ctx, this.statements, this.summaries);
  }
}
