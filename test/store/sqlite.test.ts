/**
 * The SQLite store on a real file in a temp dir: the shared Store contract, then what only a file database has —
 * everything survives close and reopen, several processes on one file never claim a task twice, migrations are
 * idempotent and safe to run from several processes at once, and listeners hear of events only after COMMIT.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/store/sqlite/migrations.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { describeStoreSuite } from './store-suite.js';
import { CLI, finishOf, newTask } from './suite/helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../..');

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'claude-worker-store-'));
}

describeStoreSuite('sqlite', async () => {
  const dir = tempDir();
  const store = new SqliteStore(join(dir, 'claude-worker.db'));
  return {
    store,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

interface ChildResult {
  worker: string;
  claimed: number[];
}

interface Child {
  /** Resolves once the child has opened and migrated the store and waits for `go()` (drain mode). */
  ready: Promise<void>;
  go(): void;
  result: Promise<ChildResult>;
}

/** Runs test/store/sqlite-child.ts in its own Node process. */
function child(args: string[]): Child {
  const proc = spawn(
    process.execPath,
    [join(repoRoot, 'node_modules/vite-node/vite-node.mjs'), join(here, 'sqlite-child.ts'), ...args],
    { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((done) => (markReady = done));
  proc.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (out.includes('ready\n')) markReady();
  });
  proc.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const result = new Promise<ChildResult>((done, fail) => {
    proc.on('error', fail);
    proc.on('close', (code) => {
      markReady();
      if (code !== 0) return fail(new Error(`child ${args.join(' ')} exited ${code}: ${err}`));
      done(JSON.parse(out.trim().split('\n').at(-1) ?? '') as ChildResult);
    });
  });
  return { ready, go: () => proc.stdin.end('go\n'), result };
}

describe('SqliteStore on a file', () => {
  let dir: string;
  let file: string;
  const open: SqliteStore[] = [];

  async function openStore(): Promise<SqliteStore> {
    const store = new SqliteStore(file);
    open.push(store);
    await store.migrate();
    return store;
  }

  beforeEach(() => {
    dir = tempDir();
    file = join(dir, 'nested', 'claude-worker.db');
  });

  afterEach(async () => {
    for (const store of open.splice(0)) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps tasks, attempts and events across close and reopen', async () => {
    const first = await openStore();
    const task = await first.createTask(newTask({ tags: ['keep'] }), CLI);
    const [claimed] = await first.claimTasks({ worker_id: 'w1', limit: 1, lease_ms: 60_000 });
    await first.finishAttempts([
      finishOf(claimed!, 'w1', { kind: 'completed' }, { result: 'kept', cost_usd: 0.5, session_id: 's' }),
    ]);
    const before = {
      task: await first.getTask(task.id),
      attempts: await first.listAttempts(task.id),
      events: await first.listEvents({ limit: 100 }),
    };
    await first.close();

    const second = await openStore();
    expect(await second.getTask(task.id)).toEqual(before.task);
    expect(await second.listAttempts(task.id)).toEqual(before.attempts);
    expect(await second.listEvents({ limit: 100 })).toEqual(before.events);
    const next = await second.createTask(newTask(), CLI);
    expect(next.id).toBeGreaterThan(task.id);
    expect((await second.listEvents({ limit: 100 })).at(-1)!.id).toBeGreaterThan(before.events.at(-1)!.id);
  });

  it('sets WAL mode on the file and applies each migration once, however often migrate runs', async () => {
    const a = await openStore();
    await a.migrate();
    const b = await openStore();
    await b.migrate();

    const raw = new Database(file, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      const rows = raw.prepare('SELECT version, name FROM migrations ORDER BY version').all();
      expect(rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
    } finally {
      raw.close();
    }
  });

  it('refuses a database written by a newer claude-worker', async () => {
    const store = await openStore();
    await store.close();
    const raw = new Database(file);
    raw.prepare("INSERT INTO migrations (version, name, applied_at) VALUES (999, 'future', 0)").run();
    raw.close();

    const newer = new SqliteStore(file);
    open.push(newer);
    await expect(newer.migrate()).rejects.toMatchObject({
      code: 'config',
      message: expect.stringContaining('newer claude-worker'),
    });
  });

  it('says to migrate first when used before migrate()', async () => {
    const store = new SqliteStore(file);
    open.push(store);
    await expect(store.getTask(1)).rejects.toThrow(/before migrate\(\)/);
  });

  it('calls listeners only once the transaction is committed (another connection already sees it)', async () => {
    const store = await openStore();
    const reader = new Database(file, { readonly: true });
    const seen: (string | undefined)[] = [];
    store.onEvents((events) => {
      for (const event of events) {
        const row = reader.prepare('SELECT status FROM tasks WHERE id = ?').get(event.task_id) as
          { status: string } | undefined;
        seen.push(row?.status);
      }
    });
    try {
      const task = await store.createTask(newTask(), CLI);
      await store.requestCancel(task.id, CLI);
      expect(seen).toEqual(['queued', 'cancelled']);
    } finally {
      reader.close();
    }
  });

  it('applies migrations once when several processes start on a new file at the same moment', async () => {
    const children = [child(['migrate', file]), child(['migrate', file]), child(['migrate', file])];
    await Promise.all(children.map((c) => c.result));
    const raw = new Database(file, { readonly: true });
    try {
      expect(raw.prepare('SELECT COUNT(*) AS n FROM migrations').get()).toEqual({ n: MIGRATIONS.length });
    } finally {
      raw.close();
    }
  });

  it('never gives one task to two processes claiming from the same file at once', async () => {
    const store = await openStore();
    const ids: number[] = [];
    for (let i = 0; i < 600; i++) ids.push((await store.createTask(newTask({ priority: i % 3 }), CLI)).id);

    const children = ['p1', 'p2', 'p3'].map((worker) => child(['drain', file, worker]));
    await Promise.all(children.map((c) => c.ready));
    for (const c of children) c.go();
    const results = await Promise.all(children.map((c) => c.result));
    // They really ran side by side (otherwise this test would prove nothing).
    expect(results.filter((r) => r.claimed.length > 0).length).toBeGreaterThan(1);
    const claimed = results.flatMap((r) => r.claimed);
    expect(claimed).toHaveLength(ids.length);
    expect(new Set(claimed).size).toBe(ids.length);
    expect([...claimed].sort((a, b) => a - b)).toEqual(ids);

    const counts = await store.countByStatus();
    expect(counts.completed).toBe(ids.length);
    const claims = (await store.listEvents({ limit: 10_000 })).filter((e) => e.type === 'task_claimed');
    expect(claims).toHaveLength(ids.length);
    for (const id of ids) expect((await store.listAttempts(id)).map((a) => a.status)).toEqual(['succeeded']);
    // Three child processes on a loaded machine: generous.
  }, 180_000);
});
