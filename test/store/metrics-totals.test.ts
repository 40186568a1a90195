/**
 * The sealed totals of `/metrics`, on both stores (a real SQLite file, a real PostgreSQL schema): the snapshot gives
 * what the full aggregate over every attempt gives — for attempts sealed long ago, attempts in the live window and
 * a running one — the attempts are counted once however many seals and scrapes run, also when several nodes (or
 * processes) seal at the same moment, and pruning never lowers a counter. Attempts are aged by moving their
 * `finished_at` back in SQL (the seal's clock is the real one).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FailureCode, Usage } from '../../src/domain/vocabulary.js';
import { copySqliteToPostgres } from '../../src/store/copy-to-postgres.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { AttemptOutcome, MetricsSnapshot, Store } from '../../src/store/store.js';
import { dropSchema, freshSchemaName, TEST_DATABASE_URL } from '../helpers/postgres.js';
import { CLI, claimOne, failure, finishOf, newTask } from './suite/helpers.js';

vi.setConfig({ testTimeout: 60_000 });

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const SOON = () => new Date(Date.now() + MINUTE);

type Row = Record<string, unknown>;

/** A store under test, more stores on the same data (other nodes or processes), and SQL on that data. */
interface Opened {
  store: Store;
  /** The SQLite file (null on PostgreSQL). */
  file: string | null;
  another(): Promise<Store>;
  exec(text: string): Promise<Row[]>;
  cleanup(): Promise<void>;
}

const BACKENDS: Array<{ name: string; open: () => Promise<Opened> }> = [
  {
    name: 'sqlite',
    open: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'claude-worker-totals-'));
      const file = join(dir, 'claude-worker.db');
      const stores: SqliteStore[] = [];
      const another = async () => {
        const store = new SqliteStore(file);
        stores.push(store);
        await store.migrate();
        return store;
      };
      const store = await another();
      const raw = new Database(file);
      raw.pragma('busy_timeout = 5000');
      return {
        store,
        file,
        another,
        exec: async (text) => {
          const statement = raw.prepare(text);
          if (statement.reader) return statement.all() as Row[];
          statement.run();
          return [];
        },
        cleanup: async () => {
          raw.close();
          for (const s of stores) await s.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'postgres',
    open: async () => {
      const schema = freshSchemaName();
      const stores: PostgresStore[] = [];
      const another = async () => {
        const store = new PostgresStore({ connectionString: TEST_DATABASE_URL, schema, poolSize: 3 });
        stores.push(store);
        await store.migrate();
        return store;
      };
      const store = await another();
      const client = new pg.Client({
        connectionString: TEST_DATABASE_URL,
        options: `-c search_path=${schema}`,
      });
      await client.connect();
      return {
        store,
        file: null,
        another,
        exec: async (text) => (await client.query(text)).rows as Row[],
        cleanup: async () => {
          await client.end();
          for (const s of stores) await s.close();
          await dropSchema(schema);
        },
      };
    },
  },
];

interface Finished {
  model: string;
  outcome: 'succeeded' | FailureCode;
  duration_ms: number;
  cost_usd: number | null;
  usage: Usage | null;
  /** How long ago it finished. */
  age_ms: number;
  queue_wait_ms: number;
}

