/**
 * Dependency resolution in PostgreSQL, inside the transaction of whatever moved a task of an orchestration (its
 * row already locked: statements.ts `lockOrchestrations`). The same rules as the SQLite store, from the same pure
 * functions — trigger rules (domain/trigger-rules.ts), skips and budgets (domain/rules/skips.ts), counter changes
 * (domain/rules/dependency-counters.ts) — over async statements: a task that ends bumps its dependents' counters (one statement over its out-edges),
 * each waiting dependent applies its trigger rule (run → queued with its prompt rendered, skip → skipped, which
 * cascades); a retried task does the reverse and re-arms dependents skipped because of it. Cascades use a work
 * list, never recursion. `settle()` at the end stamps or clears each touched orchestration's finished_at once.
 */
import { renderPrompt } from '../../../domain/template.js';
import { evaluateTriggerRule } from '../../../domain/trigger-rules.js';
import type { EventType, Failure, TaskStatus, TriggerRule } from '../../../domain/vocabulary.js';
import { assertTransition } from '../../shared/transitions.js';
import { counterChange, countsOf } from '../../../domain/rules/dependency-counters.js';
import { budgetDecision, dependencySkip, isDependencySkip } from '../../../domain/rules/skips.js';
import { parseJson } from '../../codec/values.js';
import type { Cause, TaskRef } from '../../sqlite/orchestrations/resolution.js';
import { isoTime } from '../../codec/values.js';
import type { PgTx } from '../transactions.js';
import { statements as s, summaries, type DependentRow } from './statements.js';

export type { Cause, TaskRef };

interface Change {
  id: number;
  status: TaskStatus;
  reopened: boolean;
  cause: Cause;
}

function sameCause(a: Cause, b: Cause): boolean {
  return a.actor === b.actor && a.correlation_id === b.correlation_id && a.now === b.now;
}

export class PgResolution {
  /** Tasks whose row this resolution changed; an operation returning one of them re-reads it. */
  readonly changed = new Set<number>();
  private readonly queue: Change[] = [];
  private head = 0;
  private readonly touched = new Map<number, Cause>();

  constructor(private readonly tx: PgTx) {}

  /** A task reached a terminal status: resolve its dependents (cascading). */
  async taskEnded(task: TaskRef, status: TaskStatus, cause: Cause): Promise<void> {
    if (task.orchestration_id === null) return;
    this.touch(task.orchestration_id, cause);
    this.queue.push({ id: task.id, status, reopened: false, cause });
    await this.drain();
  }

  /** A task left terminal status `from` (a retry): its dependents count it unfinished again; skipped ones re-arm. */
  async taskReopened(task: TaskRef, from: TaskStatus, cause: Cause): Promise<void> {
    if (task.orchestration_id === null) return;
    this.touch(task.orchestration_id, cause);
    this.queue.push({ id: task.id, status: from, reopened: true, cause });
    await this.drain();
  }

  /** An attempt ended having cost `cost`: recorded; at the budget, every task not started is skipped. */
  async attemptEnded(
    orchestrationId: number,
    cost: number | null,
    requeued: boolean,
    cause: Cause,
  ): Promise<void> {
    if (!cost && !requeued) return;
    this.touch(orchestrationId, cause);
    const skipped = await this.recordCost(orchestrationId, cost ?? 0, cause);
    for (const id of skipped) this.queue.push({ id, status: 'skipped', reopened: false, cause });
    await this.drain();
  }

  /** Applies the trigger rule of a waiting task (added with finished dependencies). */
  async evaluate(taskId: number, cause: Cause): Promise<void> {
    const row = await s.dependent(this.tx, taskId);
    if (!row || row.orchestration_id === null) return;
    this.touch(row.orchestration_id, cause);
    await this.resolve(row, cause);
    await this.drain();
  }

  /** Marks an orchestration for `settle()`. */
  touch(orchestrationId: number, cause: Cause): void {
    this.touched.set(orchestrationId, cause);
  }

