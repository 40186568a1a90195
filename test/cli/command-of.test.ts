/**
 * Which command a command line runs, so the CLI loads only that command's module (help and unknown words load
 * every command: the full list, and commander's "did you mean").
 */
import { describe, expect, it } from 'vitest';
import { buildProgram, commandOf } from '../../src/cli/program.js';
import { createRun } from '../../src/cli/context.js';

describe('commandOf', () => {
  it('finds the command after global options, with or without their values', () => {
    expect(commandOf(['status', '1'])).toBe('status');
    expect(commandOf(['--home', '/tmp/h', '--url', 'http://x', 'list', '--json'])).toBe('list');
    expect(commandOf(['--port=7421', 'server', 'start'])).toBe('server');
    expect(commandOf(['--home', 'status', 'watch', '3'])).toBe('watch');
  });

  it('asks for every command for help, the version, no command, help <command> or an unknown word', () => {
    for (const argv of [
      [],
      ['--help'],
      ['-h', 'status'],
      ['-V'],
      ['help', 'status'],
      ['stauts', '1'],
      ['--home', '/x'],
    ])
      expect(commandOf(argv), argv.join(' ')).toBeNull();
  });

  it('the program built for one command has that command only; built for none, every command', async () => {
    const run = createRun({ cwd: process.cwd(), env: {}, stdout: process.stdout, stderr: process.stderr });
    expect((await buildProgram(run, 'status')).commands.map((c) => c.name())).toEqual(['status']);
    const all = (await buildProgram(run)).commands.map((c) => c.name());
    expect(all).toContain('status');
    expect(all).toContain('db');
    expect(all.length).toBeGreaterThan(20);
  });
});
