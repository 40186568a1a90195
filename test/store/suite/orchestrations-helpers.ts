/**
 * Builders and drivers for the orchestration contract tests: tasks of a graph, running a task of an orchestration
 * to an outcome through claim and finish, reading a task by identifier, and a check that every task's count of
 * unfinished dependencies matches its dependencies' statuses.
 */
import { expect } from 'vitest';
import type {
  OrchestrationDetail,
  OrchestrationTask,
  Task,
  TriggerRule,
} from '../../../src/domain/vocabulary.js';
import type {
  AttemptFinish,
  AttemptOutcome,
  ClaimedTask,
  NewOrchestration,
  NewOrchestrationTask,
  Store,
} from '../../../src/store/store.js';
import { LONG_LEASE_MS, failure, finishOf, newTask } from './helpers.js';

export const PLAIN: NewOrchestration = { name: 'release', max_parallel: null, budget_usd: null };

export function node(
  identifier: string,
  depends_on: string[] = [],
  extra: Partial<NewOrchestrationTask> & { rule?: TriggerRule } = {},
): NewOrchestrationTask {
  const { rule, ...rest } = extra;
  return {
    ...newTask({ execution_prompt: `Do ${identifier}` }),
    identifier,
    depends_on,
    trigger_rule: rule ?? 'all_success',
    initial_delay_seconds: 0,
    ...rest,
  };
}

export function task(detail: OrchestrationDetail, identifier: string): OrchestrationTask {
  const found = detail.tasks.find((t) => t.identifier === identifier);
  if (!found) throw new Error(`no task "${identifier}" in orchestration ${detail.id}`);
  return found;
}

/** identifier → status, for whole-graph assertions. */
export function statuses(detail: OrchestrationDetail): Record<string, string> {
  return Object.fromEntries(detail.tasks.map((t) => [t.identifier, t.status]));
}

export async function reload(store: Store, id: number): Promise<OrchestrationDetail> {
  const detail = await store.getOrchestration(id);
  expect(detail).toBeDefined();
  return detail!;
}

/** Claims every ready task (up to 1000) for `worker`. */
export async function claimReady(store: Store, worker = 'w1', limit = 1000): Promise<ClaimedTask[]> {
  return store.claimTasks({ worker_id: worker, limit, lease_ms: LONG_LEASE_MS });
}

export const COMPLETED: AttemptOutcome = { kind: 'completed' };
export const FAILED: AttemptOutcome = { kind: 'failed', failure: failure('execution_error') };

/**
 * Runs the tasks of one orchestration as a worker would: `finish("b", outcome)` claims whatever is ready (keeping
 * the claims it does not finish yet), expects "b" among the running ones, and ends its attempt with `outcome`.
 */
export class Driver {
  readonly running = new Map<number, ClaimedTask>();

  constructor(
    private readonly store: Store,
    private readonly orchestrationId: number,
    private readonly worker = 'w1',
  ) {}

  /** Claims every ready task; returns the identifiers claimed now, in claim order. */
  async claim(): Promise<string[]> {
    const claimed = await claimReady(this.store, this.worker);
    for (const c of claimed) this.running.set(c.task.id, c);
    return claimed.map((c) => c.task.identifier ?? String(c.task.id));
  }

  async finish(
    identifier: string,
    outcome: AttemptOutcome = COMPLETED,
    extra: Partial<AttemptFinish> = {},
  ): Promise<Task> {
    await this.claim();
    return this.end(identifier, outcome, extra);
  }

  /** Ends the attempt of a task claimed earlier, without claiming anything first. */
  async end(
    identifier: string,
    outcome: AttemptOutcome = COMPLETED,
    extra: Partial<AttemptFinish> = {},
  ): Promise<Task> {
    const id = task(await reload(this.store, this.orchestrationId), identifier).id;
    const claimed = this.running.get(id);
    expect(claimed, `"${identifier}" should be running`).toBeDefined();
    const [finished] = await this.store.finishAttempts([finishOf(claimed!, this.worker, outcome, extra)]);
    expect(finished?.id).toBe(id);
    this.running.delete(id);
    return finished!;
  }
}

/** Every task's pending_dependencies equals the number of its dependencies not finished. */
export function expectConsistentCounters(detail: OrchestrationDetail): void {
  const byIdentifier = new Map(detail.tasks.map((t) => [t.identifier, t]));
  const finished = new Set(['completed', 'failed', 'cancelled', 'skipped']);
  for (const t of detail.tasks) {
    const open = t.depends_on.filter((d) => !finished.has(byIdentifier.get(d)!.status)).length;
    expect(t.pending_dependencies, `pending_dependencies of "${t.identifier}"`).toBe(open);
  }
}
