/**
 * A second process for the SQLite tests (run with vite-node): `migrate <file>` applies migrations; `drain <file>
 * <worker>` prints `ready`, waits for a line on stdin (so several start together), then claims ready tasks in small
 * batches and completes them until none are left. Both print the ids they claimed as JSON on the last line.
 * Several of these at once on one file must never claim the same task twice.
 */
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

const [mode, file, worker = 'child'] = process.argv.slice(2);
if (!file || (mode !== 'migrate' && mode !== 'drain')) {
  process.stderr.write('usage: sqlite-child.ts migrate|drain <file> [worker]\n');
  process.exit(2);
}

const store = new SqliteStore(file);
await store.migrate();
const claimed: number[] = [];
if (mode === 'drain') {
  const lines = createInterface({ input: process.stdin });
  process.stdout.write('ready\n');
  await once(lines, 'line');
  lines.close();
  for (;;) {
    const batch = await store.claimTasks({ worker_id: worker, limit: 4, lease_ms: 60_000 });
    if (batch.length === 0) break;
    claimed.push(...batch.map((c) => c.task.id));
    await store.finishAttempts(
      batch.map((c) => ({
        task_id: c.task.id,
        attempt: c.attempt,
        worker_id: worker,
        outcome: { kind: 'completed' as const },
        result: `done by ${worker}`,
        session_id: null,
        num_turns: 1,
        cost_usd: null,
        usage: null,
        duration_ms: 1,
      })),
    );
    // Give the other processes a turn, as a worker running real tasks would.
    await new Promise((done) => setTimeout(done, 1));
  }
}
await store.close();
process.stdout.write(`${JSON.stringify({ worker, claimed })}\n`);