describe.each(BACKENDS)('sealed /metrics totals ($name)', ({ name, open }) => {
  let t: Opened;
  beforeEach(async () => {
    t = await open();
  });
  afterEach(async () => {
    await t.cleanup();
  });

  /** A task of its own whose one attempt finished `age_ms` ago, with a known queue wait. */
  async function finished(a: Finished): Promise<number> {
    const task = await t.store.createTask(newTask({ model: a.model, max_attempts: 1 }), CLI);
    const claimed = await claimOne(t.store);
    expect(claimed.task.id).toBe(task.id);
    const outcome: AttemptOutcome =
      a.outcome === 'succeeded' ? { kind: 'completed' } : { kind: 'failed', failure: failure(a.outcome) };
    await t.store.finishAttempts([
      finishOf(claimed, 'w1', outcome, { duration_ms: a.duration_ms, cost_usd: a.cost_usd, usage: a.usage }),
    ]);
    const at = Date.now() - a.age_ms;
    await t.exec(
      `UPDATE attempts SET finished_at = ${at}, queue_wait_ms = ${a.queue_wait_ms} WHERE task_id = ${task.id}`,
    );
    await t.exec(`UPDATE tasks SET finished_at = ${at} WHERE id = ${task.id}`);
    return task.id;
  }

  /** A running attempt (claimed, not finished) that waited `queue_wait_ms`. */
  async function running(model: string, queueWaitMs: number): Promise<number> {
    const task = await t.store.createTask(newTask({ model }), CLI);
    const claimed = await claimOne(t.store);
    expect(claimed.task.id).toBe(task.id);
    await t.exec(`UPDATE attempts SET queue_wait_ms = ${queueWaitMs} WHERE task_id = ${task.id}`);
    return task.id;
  }

  /**
   * Three attempts sealed by the first seal (5 h, 3 h and 90 min old; the 3 h one without its own model column, so
   * it takes its task's), one in the live window (10 min old) and one running.
   */
  async function mixedHistory(): Promise<void> {
    await finished({
      model: 'sonnet',
      outcome: 'succeeded',
      duration_ms: 1_200,
      cost_usd: 0.5,
      usage: { input_tokens: 100, output_tokens: 10 },
      age_ms: 5 * HOUR,
      queue_wait_ms: 5,
    });
    const noModel = await finished({
      model: 'sonnet',
      outcome: 'auth',
      duration_ms: 20_000,
      cost_usd: 0.25,
      usage: { input_tokens: 50 },
      age_ms: 3 * HOUR,
      queue_wait_ms: 40,
    });
    await t.exec(`UPDATE attempts SET model = NULL WHERE task_id = ${noModel}`);
    await finished({
      model: 'sonnet',
      outcome: 'succeeded',
      duration_ms: 90_000,
      cost_usd: null,
      usage: null,
      age_ms: 90 * MINUTE,
      queue_wait_ms: 300_000,
    });
    await finished({
      model: 'opus',
      outcome: 'succeeded',
      duration_ms: 4_000,
      cost_usd: 1,
      usage: { input_tokens: 7, cache_read_input_tokens: 1_000 },
      age_ms: 10 * MINUTE,
      queue_wait_ms: 2_000,
    });
    await running('opus', 20_000);
  }

  const none = { input: 0, output: 0, cache_read: 0, cache_creation: 0 };
  /** Cumulative counts for the bounds 1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600 s. */
  const histogram = (buckets: number[], sum: number) => ({ buckets, sum, count: buckets.at(-1) ?? 0 });

  /** What the full aggregate over every attempt of mixedHistory says, worked out by hand. */
  const EXPECTED: Pick<MetricsSnapshot, 'attempts' | 'queue_wait'> = {
    attempts: [
      {
        model: 'opus',
        outcome: 'succeeded',
        count: 1,
        cost_usd: 1,
        tokens: { ...none, input: 7, cache_read: 1_000 },
        duration: histogram([0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], 4),
      },
      {
        model: 'sonnet',
        outcome: 'auth',
        count: 1,
        cost_usd: 0.25,
        tokens: { ...none, input: 50 },
        duration: histogram([0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1], 20),
      },
      {
        model: 'sonnet',
        outcome: 'succeeded',
        count: 2,
        cost_usd: 0.5,
        tokens: { ...none, input: 100, output: 10 },
        duration: histogram([0, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2], 91.2),
      },
    ],
    // 5 ms, 40 ms, 300 s, 2 s and the running attempt's 20 s, in the bounds 0.01 … 3600 s.
    queue_wait: histogram([1, 2, 2, 2, 2, 3, 3, 4, 5, 5, 5], 322.045),
  };

  async function figures(store: Store = t.store) {
    const snapshot = await store.metricsSnapshot(60_000);
    return { attempts: snapshot.attempts, queue_wait: snapshot.queue_wait };
  }

  async function sealState(): Promise<{ sealed_before: number; rows: number; n: number }> {
    const [seal] = await t.exec('SELECT sealed_before FROM metrics_seal');
    const [totals] = await t.exec('SELECT COUNT(*) AS rows, COALESCE(SUM(n), 0) AS n FROM attempt_totals');
    return {
      sealed_before: Number(seal!['sealed_before']),
      rows: Number(totals!['rows']),
      n: Number(totals!['n']),
    };
  }

  it('serves what the full aggregate gives, with the old attempts read from the sealed totals', async () => {
    await mixedHistory();
    const before = Date.now();
    expect(await figures()).toEqual(EXPECTED);
    // The scrape sealed: everything older than an hour is in the totals, once (one row per group), the rest live.
    const state = await sealState();
    expect(state.sealed_before).toBeGreaterThanOrEqual(before - HOUR);
    expect(state.sealed_before).toBeLessThanOrEqual(Date.now() - HOUR);
    expect(state.n).toBe(3);
    expect(state.rows).toBe(3);
    // Scraping again seals nothing more and counts the same.
    expect(await figures()).toEqual(EXPECTED);
    expect(await sealState()).toEqual(state);
  });

  it('merges a later seal into the same rows: the totals keep one row per group', async () => {
    const first = {
      model: 'sonnet',
      outcome: 'succeeded' as const,
      duration_ms: 1_200,
      cost_usd: 0.5,
      usage: null,
      age_ms: 5 * HOUR,
      queue_wait_ms: 5,
    };
    await finished(first);
    await figures();
    expect(await sealState()).toMatchObject({ rows: 1, n: 1 });
    // Pretend the last seal ran three hours ago (no attempt finished between then and its real bound).
    await t.exec(`UPDATE metrics_seal SET sealed_before = ${Date.now() - 4 * HOUR}`);
    await finished({ ...first, age_ms: 3 * HOUR });
    await finished({ ...first, age_ms: 20 * MINUTE });
    const [sonnet] = (await figures()).attempts;
    expect(sonnet).toMatchObject({ model: 'sonnet', outcome: 'succeeded', count: 3, cost_usd: 1.5 });
    expect(await sealState()).toMatchObject({ rows: 1, n: 2 });
  });

  it('keeps counting the attempts of pruned tasks: counters never drop on prune', async () => {
    await mixedHistory();
    expect(await figures()).toEqual(EXPECTED);
    // The tasks finished 3 h and 5 h ago (sealed) go first…
    const old = await t.store.prune({
      finished_before: new Date(Date.now() - 2 * HOUR),
      dry_run: false,
      actor: CLI,
    });
    expect(old).toMatchObject({ tasks: 2, attempts: 2 });
    expect(await figures()).toEqual(EXPECTED);
    // …then every finished task, the one in the live window (10 min old) too: prune folds it into the totals.
    const rest = await t.store.prune({ finished_before: SOON(), dry_run: false, actor: CLI });
    expect(rest).toMatchObject({ tasks: 2, attempts: 2 });
    expect(await figures()).toEqual(EXPECTED);
    const [left] = await t.exec('SELECT COUNT(*) AS n FROM attempts');
    expect(Number(left!['n'])).toBe(1);
  });

  it('keeps counting pruned attempts when prune runs before any scrape sealed them', async () => {
    await mixedHistory();
    expect(await t.store.prune({ finished_before: SOON(), dry_run: false, actor: CLI })).toMatchObject({
      tasks: 4,
      attempts: 4,
    });
    expect(await figures()).toEqual(EXPECTED);
    expect((await sealState()).n).toBe(4);
  });

  it('counts nothing twice when several nodes seal, scrape and prune at the same moment', async () => {
    await mixedHistory();
    const nodes = [t.store, await t.another(), await t.another(), await t.another()];
    // The first seal is due: every node tries it at once (on SQLite the write lock takes them in turn).
    const seen = await Promise.all(nodes.map((node) => figures(node)));
    for (const figuresOfNode of seen) expect(figuresOfNode).toEqual(EXPECTED);
    expect(await sealState()).toMatchObject({ rows: 3, n: 3 });

    // Two nodes prune everything (folding the live attempt into the totals) while two scrape.
    const [a, b, c, d] = nodes as [Store, Store, Store, Store];
    const during = await Promise.all([
      a.prune({ finished_before: SOON(), dry_run: false, actor: CLI }),
      figures(b),
      c.prune({ finished_before: SOON(), dry_run: false, actor: CLI }),
      figures(d),
    ]);
    expect(during[0].attempts + during[2].attempts).toBe(4);
    expect(during[1]).toEqual(EXPECTED);
    expect(during[3]).toEqual(EXPECTED);
    for (const node of nodes) expect(await figures(node)).toEqual(EXPECTED);
  });

  it.skipIf(name !== 'sqlite')(
    'db copy keeps the sealed totals: PostgreSQL serves the same counters',
    async () => {
      await mixedHistory();
      await figures();
      await t.store.prune({ finished_before: new Date(Date.now() - 2 * HOUR), dry_run: false, actor: CLI });
      const schema = freshSchemaName();
      try {
        const report = await copySqliteToPostgres({ from: t.file!, to: TEST_DATABASE_URL, schema });
        expect(report.copied).toMatchObject({ attempts: 3, attempt_totals: 3 });
        const target = new PostgresStore({ connectionString: TEST_DATABASE_URL, schema });
        try {
          await target.migrate();
          expect(await figures(target)).toEqual(EXPECTED);
        } finally {
          await target.close();
        }
      } finally {
        await dropSchema(schema);
      }
    },
  );
});
