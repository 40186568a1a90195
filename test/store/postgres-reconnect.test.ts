/**
 * PostgreSQL restarted, or every connection cut (a failover, a network blip), while the store's pool still holds the
 * old connections: the next read and the next write succeed on new ones, instead of failing once per stale
 * connection with "terminating connection due to administrator command". A transaction that failed before its
 * COMMIT was sent committed nothing, so running it again on a new connection writes it once. The hot statements are
 * prepared per connection; a column added by another node's newer migration does not break them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { adminQuery, cutConnections, freshDatabase } from '../helpers/postgres.js';
import { CLI, newTask } from './suite/helpers.js';

let store: PostgresStore | null = null;
let drop: (() => Promise<void>) | null = null;
afterEach(async () => {
  await store?.close();
  await drop?.();
  store = null;
  drop = null;
});

describe('PostgreSQL store: stale connections and prepared statements', () => {
  it('the next reads and writes succeed on new connections, and each write is stored once', async () => {
    const db = await freshDatabase();
    drop = db.drop;
    const database = new URL(db.url).pathname.slice(1);
    store = new PostgresStore({ connectionString: db.url, poolSize: 4 });
    await store.migrate();
    const first = await store.createTask(newTask(), CLI);
    const created = [first.id];

    for (let round = 0; round < 5; round++) {
      // Fill the pool with idle connections, then cut them all at once.
      await Promise.all([1, 2, 3, 4].map(() => store!.getTask(first.id)));
      expect(await cutConnections(database)).toBeGreaterThan(0);
      const [read, listed, written] = await Promise.all([
        store.getTask(first.id),
        store.listTasks({ limit: 100 }),
        store.createTask(newTask({ execution_prompt: `after cut ${round}` }), CLI),
      ]);
      expect(read?.id).toBe(first.id);
      expect(listed.tasks.length).toBeGreaterThanOrEqual(created.length);
      created.push(written.id);
    }
    const all = await store.listTasks({ limit: 100 });
    expect(all.tasks.map((t) => t.id).sort((a, b) => a - b)).toEqual(created);
  });

  it('prepared statements keep working after another node adds a column to their table', async () => {
    const db = await freshDatabase();
    drop = db.drop;
    store = new PostgresStore({ connectionString: db.url, poolSize: 1 });
    await store.migrate();
    // Enough runs for PostgreSQL to cache the plans of the create and the claim on the one connection.
    for (let i = 0; i < 7; i++) await store.createTask(newTask({ execution_prompt: `before ${i}` }), CLI);
    await adminQuery(`ALTER TABLE tasks ADD COLUMN added_by_a_newer_node text`, [], db.url);
    const after = await store.createTask(newTask({ execution_prompt: 'after' }), CLI);
    expect(after.execution_prompt).toBe('after');
    const claimed = await store.claimTasks({ worker_id: 'w', limit: 10, lease_ms: 60_000 });
    expect(claimed).toHaveLength(8);
  });
});
