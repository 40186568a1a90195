/**
 * The pure rules of sounds and desktop notices: how a `sound_player` command line splits into words (no shell),
 * when `auto` is on, and how notice text is quoted for AppleScript and PowerShell so it cannot escape its string.
 */
import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../src/domain/command-line.js';
import {
  alertsOn,
  appleScriptString,
  desktopText,
  powerShellString,
  soundFor,
} from '../../src/domain/local-alerts.js';

describe('sound_player command lines', () => {
  it('splits words like a shell, keeping quoted spaces and shell characters as plain text', () => {
    expect(parseCommandLine(`mpv --no-video "--volume=60"`)).toEqual({
      ok: true,
      words: ['mpv', '--no-video', '--volume=60'],
    });
    expect(parseCommandLine(`'/Apps/My Player/play' a\\ b "x \\"y\\"" ; $HOME | rm`)).toEqual({
      ok: true,
      words: ['/Apps/My Player/play', 'a b', 'x "y"', ';', '$HOME', '|', 'rm'],
    });
  });
  it('refuses an unclosed quote, a trailing backslash and an empty line', () => {
    expect(parseCommandLine(`mpv "--no-video`)).toEqual({
      ok: false,
      problem: 'a double quote is not closed',
    });
    expect(parseCommandLine(`mpv \\`)).toMatchObject({ ok: false });
    expect(parseCommandLine('   ')).toEqual({ ok: false, problem: 'it names no program' });
  });
});

describe('when sounds are on', () => {
  it('auto is on at a terminal outside CI, off in CI or without a terminal; on and off are as set', () => {
    expect(alertsOn('auto', { terminal: true, env: {} })).toBe(true);
    expect(alertsOn('auto', { terminal: true, env: { CI: 'true' } })).toBe(false);
    expect(alertsOn('auto', { terminal: true, env: { CI: 'false' } })).toBe(true);
    expect(alertsOn('auto', { terminal: false, env: {} })).toBe(false);
    expect(alertsOn('on', { terminal: false, env: { CI: '1' } })).toBe(true);
    expect(alertsOn('off', { terminal: true, env: {} })).toBe(false);
    expect(soundFor('completed')).toBe('success');
    expect(soundFor('cancelled')).toBe('failure');
  });
});

describe('notice text', () => {
  it('cannot end an AppleScript or PowerShell string', () => {
    expect(appleScriptString('say "hi" \\ then')).toBe('"say \\"hi\\" \\\\ then"');
    expect(powerShellString("C:\\it's.wav")).toBe("'C:\\it''s.wav'");
  });
  it('drops control characters and keeps the body short', () => {
    const text = desktopText('Task 1\u001b[31m done', ['line\u0007 one', null, 'x'.repeat(400)]);
    expect(text.title).toBe('Task 1 [31m done');
    expect(text.body.startsWith('line  one\nxxx')).toBe(true);
    expect(text.body.length).toBeLessThanOrEqual(240);
  });
});