  /** End of the transaction: an orchestration whose last task just finished gets finished_at and one event. */
  async settle(): Promise<void> {
    for (const [id, cause] of this.touched) {
      const current = await summaries.row(this.tx, id);
      if (!current) continue;
      const open = await s.anyUnfinished(this.tx, id);
      if (open && current.finished_at !== null) {
        await s.setFinishedAt(this.tx, id, null, cause.now);
      } else if (!open && current.finished_at === null) {
        await s.setFinishedAt(this.tx, id, cause.now, cause.now);
        const summary = await summaries.summary(this.tx, id);
        this.append('orchestration_finished', { id: null, orchestration_id: id }, null, null, cause, {
          status: summary?.status,
          counts: summary?.counts,
          cost_usd: summary?.cost_usd,
        });
      }
    }
    this.touched.clear();
  }

  /** Several tasks reached terminal statuses (a batch of finishes): their dependents resolve together. */
  async tasksEnded(ended: { task: TaskRef; status: TaskStatus; cause: Cause }[]): Promise<void> {
    for (const { task, status, cause } of ended) {
      if (task.orchestration_id === null) continue;
      this.touch(task.orchestration_id, cause);
      this.queue.push({ id: task.id, status, reopened: false, cause });
    }
    await this.drain();
  }

  /**
   * Works the list level by level: the endings waiting in it bump their dependents' counters in one statement
   * (a dependent of several of them counts them all at once: the trigger rules give the same answer for the whole
   * set as for its parts, since an answer once given never changes), and the dependents that became ready are
   * queued in one statement. A retry's reopening goes one at a time (it re-arms).
   */
  private async drain(): Promise<void> {
    while (this.head < this.queue.length) {
      const level = this.queue.slice(this.head);
      this.head = this.queue.length;
      for (const change of level.filter((c) => c.reopened)) {
        await this.flushReady();
        const rows = await s.bumpDependents(this.tx, counterChange(change.id, change.status, true));
        for (const row of rows) await this.rearm(row, change);
      }
      const ended = level.filter((c) => !c.reopened);
      if (ended.length === 0) continue;
      await this.flushReady();
      const rows = await s.bumpDependentsOf(
        this.tx,
        ended.map((c) => counterChange(c.id, c.status, false)),
      );
      const first = ended[0]!.cause;
      const causes = new Map<number, Cause>();
      // Usually one cause (one worker's batch, one transaction time); otherwise the dependency that ended names it.
      if (rows.length > 0 && ended.some((c) => !sameCause(c.cause, first))) {
        const causeOf = new Map(ended.map((c) => [c.id, c.cause]));
        for (const edge of await s.edgesInto(
          this.tx,
          rows.map((r) => r.id),
        )) {
          const cause = causeOf.get(edge.depends_on_task_id);
          if (cause && !causes.has(edge.task_id)) causes.set(edge.task_id, cause);
        }
      }
      for (const row of rows) await this.resolve(row, causes.get(row.id) ?? first);
    }
    await this.flushReady();
    this.queue.length = 0;
    this.head = 0;
  }

  /** Dependents that became ready, written in one statement. */
  private readonly ready: { id: number; run_after: number; prompt: string | null; now: number }[] = [];

  private async flushReady(): Promise<void> {
    if (this.ready.length === 0) return;
    const batch = this.ready.splice(0);
    await s.markQueuedMany(this.tx, batch);
  }

  private async resolve(row: DependentRow, cause: Cause): Promise<void> {
    if (row.status !== 'waiting') return;
    const decision = evaluateTriggerRule(row.trigger_rule as TriggerRule, countsOf(row));
    if (decision === 'run') await this.queueTask(row, 'task_ready', cause);
    else if (decision === 'skip') await this.skip(row, cause);
  }

