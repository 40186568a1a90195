/**
 * Runs the claude-worker CLI as a child process, the way a user would: the script never opens a store nor calls
 * the server itself, it reads the CLI's `--json` answers. Output can be streamed line by line as it arrives (the
 * live progress of `watch`) while it is also collected.
 */
import { spawn } from 'node:child_process';

export interface CliCall {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CallOptions {
  env: Record<string, string>;
  cwd: string;
  /** Written to stdin, then closed; without it stdin is /dev/null (so `run` reads no prompt from it). */
  input?: string;
  /** Each complete line of output, as it arrives (stdout and stderr alike). */
  onLine?: (line: string) => void;
}

export function callCli(cli: string, args: string[], options: CallOptions): Promise<CliCall> {
  return new Promise((resolveCall, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: options.cwd,
      env: options.env,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const collected = { stdout: '', stderr: '' };
    const pending = { stdout: '', stderr: '' };
    const take = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      const text = chunk.toString();
      collected[stream] += text;
      if (!options.onLine) return;
      pending[stream] += text;
      const lines = pending[stream].split('\n');
      pending[stream] = lines.pop() ?? '';
      for (const line of lines) options.onLine(line);
    };
    child.stdout?.on('data', take('stdout'));
    child.stderr?.on('data', take('stderr'));
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (options.onLine)
        for (const rest of [pending.stdout, pending.stderr]) if (rest !== '') options.onLine(rest);
      resolveCall({ code: code ?? (signal ? 128 : 1), ...collected });
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}
