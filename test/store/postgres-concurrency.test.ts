/**
 * Several nodes on one PostgreSQL at once, each a store with its own pool (as separate machines would be): claims
 * never give one task to two nodes, `max_parallel` holds across nodes, an orchestration whose last tasks finish on
 * different nodes at the same moment is settled exactly once, and recovery run by two nodes at once recovers each
 * task once. Each test in its own schema.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { TaskEvent } from '../../src/domain/vocabulary.js';
import type { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import type { ClaimedTask } from '../../src/store/store.js';
import { freshSchemaName, openPostgresStore } from '../helpers/postgres.js';
import { CLI, RECOVERY, finishOf, newTask, sleep } from './suite/helpers.js';
import { node } from './suite/orchestrations-helpers.js';

const COMPLETED = { kind: 'completed' } as const;

describe('PostgreSQL store: several nodes at once', () => {
  const cleanups: (() => Promise<void>)[] = [];

  /** `count` stores on one new schema, migrated. */
  async function nodes(count: number): Promise<PostgresStore[]> {
    const schema = freshSchemaName();
    const stores: PostgresStore[] = [];
    for (let i = 0; i < count; i++) {
      const { store, cleanup } = openPostgresStore(schema, 3);
      stores.push(store);
      // Only the last cleanup drops the schema; the others close their pools first.
      cleanups.unshift(i === 0 ? cleanup : () => store.close());
    }
    await Promise.all(stores.map((s) => s.migrate()));
    return stores;
  }

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  async function allEvents(store: PostgresStore): Promise<TaskEvent[]> {
    return store.listEvents({ limit: 1_000_000 });
  }

  it('never gives one task to two nodes claiming and finishing at the same time', async () => {
    const stores = await nodes(4);
    const ids: number[] = [];
    for (let i = 0; i < 300; i++)
      ids.push((await stores[0]!.createTask(newTask({ priority: i % 3 }), CLI)).id);

    const claimedBy = await Promise.all(
      stores.map(async (store, n) => {
        const worker = `node-${n}`;
        const mine: number[] = [];
        for (;;) {
          const batch = await store.claimTasks({ worker_id: worker, limit: 3, lease_ms: 60_000 });
          if (batch.length === 0) return mine;
          mine.push(...batch.map((c) => c.task.id));
          await store.finishAttempts(batch.map((c) => finishOf(c, worker, COMPLETED)));
        }
      }),
    );
    expect(claimedBy.filter((mine) => mine.length > 0).length).toBeGreaterThan(1);
    const claimed = claimedBy.flat();
    expect(new Set(claimed).size).toBe(claimed.length);
    expect([...claimed].sort((a, b) => a - b)).toEqual(ids);
    expect((await stores[0]!.countByStatus()).completed).toBe(ids.length);
    const claims = (await allEvents(stores[0]!)).filter((e) => e.type === 'task_claimed');
    expect(claims).toHaveLength(ids.length);
  });

  it('never runs more than max_parallel tasks of an orchestration across nodes', async () => {
    const stores = await nodes(4);
    const maxParallel = 3;
    const created = await stores[0]!.createOrchestration(
      { name: 'capped', max_parallel: maxParallel, budget_usd: null },
      Array.from({ length: 40 }, (_, i) => node(`t${i}`)),
      CLI,
    );
    await Promise.all(
      stores.map(async (store, n) => {
        const worker = `node-${n}`;
        for (let idle = 0; idle < 20;) {
          const batch = await store.claimTasks({ worker_id: worker, limit: 2, lease_ms: 60_000 });
          if (batch.length === 0) {
            const detail = await store.getOrchestration(created.id);
            if (detail!.finished_at !== null) return;
            idle += 1;
            await sleep(5);
            continue;
          }
          await sleep(3);
          await store.finishAttempts(batch.map((c) => finishOf(c, worker, COMPLETED)));
        }
      }),
    );
    const detail = (await stores[0]!.getOrchestration(created.id))!;
    expect(detail).toMatchObject({ status: 'completed', counts: { completed: 40 } });
    // Claims and finishes of this orchestration commit under its row lock, so event ids follow commit order.
    let running = 0;
    let peak = 0;
    for (const event of await stores[0]!.listEvents({ orchestration_id: created.id, limit: 10_000 })) {
      if (event.type === 'task_claimed') running += 1;
      if (event.type === 'task_completed') running -= 1;
      peak = Math.max(peak, running);
    }
    expect(peak).toBeLessThanOrEqual(maxParallel);
    expect(peak).toBeGreaterThan(1);
  });

  it('settles an orchestration exactly once when its last tasks finish on several nodes at the same moment', async () => {
    for (let round = 0; round < 6; round++) {
      // Odd rounds cost nothing: then only the orchestration's row lock orders the finishes.
      const cost = round % 2 === 0 ? 2 : null;
      const stores = await nodes(4);
      const created = await stores[0]!.createOrchestration(
        { name: `race-${round}`, max_parallel: null, budget_usd: cost === null ? null : 10 },
        Array.from({ length: 8 }, (_, i) => node(`t${i}`)),
        CLI,
      );
      const claimed: { store: PostgresStore; claimed: ClaimedTask; worker: string }[] = [];
      for (const [n, store] of stores.entries()) {
        for (const c of await store.claimTasks({ worker_id: `node-${n}`, limit: 2, lease_ms: 60_000 })) {
          claimed.push({ store, claimed: c, worker: `node-${n}` });
        }
      }
      expect(claimed).toHaveLength(8);
      // Every finish in its own transaction, all at once; with a cost, the last ones exhaust the budget.
      await Promise.all(
        claimed.map(({ store, claimed: c, worker }) =>
          store.finishAttempts([finishOf(c, worker, COMPLETED, { cost_usd: cost })]),
        ),
      );
      const events = await stores[0]!.listEvents({ orchestration_id: created.id, limit: 10_000 });
      expect(events.filter((e) => e.type === 'orchestration_finished')).toHaveLength(1);
      expect(events.filter((e) => e.type === 'orchestration_budget_exhausted')).toHaveLength(
        cost === null ? 0 : 1,
      );
      const detail = (await stores[0]!.getOrchestration(created.id))!;
      expect(detail.cost_usd).toBe(cost === null ? 0 : 16);
      expect(detail.finished_at).not.toBeNull();
      for (const cleanup of cleanups.splice(0)) await cleanup();
    }
  });

  it('recovers each task once when two nodes recover at the same moment', async () => {
    const stores = await nodes(2);
    for (let i = 0; i < 20; i++) await stores[0]!.createTask(newTask(), CLI);
    await stores[0]!.claimTasks({ worker_id: 'dead-node', limit: 20, lease_ms: 1 });
    await sleep(20);
    const [a, b] = await Promise.all(
      stores.map((store) => store.recoverTasks({ expired_leases: true, actor: RECOVERY })),
    );
    expect(a!.length + b!.length).toBe(20);
    const recovered = (await allEvents(stores[0]!)).filter((e) => e.type === 'task_recovered');
    expect(recovered).toHaveLength(20);
    expect(new Set(recovered.map((e) => e.task_id)).size).toBe(20);
    expect((await stores[0]!.countByStatus()).queued).toBe(20);
  });
});