  private async rearm(row: DependentRow, change: Change): Promise<void> {
    if (row.status !== 'skipped' || !isDependencySkip(parseJson<Failure>(row.error))) return;
    const decision = evaluateTriggerRule(row.trigger_rule as TriggerRule, countsOf(row));
    if (decision === 'skip') return;
    if (decision === 'run') {
      await this.queueTask(row, 'task_rearmed', change.cause);
    } else {
      assertTransition(row.id, 'skipped', 'waiting');
      await s.markWaiting(this.tx, row.id, change.cause.now);
      this.changed.add(row.id);
      this.append('task_rearmed', row, 'skipped', 'waiting', change.cause, { dependency_task_id: change.id });
    }
    this.queue.push({ id: row.id, status: 'skipped', reopened: true, cause: change.cause });
  }

  private async queueTask(row: DependentRow, type: EventType, cause: Cause): Promise<void> {
    const from = row.status as TaskStatus;
    assertTransition(row.id, from, 'queued');
    const runAfter = cause.now + row.initial_delay_seconds * 1000;
    let prompt: string | null = null;
    if (row.prompt_template !== null) {
      const results = new Map((await s.dependencies(this.tx, row.id)).map((d) => [d.identifier, d.result]));
      prompt = renderPrompt(row.prompt_template, (identifier) => results.get(identifier) ?? null);
    }
    this.ready.push({ id: row.id, run_after: runAfter, prompt, now: cause.now });
    this.changed.add(row.id);
    this.append(type, row, from, 'queued', cause, {
      run_after: isoTime(runAfter),
      initial_delay_seconds: row.initial_delay_seconds,
    });
  }

  private async skip(row: DependentRow, cause: Cause): Promise<void> {
    assertTransition(row.id, 'waiting', 'skipped');
    const deps = (await s.dependencies(this.tx, row.id)).map((d) => ({
      id: d.id,
      identifier: d.identifier,
      status: d.status as TaskStatus,
    }));
    const skip = dependencySkip({ id: row.id, trigger_rule: row.trigger_rule as TriggerRule }, deps);
    await s.markSkipped(this.tx, row.id, skip.reason, JSON.stringify(skip.failure), cause.now);
    this.changed.add(row.id);
    this.append(skip.event.type, row, 'waiting', 'skipped', cause, skip.event.data);
    this.queue.push({ id: row.id, status: 'skipped', reopened: false, cause });
  }

  /** Adds the cost; at the budget, skips the tasks not started (the orchestration's row is locked). */
  private async recordCost(orchestrationId: number, cost: number, cause: Cause): Promise<number[]> {
    const row = await s.addCost(this.tx, orchestrationId, cost, cause.now);
    if (!row) return [];
    const decision = budgetDecision(orchestrationId, {
      cost_usd: row.cost_usd,
      budget_usd: row.budget_usd,
      budget_exhausted: row.budget_exhausted !== 0,
    });
    if (!decision.exhausted) return [];
    await s.exhaust(this.tx, orchestrationId, decision.reason);
    const ref = { id: null, orchestration_id: orchestrationId };
    if (decision.event) this.append(decision.event.type, ref, null, null, cause, decision.event.data);
    const skipped: number[] = [];
    for (const task of await s.notStarted(this.tx, orchestrationId)) {
      const from = task.status as TaskStatus;
      assertTransition(task.id, from, 'skipped');
      const skip = decision.skip(task.id);
      await s.markSkipped(this.tx, task.id, skip.reason, JSON.stringify(skip.failure), cause.now);
      this.changed.add(task.id);
      skipped.push(task.id);
      const ref = { id: task.id, orchestration_id: orchestrationId };
      this.append(skip.event.type, ref, from, 'skipped', cause, skip.event.data);
    }
    return skipped;
  }

  private append(
    type: EventType,
    task: { id: number | null; orchestration_id: number | null },
    from: TaskStatus | null,
    to: TaskStatus | null,
    cause: Cause,
    data: Record<string, unknown>,
  ): void {
    this.tx.append(
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
