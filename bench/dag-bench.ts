/**
 * A 10,000-task layered DAG (100 layers of 100 tasks, each depending on two tasks of the layer before): time to
 * accept it (validation + one store transaction, through the orchestration service as REST would), time to drain it
 * with the no-op executor at concurrency 8, and peak memory (RSS) of the process meanwhile. Run without per-task
 * log files (the engine and store alone) and with them (creating 10,000 files costs its own time).
 */
import { countEvents, openBenchApp, type BenchResult } from './harness.js';

export function layeredDag(layers: number, width: number, workingDirectory: string): Record<string, unknown> {
  const tasks: Record<string, unknown>[] = [];
  for (let layer = 0; layer < layers; layer++) {
    for (let i = 0; i < width; i++) {
      const depends_on = layer === 0 ? [] : [`t${layer - 1}_${i}`, `t${layer - 1}_${(i + 1) % width}`];
      tasks.push({ identifier: `t${layer}_${i}`, execution_prompt: `step ${layer}.${i}`, depends_on });
    }
  }
  return {
    name: `layered ${layers}x${width}`,
    defaults: { working_directory: workingDirectory, max_attempts: 1 },
    tasks,
  };
}

export async function benchDag(layers = 100, width = 100, taskLogFiles = false): Promise<BenchResult[]> {
  const total = layers * width;
  const bench = await openBenchApp({ concurrency: 8 }, taskLogFiles);
  const label = `DAG ${total} tasks${taskLogFiles ? ' with per-task log files' : ''}`;
  try {
    const { app } = bench;
    const document = layeredDag(layers, width, bench.home);
    global.gc?.();
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);

    const acceptStart = performance.now();
    const created = await app.orchestrations.create(document, { actor: 'bench' });
    const acceptMs = performance.now() - acceptStart;
    if (created.task_count !== total) throw new Error(`expected ${total} tasks, got ${created.task_count}`);

    const drained = countEvents(app, 'task_completed', total);
    const drainStart = performance.now();
    await app.start();
    await drained;
    const drainMs = performance.now() - drainStart;
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    const finished = await app.orchestrations.get(created.id);
    if (finished.status !== 'completed') throw new Error(`orchestration ended ${finished.status}`);

    const acceptS = acceptMs / 1000;
    const drainS = drainMs / 1000;
    return [
      {
        name: `${label}: accept`,
        value: acceptS,
        unit: 's',
        target: '≤ 0.5',
        meets: acceptS <= 0.5,
      },
      {
        name: `${label}: drain (concurrency 8)`,
        value: drainS,
        unit: 's',
        target: '≤ 0.9',
        meets: drainS <= 0.9,
      },
      {
        name: `${label}: peak RSS`,
        value: Math.round(peakRss / 1024 / 1024),
        unit: 'MB',
        target: '-',
        meets: null,
      },
    ];
  } finally {
    await bench.dispose();
  }
}
