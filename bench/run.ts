/**
 * `npm run bench`: runs every benchmark and prints a table and one JSON line. Targets come from DESIGN.md;
 * a miss is reported, not hidden (the exit code stays 0: benchmarks measure, tests judge).
 *   --store postgres   the same benchmarks on PostgreSQL (CLAUDE_WORKER_BENCH_DATABASE_URL, a schema per run)
 *   --quick            smaller sizes
 *   --scale [N]        only the scale benchmark: latencies on an empty store and with N finished tasks (1,000,000)
 *   --only PART        only one part: throughput, throughput1, latency, dag or rss
 */
import { benchDag } from './dag-bench.js';
import { benchLatency, benchThroughput } from './engine-bench.js';
import { benchStore, printResults, type BenchResult } from './harness.js';
import { benchScale } from './scale-bench.js';
import { benchIdleServerRss } from './server-bench.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const storeAt = args.indexOf('--store');
if (storeAt >= 0) {
  const kind = args[storeAt + 1];
  if (kind !== 'sqlite' && kind !== 'postgres') {
    console.error(`--store is sqlite or postgres, not "${kind ?? ''}"`);
    process.exit(2);
  }
  benchStore.kind = kind;
}
const results: BenchResult[] = [];
const scaleAt = args.indexOf('--scale');
if (scaleAt >= 0) {
  const n = Number(args[scaleAt + 1] ?? '');
  results.push(...(await benchScale(Number.isInteger(n) && n > 0 ? n : 1_000_000)));
} else {
  const pg = benchStore.kind === 'postgres';
  const onlyAt = args.indexOf('--only');
  const only = onlyAt >= 0 ? (args[onlyAt + 1] ?? '') : null;
  const runs = (part: string) => only === null || only === part;
  if (runs('throughput')) results.push(await benchThroughput(quick ? 5_000 : pg ? 10_000 : 30_000, 8));
  if (runs('throughput1')) results.push(await benchThroughput(quick ? 2_000 : 10_000, 1));
  if (runs('latency')) results.push(...(await benchLatency(quick ? 300 : 2_000)));
  if (runs('dag')) results.push(...(await benchDag(quick ? 20 : 100, quick ? 50 : 100)));
  if (!pg && runs('dag')) results.push(...(await benchDag(quick ? 20 : 100, quick ? 50 : 100, true)));
  if (!pg && runs('rss')) results.push(await benchIdleServerRss());
}
printResults(results.map((r) => ({ ...r, name: `[${benchStore.kind}] ${r.name}` })));
