/**
 * Shared pieces of the store contract suite: a store per test, task and failure builders, and short ways to bring
 * a task into a state (claimed, finished) through the Store interface only, so any backend can run the suite.
 */
import { afterEach, beforeEach, expect } from 'vitest';
import { FAILURE_CLASSES } from '../../../src/domain/failure-codes.js';
import { taskOptions } from '../../helpers/task-options.js';
import type { Actor, Failure, FailureCode } from '../../../src/domain/vocabulary.js';
import type { AttemptFinish, AttemptOutcome, ClaimedTask, NewTask, Store } from '../../../src/store/store.js';

export type OpenStore = () => Promise<{ store: Store; cleanup: () => Promise<void> }>;

export interface StoreHandle {
  readonly store: Store;
}

export const CLI: Actor = { actor: 'cli', correlation_id: 'req-1' };
export const RECOVERY: Actor = { actor: 'recovery' };
export const LONG_LEASE_MS = 60_000;

/** Opens a fresh, migrated store before each test and cleans it up after. */
export function useStore(open: OpenStore): StoreHandle {
  let current: Awaited<ReturnType<OpenStore>> | null = null;
  beforeEach(async () => {
    current = await open();
    await current.store.migrate();
  });
  afterEach(async () => {
    await current?.cleanup();
    current = null;
  });
  return {
    get store(): Store {
      if (!current) throw new Error('the store is only open inside a test');
      return current.store;
    },
  };
}

export function newTask(overrides: Partial<NewTask> = {}): NewTask {
  return {
    ...taskOptions(),
    log_path: '/home/me/.claude-worker/logs/tasks/{id}-project-20260101T000000Z.log',
    transcript_path: '/home/me/.claude-worker/logs/tasks/{id}-project-20260101T000000Z.jsonl',
    ...overrides,
  };
}

export function failure(code: FailureCode, message = `attempt failed with ${code}`): Failure {
  return {
    code,
    message,
    suggestion: FAILURE_CLASSES[code].suggestion,
    retryable: FAILURE_CLASSES[code].retryable,
    exit_code: code === 'process_crashed' ? 137 : null,
    exit_meaning: code === 'process_crashed' ? '137: killed (SIGKILL, often out of memory)' : null,
    retry_after_ms: null,
  };
}

export function finishOf(
  claimed: ClaimedTask,
  worker: string,
  outcome: AttemptOutcome,
  extra: Partial<AttemptFinish> = {},
): AttemptFinish {
  return {
    task_id: claimed.task.id,
    attempt: claimed.attempt,
    worker_id: worker,
    outcome,
    result: null,
    session_id: null,
    num_turns: null,
    cost_usd: null,
    usage: null,
    duration_ms: 1200,
    // The hint the engine gives (a store may end a standalone task's attempt without locking it first).
    orchestration_id: claimed.task.orchestration_id,
    ...extra,
  };
}

/** Claims exactly one ready task (fails the test otherwise). */
export async function claimOne(store: Store, worker = 'w1', leaseMs = LONG_LEASE_MS): Promise<ClaimedTask> {
  const claimed = await store.claimTasks({ worker_id: worker, limit: 1, lease_ms: leaseMs });
  expect(claimed).toHaveLength(1);
  return claimed[0]!;
}

/** Creates a task and claims it; use when no other task is ready. */
export async function startTask(
  store: Store,
  overrides: Partial<NewTask> = {},
  worker = 'w1',
  leaseMs = LONG_LEASE_MS,
): Promise<ClaimedTask> {
  const task = await store.createTask(newTask(overrides), CLI);
  const claimed = await claimOne(store, worker, leaseMs);
  expect(claimed.task.id).toBe(task.id);
  return claimed;
}

export async function eventTypes(store: Store, taskId: number): Promise<string[]> {
  return (await store.listEvents({ task_id: taskId, limit: 1000 })).map((e) => e.type);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

export function ms(iso: string | null): number {
  expect(iso).not.toBeNull();
  return Date.parse(iso!);
}
