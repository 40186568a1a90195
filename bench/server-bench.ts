/**
 * Idle server memory: starts the built CLI's server in the foreground on a fresh home, waits until it answers,
 * lets it idle, and reads its resident set size from /proc.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BenchResult } from './harness.js';

export async function benchIdleServerRss(): Promise<BenchResult> {
  const home = mkdtempSync(join(tmpdir(), 'cw-bench-rss-'));
  const cli = resolve('dist/cli/main.js');
  const child = spawn(process.execPath, [cli, 'server', 'run'], {
    env: { ...process.env, CLAUDE_WORKER_HOME: home, CLAUDE_WORKER_PORT: '0' },
    stdio: 'ignore',
  });
  try {
    const deadline = Date.now() + 15_000;
    let info: { url: string } | null = null;
    while (!info && Date.now() < deadline) {
      await new Promise((done) => setTimeout(done, 100));
      try {
        info = JSON.parse(readFileSync(join(home, 'server.json'), 'utf8')) as { url: string };
        const res = await fetch(`${info.url}/health`);
        if (!res.ok) info = null;
      } catch {
        info = null;
      }
    }
    if (!info) throw new Error('the server did not start within 15 s');
    await new Promise((done) => setTimeout(done, 3_000));
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
    const mb = Math.round((kb / 1024) * 10) / 10;
    return { name: 'idle server RSS', value: mb, unit: 'MB', target: '≤ 100', meets: mb <= 100 };
  } finally {
    child.kill('SIGTERM');
    await new Promise((done) => child.once('exit', done));
    rmSync(home, { recursive: true, force: true });
  }
}
