/**
 * Which command a command line runs, so the CLI loads only that command's module (help and unknown words load
 * every command: the full list, and commander's "did you mean").
 */
import { describe, expect, it } from 'vitest';
import { buildProgram, commandOf, GLOBAL_OPTIONS_WITH_VALUE } from '../../src/cli/program.js';
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

  it('loads each command by its own name, and only it; built for none, the program has every command', async () => {
    const run = createRun({ cwd: process.cwd(), env: {}, stdout: process.stdout, stderr: process.stderr });
    const all = (await buildProgram(run)).commands.map((c) => c.name());
    expect(all).toEqual(expect.arrayContaining(['run', 'status', 'server', 'worker', 'db', 'mcp', 'doctor']));
    for (const name of all) {
      expect(commandOf([name])).toBe(name);
      expect((await buildProgram(run, name)).commands.map((c) => c.name())).toEqual([name]);
    }
  });

  it('skips the value of every global option that takes one, and only those', async () => {
    const run = createRun({ cwd: process.cwd(), env: {}, stdout: process.stdout, stderr: process.stderr });
    const withValue = (await buildProgram(run)).options
      .filter((option) => option.required || option.optional)
      .map((option) => option.long);
    expect([...GLOBAL_OPTIONS_WITH_VALUE].sort()).toEqual(withValue.sort());
  });
});
