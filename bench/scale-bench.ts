/**
 * Scale: claim latency (enqueue→start p50 on an idle engine) and `GET /api/v1/tasks?limit=50` p50 through the real
 * HTTP server, first on an empty store, then with N finished tasks stored (cloned from one finished task by SQL, so
 * filling a million rows takes seconds, not an hour). The target: both within 20% of the empty store.
 */
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import { buildServer } from '../src/api/server.js';
import { homePaths } from '../src/config/paths.js';
import { benchTask } from './engine-bench.js';
import {
  benchQuery,
  benchStore,
  countEvents,
  openBenchApp,
  percentile,
  type BenchApp,
  type BenchResult,
} from './harness.js';

const TOKEN = 'bench-token-0123456789';

async function measure(bench: BenchApp, samples: number): Promise<{ claimP50: number; listP50: number }> {
  const { app, executor } = bench;
  const claims: number[] = [];
  for (let i = 0; i < samples; i++) {
    const done = countEvents(app, 'task_completed', 1);
    const at = performance.now();
    const task = await app.store.createTask(benchTask(app, bench.home, i), { actor: 'bench' });
    await done;
    claims.push(executor.startedAt.get(task.id)! - at);
  }
  const server = buildServer(app, { token: TOKEN });
  await server.listen({ host: '127.0.0.1', port: 0 });
  const { port } = server.server.address() as AddressInfo;
  const lists: number[] = [];
  try {
    for (let i = 0; i < samples; i++) {
      const at = performance.now();
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/tasks?limit=50`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      await res.json();
      lists.push(performance.now() - at);
    }
  } finally {
    await server.close();
  }
  claims.sort((a, b) => a - b);
  lists.sort((a, b) => a - b);
  return { claimP50: percentile(claims, 50), listP50: percentile(lists, 50) };
}

/** Clones the newest finished task `count` times (ids new, everything else equal). */
async function fill(bench: BenchApp, count: number): Promise<void> {
  if (benchStore.kind === 'postgres') {
    const columns = (
      await benchQuery(
        `SELECT column_name FROM information_schema.columns
         WHERE table_schema = '${bench.schema}' AND table_name = 'tasks' AND column_name <> 'id'`,
      )
    ).rows.map((r: { column_name: string }) => `"${r.column_name}"`);
    const list = columns.join(', ');
    await benchQuery(
      `INSERT INTO tasks (${list}) SELECT ${list} FROM tasks, generate_series(1, ${count})
       WHERE id = (SELECT MAX(id) FROM tasks WHERE status = 'completed')`,
      bench.schema!,
    );
    await benchQuery('ANALYZE tasks', bench.schema!);
    const n = Number((await benchQuery('SELECT COUNT(*) AS n FROM tasks', bench.schema!)).rows[0].n);
    if (n < count) throw new Error(`the fill stored ${n} tasks, not ${count}`);
    return;
  }
  const db = new Database(homePaths(bench.home).database);
  try {
    const columns = (db.prepare('PRAGMA table_info(tasks)').all() as Array<{ name: string }>)
      .map((c) => c.name)
      .filter((c) => c !== 'id')
      .map((c) => `"${c}"`)
      .join(', ');
    db.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${count})
       INSERT INTO tasks (${columns}) SELECT ${columns} FROM tasks, n
       WHERE id = (SELECT MAX(id) FROM tasks WHERE status = 'completed')`,
    ).run();
    db.exec('ANALYZE');
    const n = (db.prepare('SELECT COUNT(*) AS n FROM tasks').get() as { n: number }).n;
    if (n < count) throw new Error(`the fill stored ${n} tasks, not ${count}`);
  } finally {
    db.close();
  }
}

export async function benchScale(stored: number, samples = 300): Promise<BenchResult[]> {
  const bench = await openBenchApp({ concurrency: 8 });
  try {
    await bench.app.start();
    const empty = await measure(bench, samples);
    const filled = Date.now();
    await fill(bench, stored);
    const fillSeconds = (Date.now() - filled) / 1000;
    const full = await measure(bench, samples);
    const label = `${stored.toLocaleString('en-US')} finished tasks stored (filled in ${fillSeconds.toFixed(1)} s)`;
    const within = (a: number, b: number) => b <= a * 1.2;
    return [
      { name: 'claim latency p50, empty store', value: empty.claimP50, unit: 'ms', target: '-', meets: null },
      {
        name: `claim latency p50, ${label}`,
        value: full.claimP50,
        unit: 'ms',
        target: `≤ ${(empty.claimP50 * 1.2).toFixed(3)} (+20%)`,
        meets: within(empty.claimP50, full.claimP50),
      },
      {
        name: 'GET /api/v1/tasks?limit=50 p50, empty store',
        value: empty.listP50,
        unit: 'ms',
        target: '≤ 2',
        meets: empty.listP50 <= 2,
      },
      {
        name: `GET /api/v1/tasks?limit=50 p50, ${label}`,
        value: full.listP50,
        unit: 'ms',
        target: `≤ ${(empty.listP50 * 1.2).toFixed(3)} (+20%)`,
        meets: within(empty.listP50, full.listP50),
      },
    ];
  } finally {
    await bench.dispose();
  }
}
