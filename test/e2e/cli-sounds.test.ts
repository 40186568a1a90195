/**
 * Sounds and desktop notices as a user gets them from the built CLI: a configured player command (a script that
 * records its arguments) runs with the shipped sound file's path last when `run --watch` / `watch` ends, a
 * different file for completed and failed; CLAUDE_WORKER_SOUND=off runs nothing; a fake `notify-send` on PATH
 * receives the title and body; `doctor` names the player; bad values are refused clearly. Real processes.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliHarness, taskIdOf } from './cli-harness.js';

let cli: CliHarness;
let bin: string;
let played: string;
let notified: string;
let env: Record<string, string>;

/** A program that appends its arguments (one JSON array a line) to `file`. */
function recorder(path: string, file: string): void {
  writeFileSync(
    path,
    `#!/usr/bin/env node\nrequire('node:fs').appendFileSync(${JSON.stringify(file)}, JSON.stringify(process.argv.slice(2)) + '\\n');\n`,
  );
  chmodSync(path, 0o755);
}

function lines(file: string): string[][] {
  return existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as string[])
    : [];
}

async function until<T>(read: () => T[], count: number): Promise<T[]> {
  const deadline = Date.now() + 20_000;
  while (read().length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return read();
}

beforeAll(async () => {
  cli = new CliHarness('sounds');
  bin = join(cli.root, 'bin');
  mkdirSync(bin);
  played = join(cli.root, 'played.jsonl');
  notified = join(cli.root, 'notified.jsonl');
  // The recorder is a .cjs script so `require` works whatever the package type.
  recorder(join(bin, 'player.cjs'), played);
  recorder(join(bin, 'notify-send'), notified);
  env = {
    PATH: `${bin}:${process.env['PATH'] ?? ''}`,
    CLAUDE_WORKER_SOUND: 'on',
    CLAUDE_WORKER_DESKTOP_NOTIFY: 'on',
    CLAUDE_WORKER_SOUND_PLAYER: `"${join(bin, 'player.cjs')}" --volume 0.5`,
    CI: '',
  };
  // The server itself stays quiet (started without a terminal and with the settings off): only the CLI plays.
  await cli.ok(['server', 'start'], {
    env: { CLAUDE_WORKER_SOUND: 'off', CLAUDE_WORKER_DESKTOP_NOTIFY: 'off' },
  });
}, 60_000);
afterAll(async () => {
  await cli.cleanup();
});

describe('sounds and desktop notices at the end of watch', () => {
  it('plays the success sound after run --watch completes and the failure sound after watch of a failed task', async () => {
    const ok = await cli.run(['run', 'Quick job', '--watch'], { env });
    expect(ok.code).toBe(0);
    const first = await until(() => lines(played), 1);
    expect(first[0]!.slice(0, 2)).toEqual(['--volume', '0.5']);
    const success = first[0]![2]!;
    expect(success).toMatch(/sounds\/success\.wav$/);
    expect(readFileSync(success).subarray(0, 4).toString('ascii')).toBe('RIFF');

    const id = taskIdOf(await cli.ok(['run', '[fake:not_logged_in] Fix the build']));
    const watched = await cli.run(['watch', String(id)], { env });
    expect(watched.code).toBe(1);
    const both = await until(() => lines(played), 2);
    const failure = both[1]!.at(-1)!;
    expect(failure).toMatch(/sounds\/failure\.wav$/);
    expect(failure).not.toBe(success);
    expect(readFileSync(failure).equals(readFileSync(success))).toBe(false);

    const notices = await until(() => lines(notified), 2);
    const [, , okTitle, okBody] = notices[0]!;
    expect(okTitle).toMatch(/^Task \d+ completed$/);
    expect(okBody).toContain('Quick job');
    const [, , failTitle, failBody] = notices[1]!;
    expect(failTitle).toBe(`Task ${id} failed: needs attention`);
    expect(failBody).toContain('Fix the build');
    expect(failBody).toMatch(/login/);
  }, 60_000);

  it('runs nothing with CLAUDE_WORKER_SOUND=off and CLAUDE_WORKER_DESKTOP_NOTIFY=off', async () => {
    const before = { played: lines(played).length, notified: lines(notified).length };
    const quiet = await cli.run(['run', 'Quiet job', '--watch'], {
      env: { ...env, CLAUDE_WORKER_SOUND: 'off', CLAUDE_WORKER_DESKTOP_NOTIFY: 'off' },
    });
    expect(quiet.code).toBe(0);
    // A loud run after it: once its sound is recorded, the quiet one would have been too.
    await cli.run(['run', 'Loud job', '--watch'], { env });
    const after = await until(() => lines(played), before.played + 1);
    await new Promise((r) => setTimeout(r, 500));
    expect(lines(played).length).toBe(before.played + 1);
    expect(after.length).toBe(before.played + 1);
    const notices = await until(() => lines(notified), before.notified + 1);
    expect(notices.map((n) => n[3]).join('\n')).not.toContain('Quiet job');
  }, 60_000);

  it("a task's own notify settings silence its sound, or all of its alerts for an ending it did not ask for", async () => {
    const before = { played: lines(played).length, notified: lines(notified).length };
    const mute = await cli.run(['run', 'Muted job', '--watch', '--notify', 'sound=off'], { env });
    expect(mute.code).toBe(0);
    const onlyFailures = await cli.run(['run', 'Unheard job', '--watch', '--notify-on', 'failed'], { env });
    expect(onlyFailures.code).toBe(0);
    await cli.run(['run', 'Loud job', '--watch'], { env });
    // The muted job still shows its desktop notice; the unheard one shows nothing; the loud one plays.
    const notices = await until(() => lines(notified), before.notified + 2);
    await until(() => lines(played), before.played + 1);
    await new Promise((r) => setTimeout(r, 500));
    expect(lines(played).length).toBe(before.played + 1);
    const bodies = lines(notified)
      .slice(before.notified)
      .map((n) => n[3])
      .join('\n');
    expect(notices.length).toBe(before.notified + 2);
    expect(bodies).toContain('Muted job');
    expect(bodies).toContain('Loud job');
    expect(bodies).not.toContain('Unheard job');
    const shown = await cli.ok(['status', String(taskIdOf(mute.stdout))]);
    expect(shown).toMatch(/notify\s+sound off/);
  }, 60_000);

  it('refuses an unknown notify channel before sending anything', async () => {
    const bad = await cli.run(['run', 'x', '--notify', 'slak=off'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/"slak" is not a notify channel; did you mean "slack"\?/);
    const value = await cli.run(['run', 'x', '--notify', 'slack=loud'], { env });
    expect(value.code).toBe(2);
    expect(value.stderr).toMatch(/notify\.slack is on or off, not text "loud"/);
  }, 60_000);

  it('doctor names the configured player and the desktop notifier', async () => {
    const doctor = await cli.run(['doctor'], { env });
    expect(doctor.stdout).toMatch(/✓ sound: on \(set\); player sound_player ".*player\.cjs" --volume 0\.5"/);
    expect(doctor.stdout).toContain(`desktop notices: on (set); notify-send (${join(bin, 'notify-send')})`);
    const none = await cli.run(['doctor'], {
      env: { ...env, PATH: bin, CLAUDE_WORKER_SOUND_PLAYER: '', CLAUDE_WORKER_SOUND: 'auto' },
    });
    expect(none.stdout).toMatch(/! sound: off \(auto: not a terminal\); no sound player found/);
    expect(none.stdout).toContain('CLAUDE_WORKER_SOUND_PLAYER');
  }, 60_000);

  it('refuses bad values with the setting, the value and what to write', async () => {
    const loud = await cli.run(['list'], { env: { CLAUDE_WORKER_SOUND: 'loud' } });
    expect(loud.code).toBe(2);
    expect(loud.stderr).toContain('CLAUDE_WORKER_SOUND');
    expect(loud.stderr).toMatch(/auto, on, off/);
    const quote = await cli.run(['list'], { env: { CLAUDE_WORKER_SOUND_PLAYER: 'mpv "--no-video' } });
    expect(quote.code).toBe(2);
    expect(quote.stderr).toContain('CLAUDE_WORKER_SOUND_PLAYER');
    expect(quote.stderr).toContain('double quote is not closed');
    const desk = await cli.run(['list'], { env: { CLAUDE_WORKER_DESKTOP_NOTIFY: 'yes please' } });
    expect(desk.code).toBe(2);
    expect(desk.stderr).toContain('CLAUDE_WORKER_DESKTOP_NOTIFY');
  }, 60_000);
});

describe("the server's own sounds on the person's machine", () => {
  let home: CliHarness;
  let serverPlayed: string;

  beforeAll(async () => {
    home = new CliHarness('sounds-server');
    const serverBin = join(home.root, 'bin');
    mkdirSync(serverBin);
    serverPlayed = join(home.root, 'played.jsonl');
    recorder(join(serverBin, 'player.cjs'), serverPlayed);
    // Started without a terminal and not in CI: `auto` stays quiet unless a task asks for its sound.
    await home.ok(['server', 'start'], {
      env: {
        CLAUDE_WORKER_SOUND: 'auto',
        CLAUDE_WORKER_DESKTOP_NOTIFY: 'off',
        CLAUDE_WORKER_SOUND_PLAYER: `"${join(serverBin, 'player.cjs')}"`,
        CI: '',
      },
    });
  }, 60_000);
  afterAll(async () => {
    await home.cleanup();
  });

  it('a task with --notify sound=on plays on the server; one without stays quiet under auto', async () => {
    const quietEnv = { CLAUDE_WORKER_SOUND: 'off', CLAUDE_WORKER_DESKTOP_NOTIFY: 'off' };
    const quiet = await home.run(['run', 'No sound asked', '--watch'], { env: quietEnv });
    expect(quiet.code).toBe(0);
    const asked = await home.run(['run', 'Sound asked', '--watch', '--notify', 'sound=on'], {
      env: quietEnv,
    });
    expect(asked.code).toBe(0);
    const got = await until(() => lines(serverPlayed), 1);
    await new Promise((r) => setTimeout(r, 500));
    expect(lines(serverPlayed)).toHaveLength(1);
    expect(got[0]!.at(-1)).toMatch(/sounds\/success\.wav$/);
  }, 60_000);
});
