/**
 * `claude-worker db copy` through the built CLI: a machine's SQLite history (a finished task with its log, an
 * orchestration with a dependency) moves into an empty PostgreSQL database with every id kept; a server on
 * PostgreSQL then serves it (status, logs, orchestration) and new ids continue after the copied ones. A second copy
 * into the now non-empty store is refused and changes nothing; a file that is not a database is refused, exit 2.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminQuery, TEST_DATABASE_URL } from '../helpers/postgres.js';
import { CliHarness } from './cli-harness.js';

const database = `cw_copy_${randomBytes(5).toString('hex')}`;
const url = (() => {
  const u = new URL(TEST_DATABASE_URL);
  u.pathname = `/${database}`;
  return u.toString();
})();

let sqlite: CliHarness;
let postgres: CliHarness;

beforeAll(async () => {
  await adminQuery(`CREATE DATABASE "${database}"`);
  sqlite = new CliHarness('copy-from');
  postgres = new CliHarness('copy-to', { CLAUDE_WORKER_DATABASE_URL: url });
});

afterAll(async () => {
  await sqlite?.cleanup();
  await postgres?.cleanup();
  await adminQuery(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
});

function idOf(stdout: string, what: RegExp): number {
  const match = what.exec(stdout);
  if (!match) throw new Error(`no id in: ${stdout}`);
  return Number(match[1]);
}

describe('claude-worker db copy', () => {
  it('moves tasks, orchestrations, events and output into PostgreSQL with their ids, once', async () => {
    const task = idOf(await sqlite.ok(['run', 'Summarise the repo', '--watch']), /^Task (\d+) queued/m);
    const flow = join(sqlite.work, 'flow.yaml');
    writeFileSync(
      flow,
      `name: pair\ntasks:\n  - identifier: a\n    execution_prompt: First\n    working_directory: .\n` +
        `  - identifier: b\n    execution_prompt: Second\n    working_directory: .\n    depends_on: [a]\n`,
    );
    const orchestration = idOf(await sqlite.ok(['orchestrate', flow, '--watch']), /orchestration (\d+)/i);
    const before = await sqlite.task(task);
    const log = await sqlite.ok(['logs', String(task)]);
    await sqlite.ok(['server', 'stop']);

    const from = join(sqlite.home, 'claude-worker.db');
    const copied = JSON.parse(await postgres.ok(['db', 'copy', '--from', from, '--to', url, '--json'])) as {
      copied: Record<string, number>;
      unfinished: number;
    };
    expect(copied.copied).toMatchObject({ tasks: 3, orchestrations: 1, task_dependencies: 1, attempts: 3 });
    expect(copied.copied['events']).toBeGreaterThan(8);
    expect(copied.copied['task_output']).toBeGreaterThan(0);
    expect(copied.unfinished).toBe(0);

    // A server on PostgreSQL serves the copied history as it was.
    const after = await postgres.task(task);
    expect(after).toMatchObject({
      id: task,
      status: 'completed',
      result: before.result,
      cost_usd: before.cost_usd,
    });
    expect(after.attempts).toHaveLength(1);
    expect(await postgres.ok(['logs', String(task)])).toBe(log);
    const detail = JSON.parse(
      await postgres.ok(['orchestration-status', String(orchestration), '--json']),
    ) as {
      status: string;
      tasks: { identifier: string; depends_on: string[] }[];
    };
    expect(detail.status).toBe('completed');
    expect(detail.tasks.find((t) => t.identifier === 'b')?.depends_on).toEqual(['a']);
    // New ids continue after the copied ones.
    const next = idOf(await postgres.ok(['run', 'After the move']), /^Task (\d+) queued/m);
    expect(next).toBeGreaterThan(3);

    // The store is not empty any more: a second copy is refused and changes nothing.
    const again = await postgres.run(['db', 'copy', '--from', from, '--to', url]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('db copy writes only into an empty store');
    expect((await postgres.tasks()).length).toBe(4);
  });

  it('refuses a file that is not a claude-worker database, exit 2', async () => {
    const bogus = join(sqlite.work, 'notes.db');
    writeFileSync(bogus, 'just some text, not SQLite at all\n'.repeat(50));
    const result = await sqlite.run(['db', 'copy', '--from', bogus, '--to', url]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`Cannot copy from ${bogus}: it is not a SQLite database`);
    const missing = await sqlite.run(['db', 'copy', '--from', join(sqlite.work, 'nope.db'), '--to', url]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('there is no such file');
  });
});
