#!/usr/bin/env node
/**
 * Entry point of the `claude-worker` executable (package.json "bin" → dist/cli/main.js). Runs the program, waits
 * until stdout and stderr are flushed, then exits with the command's code.
 */
import { runCli } from './program.js';

function currentDirectory(): string {
  try {
    return process.cwd();
  } catch {
    return process.env['PWD'] ?? '/'; // the folder was deleted under us
  }
}

function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => stream.write('', () => resolve()));
}

// `claude-worker list | head -3`: the reader left; stop quietly instead of crashing on EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}

const code = await runCli(process.argv.slice(2), {
  cwd: currentDirectory(),
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
});
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
process.exit(code);
