/**
 * Engine benchmarks on the embedded SQLite store with the no-op executor:
 * - throughput: tasks/s claim→finish at concurrency 8 (a backlog of tasks, drained);
 * - latency: enqueue→start p50/p99 on an idle engine (one task at a time).
 * Every state change is a committed transaction with its event rows, exactly as in production.
 */
import type { App } from '../src/app.js';
import type { NewTask } from '../src/store/store.js';
import { countEvents, openBenchApp, percentile, type BenchResult } from './harness.js';

/** A task through the service's defaults (the bench app writes no per-task log files). */
export function benchTask(app: App, workingDirectory: string, i: number): NewTask {
  return app.tasks.withDefaults({
    execution_prompt: `noop ${i}`,
    working_directory: workingDirectory,
    max_attempts: 1,
  });
}

export async function benchThroughput(total: number, concurrency: number): Promise<BenchResult> {
  const bench = await openBenchApp({ concurrency });
  try {
    const { app } = bench;
    for (let i = 0; i < total; i++)
      await app.store.createTask(benchTask(app, bench.home, i), { actor: 'bench' });
    const done = countEvents(app, 'task_completed', total);
    const started = performance.now();
    await app.start();
    await done;
    const seconds = (performance.now() - started) / 1000;
    const perSecond = Math.round(total / seconds);
    return {
      name: `throughput claim→finish, concurrency ${concurrency}, ${total} tasks`,
      value: perSecond,
      unit: 'tasks/s',
      target: concurrency === 8 ? '≥ 13000' : '-',
      meets: concurrency === 8 ? perSecond >= 13_000 : null,
    };
  } finally {
    await bench.dispose();
  }
}

export async function benchLatency(samples: number): Promise<BenchResult[]> {
  const bench = await openBenchApp({ concurrency: 8 });
  try {
    const { app, executor } = bench;
    await app.start();
    const latencies: number[] = [];
    for (let i = 0; i < samples; i++) {
      const done = countEvents(app, 'task_completed', 1);
      const enqueuedAt = performance.now();
      const task = await app.store.createTask(benchTask(app, bench.home, i), { actor: 'bench' });
      await done;
      latencies.push(executor.startedAt.get(task.id)! - enqueuedAt);
    }
    latencies.sort((a, b) => a - b);
    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    return [
      {
        name: `enqueue→start p50 (${samples} samples)`,
        value: p50,
        unit: 'ms',
        target: '≤ 0.8',
        meets: p50 <= 0.8,
      },
      {
        name: `enqueue→start p99 (${samples} samples)`,
        value: p99,
        unit: 'ms',
        target: '≤ 3',
        meets: p99 <= 3,
      },
    ];
  } finally {
    await bench.dispose();
  }
}
