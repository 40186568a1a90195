/**
 * What the read commands show a person, through the built CLI: `list` tells tasks apart by what they were asked
 * (and how they ended, where there is room) within the terminal's width; `stats` prints its advice whole and the
 * figures per hour; `logs --json` (and `-f --json`, as JSON lines); `server stop --help` tells the truth about the
 * grace period.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliHarness } from './cli-harness.js';

let cli: CliHarness;
beforeAll(() => {
  cli = new CliHarness('read');
});
afterAll(async () => {
  await cli.cleanup();
});

async function runTask(prompt: string): Promise<number> {
  return (JSON.parse(await cli.ok(['run', prompt, '--json'])) as { id: number }).id;
}

// eslint-disable-next-line no-control-regex -- looking for escape sequences is the point
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/;

describe('list', () => {
  it('shows each task by its prompt’s first line and its outcome, fitted to the width, without control bytes', async () => {
    const changelog = await runTask('Write the changelog\nwith every change since 0.4');
    const login = await runTask('Fix the login bug');
    const deploy = await runTask('[fake:not_logged_in] Deploy \u001b[31mred\u001b[0m to staging');
    for (const id of [changelog, login, deploy])
      await cli.waitFor(id, (t) => t.status === 'completed' || t.status === 'failed');

    const wide = await cli.run(['list'], { env: { COLUMNS: '200' } });
    expect(wide.code).toBe(0);
    const row = (id: number, text: string) =>
      text.split('\n').find((line) => line.startsWith(`${id} `)) ?? '';
    expect(row(changelog, wide.stdout)).toMatch(
      /completed .* Write the changelog → done: Write the changelog/,
    );
    expect(row(changelog, wide.stdout)).not.toContain('with every change → ');
    expect(row(login, wide.stdout)).toMatch(/ Fix the login bug → done: Fix the login bug$/);
    expect(row(deploy, wide.stdout)).toMatch(/failed .* Deploy red to staging → auth: /);
    expect(wide.stdout).not.toMatch(CONTROL);
    expect(wide.stdout.split('\n')[0]).toMatch(/PROMPT → OUTCOME$/);
    for (const line of wide.stdout.trimEnd().split('\n')) expect(line.length).toBeLessThanOrEqual(200);

    // Narrow: every line fits, and the prompt (what tells tasks apart) keeps the room.
    const narrow = await cli.run(['list'], { env: { COLUMNS: '72' } });
    for (const line of narrow.stdout.trimEnd().split('\n')) expect(line.length).toBeLessThanOrEqual(72);
    expect(row(login, narrow.stdout)).toMatch(/ Fix the login bug/);
    expect(row(changelog, narrow.stdout)).toMatch(/ Write the changel/);
  });
});

describe('stats', () => {
  it('prints the advice whole, wrapped to the width, and the attempts per hour', async () => {
    const failed = await runTask('[fake:not_logged_in] Needs a login');
    await cli.waitFor(failed, (t) => t.status === 'failed');
    const json = JSON.parse(await cli.ok(['stats', '--json'])) as {
      by_code: Array<{ code: string; suggestion: string }>;
      by_hour: Array<{ hour: string; code: string; count: number }>;
      attempts: number;
    };
    const advice = json.by_code.find((c) => c.code === 'auth')!.suggestion;
    expect(advice.length).toBeGreaterThan(100);

    for (const columns of ['200', '80']) {
      const text = await cli.ok(['stats'], { env: { COLUMNS: columns } });
      expect(text).not.toContain('…');
      for (const line of text.trimEnd().split('\n')) expect(line.length).toBeLessThanOrEqual(Number(columns));
      // The advice, whole: its words in order across the wrapped lines.
      expect(text.replace(/\s+/g, ' ')).toContain(advice.replace(/\s+/g, ' '));
      // Per hour: each hour with attempts, how many, how many failed, and which failures.
      expect(text).toMatch(/hour \(UTC\)\s+attempts\s+failed\s+failures/);
      const hours = new Map<string, { attempts: number; failed: number; auth: number }>();
      for (const r of json.by_hour) {
        const h = hours.get(r.hour) ?? { attempts: 0, failed: 0, auth: 0 };
        h.attempts += r.count;
        if (r.code !== 'completed') h.failed += r.count;
        if (r.code === 'auth') h.auth += r.count;
        hours.set(r.hour, h);
      }
      for (const [hour, h] of hours) {
        const shown = hour.replace('T', ' ').slice(0, 16);
        const auth = h.auth > 0 ? `.*auth ${h.auth}` : '';
        expect(text).toMatch(new RegExp(`^${shown}\\s+${h.attempts}\\s+${h.failed}\\s+${auth}`, 'm'));
      }
    }
  });
});

describe('logs --json', () => {
  it('prints {task_id, lines}, {task_id, messages} with --raw, and JSON lines with -f', async () => {
    const id = await runTask('[fake:slow steps=3 delay_ms=200] Step \u001b[2J through');
    const followed = await cli.run(['logs', String(id), '-f', '--json']);
    expect(followed.code).toBe(0);
    const records = followed.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { task_id: number; line: string });
    expect(records.length).toBeGreaterThan(3);
    expect(records.every((r) => r.task_id === id && typeof r.line === 'string')).toBe(true);
    expect(records.some((r) => r.line.includes('[tool:Bash]'))).toBe(true);
    expect(followed.stdout).not.toMatch(CONTROL);

    await cli.waitFor(id, (t) => t.status === 'completed');
    const whole = JSON.parse(await cli.ok(['logs', String(id), '--json'])) as {
      task_id: number;
      lines: string[];
    };
    expect(Object.keys(whole).sort()).toEqual(['lines', 'task_id']);
    expect(whole.task_id).toBe(id);
    expect(whole.lines.join('\n')).toBe((await cli.ok(['logs', String(id)])).trimEnd());
    expect(whole.lines.some((line) => line.includes('[tool:Bash]'))).toBe(true);

    const raw = JSON.parse(await cli.ok(['logs', String(id), '--raw', '--json'])) as {
      task_id: number;
      messages: Array<{ type: string }>;
    };
    expect(raw.task_id).toBe(id);
    expect(raw.messages.map((m) => m.type)).toContain('result');

    const rawFollowed = await cli.ok(['logs', String(id), '--raw', '-f', '--json']);
    const rawRecords = rawFollowed
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { task_id: number; message: { type: string } });
    expect(rawRecords.map((r) => r.message.type)).toEqual(raw.messages.map((m) => m.type));
  });
});

describe('server stop --help', () => {
  it('says running tasks get the grace period before they are interrupted', async () => {
    const help = await cli.ok(['server', 'stop', '--help']);
    expect(help).toContain('shutdown_grace_seconds');
    expect(help.replace(/\s+/g, ' ')).toMatch(/lets running ones finish .* then are interrupted and resume/);
  });
});
