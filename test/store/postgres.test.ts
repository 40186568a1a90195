/**
 * The PostgreSQL store on a real server (CLAUDE_WORKER_TEST_DATABASE_URL), each test in its own schema: the shared
 * Store contract, then what only a shared database has — migrations applied once by nodes starting together and a
 * newer schema refused, and events committed by another node delivered to listeners.
 */
import pg from 'pg';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TaskEvent } from '../../src/domain/vocabulary.js';
import { PG_MIGRATIONS } from '../../src/store/postgres/migrations.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import {
  adminQuery,
  dropSchema,
  freshSchemaName,
  openPostgresStore,
  TEST_DATABASE_URL,
} from '../helpers/postgres.js';
import { describeStoreSuite } from './store-suite.js';
import { CLI, newTask, sleep } from './suite/helpers.js';

// Every statement is a round trip (SQLite's are calls into this process): on a loaded machine the 10,000-task
// graph (about 6 s here) may need more than the default 30 s.
vi.setConfig({ testTimeout: 90_000 });

describeStoreSuite('postgres', async () => {
  const { store, cleanup } = openPostgresStore();
  return { store, cleanup };
});

describe('PostgresStore on a shared database', () => {
  const schemas: string[] = [];
  const stores: PostgresStore[] = [];

  function storeOn(schema: string): PostgresStore {
    const store = new PostgresStore({ connectionString: TEST_DATABASE_URL, schema, poolSize: 3 });
    stores.push(store);
    return store;
  }

  function newSchema(): string {
    const schema = freshSchemaName();
    schemas.push(schema);
    return schema;
  }

  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    for (const schema of schemas.splice(0)) await dropSchema(schema);
  });

  it('applies each migration once when several nodes start on an empty schema at the same moment', async () => {
    const schema = newSchema();
    const results = await Promise.all([1, 2, 3, 4].map(() => storeOn(schema).migrateSchema()));
    expect(results.map((r) => r.applied.length).sort()).toEqual([0, 0, 0, PG_MIGRATIONS.length]);
    const rows = await adminQuery(`SELECT version, name FROM "${schema}".migrations ORDER BY version`);
    expect(rows.rows).toEqual(PG_MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
    expect((await storeOn(schema).migrateSchema()).applied).toEqual([]);
  });

  it('refuses a schema written by a newer claude-worker, saying which version it is and which it knows', async () => {
    const schema = newSchema();
    await storeOn(schema).migrate();
    await adminQuery(
      `INSERT INTO "${schema}".migrations (version, name, applied_at) VALUES (999, 'future', 0)`,
    );
    await expect(storeOn(schema).migrate()).rejects.toMatchObject({
      code: 'config',
      message: expect.stringMatching(
        new RegExp(
          `newer claude-worker \\(schema version 999; this version knows up to ${Math.max(...PG_MIGRATIONS.map((m) => m.version))}\\)`,
        ),
      ),
    });
  });

  it('delivers events committed by another node to listeners, in order, once', async () => {
    const schema = newSchema();
    const here = storeOn(schema);
    const there = storeOn(schema);
    await here.migrate();
    await there.migrate();
    const seen: TaskEvent[] = [];
    here.onEvents((events) => seen.push(...events));
    await sleep(200);
    const remote = await there.createTask(newTask(), CLI);
    const local = await here.createTask(newTask(), CLI);
    await there.requestCancel(remote.id, CLI);
    const deadline = Date.now() + 10_000;
    while (seen.length < 3 && Date.now() < deadline) await sleep(20);
    await sleep(300);
    expect(seen.map((e) => [e.type, e.task_id])).toEqual(
      expect.arrayContaining([
        ['task_created', remote.id],
        ['task_created', local.id],
        ['task_cancelled', remote.id],
      ]),
    );
    expect(seen).toHaveLength(3);
    const remoteEvents = seen.filter((e) => e.task_id === remote.id).map((e) => e.type);
    expect(remoteEvents).toEqual(['task_created', 'task_cancelled']);
    expect(seen).toEqual(expect.arrayContaining(await there.listEvents({ limit: 10 })));
  });

  it('delivers an event whose id committed after a bigger one (ids commit out of order)', async () => {
    const schema = newSchema();
    const here = storeOn(schema);
    await here.migrate();
    const seen: TaskEvent[] = [];
    here.onEvents((events) => seen.push(...events));
    await sleep(200);
    // Another node's transaction takes an event id, then stays open while a later one commits.
    const slow = new pg.Client({ connectionString: TEST_DATABASE_URL, options: `-c search_path=${schema}` });
    await slow.connect();
    try {
      await slow.query('BEGIN');
      const { rows } = await slow.query<{ id: string }>(
        `INSERT INTO events (type, actor, data, created_at) VALUES ('task_created', 'slow-node', '{}', $1) RETURNING id`,
        [Date.now()],
      );
      const slowId = Number(rows[0]!.id);
      const fast = await storeOn(schema)
        .migrate()
        .then(() => stores.at(-1)!.createTask(newTask(), CLI));
      const deadline = Date.now() + 10_000;
      while (!seen.some((e) => e.task_id === fast.id) && Date.now() < deadline) await sleep(20);
      expect(seen.map((e) => e.id)).not.toContain(slowId);
      await slow.query('COMMIT');
      while (!seen.some((e) => e.id === slowId) && Date.now() < deadline) await sleep(20);
      expect(seen.map((e) => e.id)).toContain(slowId);
      expect(seen.filter((e) => e.id === slowId)).toHaveLength(1);
    } finally {
      await slow.end();
    }
  });

  it('reads cool-downs and open breakers inside the claim: only the probe holder takes a gated model', async () => {
    const store = storeOn(newSchema());
    await store.migrate();
    const opus = await store.createTask(newTask({ model: 'opus' }), CLI);
    const haiku = await store.createTask(newTask({ model: 'haiku' }), CLI);
    const sonnet = await store.createTask(newTask({ model: 'sonnet' }), CLI);
    await store.setModelCooldown('opus', new Date(Date.now() + 60_000), '429');
    await store.recordModelFailure('haiku', { threshold: 1, cool_ms: 0 }, 'overloaded');
    // A worker whose view of the gates is stale (no exclude_models) still gets only the ungated model.
    const first = await store.claimTasks({ worker_id: 'w1', limit: 5, lease_ms: 60_000 });
    expect(first.map((c) => c.task.id)).toEqual([sonnet.id]);
    expect(
      await store.claimTasks({ worker_id: 'w2', limit: 5, lease_ms: 60_000, only_models: ['haiku'] }),
    ).toEqual([]);
    expect(await store.acquireProbe('haiku', 'w2', 60_000)).toBe(true);
    const probe = await store.claimTasks({
      worker_id: 'w2',
      limit: 5,
      lease_ms: 60_000,
      only_models: ['haiku'],
    });
    expect(probe.map((c) => c.task.id)).toEqual([haiku.id]);
    expect((await store.getTask(opus.id))!.status).toBe('queued');
  });

  it('says to migrate first when used before migrate()', async () => {
    const store = storeOn(newSchema());
    await expect(store.getTask(1)).rejects.toThrow(/before migrate\(\)/);
  });
});
