/**
 * Benchmark plumbing: a fresh home folder, an App with an in-process no-op executor (the engine alone, no Claude
 * Code), percentiles and the result table. The no-op executor is a library-level injection, not a product switch.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { App } from '../src/app.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import type { Store } from '../src/store/store.js';
import { DEFAULTS, type Config } from '../src/config/schema.js';
import type { ExecutionOutcome, ExecutionRequest, Executor } from '../src/executor/executor.js';

export class NoopExecutor implements Executor {
  readonly startedAt = new Map<number, number>();
  execute(request: ExecutionRequest): Promise<ExecutionOutcome> {
    this.startedAt.set(request.task.id, performance.now());
    return Promise.resolve({
      ok: true,
      result: { text: 'ok', session_id: null, num_turns: 0, cost_usd: 0, usage: null },
    });
  }
}

export type BenchStoreKind = 'sqlite' | 'postgres';

/** Which store the benchmarks run on (`npm run bench -- --store postgres`). */
export const benchStore: { kind: BenchStoreKind; url: string } = {
  kind: 'sqlite',
  url: process.env['CLAUDE_WORKER_BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test',
};

export interface BenchApp {
  app: App;
  executor: NoopExecutor;
  home: string;
  /** The PostgreSQL schema of this run (each run its own, dropped afterwards); null on SQLite. */
  schema: string | null;
  dispose(): Promise<void>;
}

/** One statement on its own connection to the bench database (schema set-up and clean-up). */
export async function benchQuery(text: string, schema?: string): Promise<pg.QueryResult> {
  const client = new pg.Client({
    connectionString: benchStore.url,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

export async function openBenchApp(overrides: Partial<Config> = {}, taskLogFiles = false): Promise<BenchApp> {
  const home = mkdtempSync(join(tmpdir(), 'cw-bench-'));
  const executor = new NoopExecutor();
  const config: Config = { ...DEFAULTS, home, poll_seconds: 1, ...overrides };
  let store: Store | undefined;
  let schema: string | null = null;
  if (benchStore.kind === 'postgres') {
    schema = `cw_bench_${randomBytes(5).toString('hex')}`;
    store = new PostgresStore({ connectionString: benchStore.url, schema, poolSize: 10 });
  }
  const app = await App.open({ config, executor, taskLogFiles, store });
  return {
    app,
    executor,
    home,
    schema,
    async dispose() {
      await app.close();
      rmSync(home, { recursive: true, force: true });
      if (schema) await benchQuery(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    },
  };
}

/** Resolves when `count` events of `type` have been published. */
export function countEvents(app: App, type: string, count: number): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    const off = app.bus.subscribe((event) => {
      if (event.type === type && ++seen >= count) {
        off();
        resolve();
      }
    });
  });
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? NaN;
}

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  target: string;
  meets: boolean | null;
}

export function printResults(results: BenchResult[]): void {
  const rows = results.map((r) => [
    r.name,
    `${Number.isInteger(r.value) ? r.value : r.value.toFixed(3)} ${r.unit}`,
    r.target,
    r.meets === null ? '-' : r.meets ? 'yes' : 'NO',
  ]);
  const header = ['measure', 'value', 'target', 'meets'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
  console.log();
  console.log(JSON.stringify({ benchmark: 'claude-worker', node: process.version, results }));
}
