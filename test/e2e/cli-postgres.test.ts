/**
 * The built CLI on PostgreSQL, as a user runs it: `db migrate` from two processes at once on an empty database,
 * a task run end to end by a server whose store is PostgreSQL, `config` and `doctor` naming the store with the
 * password masked, and a database that cannot be reached (refused, missing) named in a clear message, exit 3.
 * Each test file gets its own database, dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminQuery, TEST_DATABASE_URL } from '../helpers/postgres.js';
import { PG_MIGRATIONS } from '../../src/store/postgres/migrations.js';
import { CliHarness } from './cli-harness.js';

/** The schema version this build migrates to, and every version applied on an empty database. */
const LATEST = PG_MIGRATIONS.at(-1)!.version;
const ALL = PG_MIGRATIONS.map((m) => m.version).join(', ');

const database = `cw_e2e_${randomBytes(5).toString('hex')}`;
const base = new URL(TEST_DATABASE_URL);
/** The test database with a password in the URL (trust authentication ignores it): it must never be printed. */
function urlOf(db: string, port = base.port || '5432'): string {
  const url = new URL(TEST_DATABASE_URL);
  url.password = 'hunter2-secret';
  url.pathname = `/${db}`;
  url.port = port;
  return url.toString();
}
const URL_WITH_PASSWORD = urlOf(database);

let cli: CliHarness;

beforeAll(async () => {
  await adminQuery(`CREATE DATABASE "${database}"`);
  cli = new CliHarness('postgres', { CLAUDE_WORKER_DATABASE_URL: URL_WITH_PASSWORD });
});

afterAll(async () => {
  await cli?.cleanup();
  await adminQuery(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
});

function expectNoPassword(text: string): void {
  expect(text).not.toContain('hunter2-secret');
}

describe('claude-worker on PostgreSQL', () => {
  it('db migrate from two processes at once on an empty database creates the schema once', async () => {
    const [a, b] = await Promise.all([cli.run(['db', 'migrate']), cli.run(['db', 'migrate'])]);
    expect([a!.code, b!.code]).toEqual([0, 0]);
    const out = [a!.stdout, b!.stdout].sort().join('\n');
    expect(out).toContain(`applied migrations ${ALL}; schema now at version ${LATEST}`);
    expect(out).toContain(`schema already at version ${LATEST}; nothing to do`);
    expect(out).toContain(`postgres://${base.username}:***@`);
    expectNoPassword(out + a!.stderr + b!.stderr);
    const rows = await adminQueryOn(database, 'SELECT version FROM migrations ORDER BY version');
    expect(rows).toEqual(PG_MIGRATIONS.map((m) => ({ version: m.version })));
    // No server runs yet: doctor reads the database itself.
    const doctor = await cli.run(['doctor', '--json']);
    expectNoPassword(doctor.stdout + doctor.stderr);
    const checks = JSON.parse(doctor.stdout) as {
      checks: { name: string; status: string; message: string }[];
    };
    expect(checks.checks.find((c) => c.name === 'database')).toMatchObject({
      status: 'ok',
      message: expect.stringMatching(
        new RegExp(
          `^PostgreSQL postgres://\\S+:\\*\\*\\*@\\S+ answers \\(schema version ${LATEST}, 0 tasks\\)`,
        ),
      ),
    });
  });

  it('runs a task end to end with the store in PostgreSQL', async () => {
    const started = await cli.run(['run', 'Say hello', '--dir', cli.work]);
    expect(started.code).toBe(0);
    const id = Number(/^Task (\d+) queued/m.exec(started.stdout)?.[1]);
    const task = await cli.waitFor(id, (t) => t.status === 'completed', 30_000);
    expect(task.attempts).toHaveLength(1);
    const rows = await adminQueryOn(database, 'SELECT status FROM tasks WHERE id = $1', [id]);
    expect(rows).toEqual([{ status: 'completed' }]);
  });

  it('config and doctor name the store, masked, and check it', async () => {
    const shown = await cli.run(['config']);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/database_url\s+"postgres:\/\/[^"]*:\*\*\*@/);
    expect(shown.stdout).toMatch(
      new RegExp(
        `store:\\s+PostgreSQL postgres://\\S+:\\*\\*\\*@\\S+ \\(reachable; schema version ${LATEST}, \\d+ tasks\\)`,
      ),
    );
    expectNoPassword(shown.stdout + shown.stderr);
    const json = JSON.parse((await cli.run(['config', '--json'])).stdout) as {
      store: { kind: string; reachable: boolean };
    };
    expect(json.store).toMatchObject({ kind: 'postgres', reachable: true });
    const doctor = await cli.run(['doctor', '--json']);
    expectNoPassword(doctor.stdout + doctor.stderr);
    const checks = JSON.parse(doctor.stdout) as {
      checks: { name: string; status: string; message: string }[];
    };
    // The server started by the test before answers for the store it has open.
    expect(checks.checks.find((c) => c.name === 'database')).toMatchObject({
      status: 'ok',
      message: expect.stringMatching(/^postgres:\/\/\S+:\*\*\*@\S+ is open in the running server/),
    });
  });

  it('says which host and database cannot be reached, without the password, and exits 3 (db migrate, config, doctor)', async () => {
    const missing = await cli.run(['db', 'migrate', '--database-url', urlOf('cw_no_such_database')]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('has no database "cw_no_such_database"');
    expect(missing.stderr).toContain(base.hostname);
    expectNoPassword(missing.stderr + missing.stdout);

    const refused = await cli.run(['db', 'migrate', '--database-url', urlOf(database, '1')]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(`${base.hostname}:1 (database "${database}") refused the connection`);
    expectNoPassword(refused.stderr + refused.stdout);

    // config and doctor show the settings and every check all the same, and exit 3 (a home of their own: no
    // server of the earlier tests answers for the database there).
    const home = join(cli.root, 'unreachable-home');
    for (const command of ['config', 'doctor']) {
      const checked = await cli.run(['--home', home, command], {
        env: { CLAUDE_WORKER_DATABASE_URL: urlOf(database, '1') },
      });
      expect(checked.code, checked.stdout + checked.stderr).toBe(3);
      expect(checked.stdout).toContain(`${base.hostname}:1 (database "${database}") refused the connection`);
      expectNoPassword(checked.stderr + checked.stdout);
    }

    const wrong = await cli.run(['db', 'migrate', '--database-url', 'mysql://cw:hunter2-secret@db/x']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('database_url: must be a PostgreSQL URL');
    expectNoPassword(wrong.stderr);
  });
});

async function adminQueryOn(db: string, text: string, params: unknown[] = []): Promise<unknown[]> {
  const { default: pg } = await import('pg');
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${db}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return (await client.query(text, params)).rows;
  } finally {
    await client.end();
  }
}
