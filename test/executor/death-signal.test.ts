/**
 * Linux: the kernel kills the Claude Code child when the server dies (setpriv --pdeathsig KILL). pdeathsig fires
 * when the THREAD that forked the child exits, not the process: spawned from the main thread (as the executor
 * does) the child lives as long as the server, whatever other threads come and go, and dies with it; spawned from a
 * worker thread it would die with that thread. Needs the build (dist/platform/child-guard.js).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { childGuardSupport } from '../../src/platform/child-guard.js';
import { isAlive } from '../../src/platform/process-alive.js';

const PARENT = fileURLToPath(new URL('../fixtures/pdeathsig-parent.mjs', import.meta.url));
const ours: number[] = [];
afterEach(() => {
  for (const pid of ours.splice(0)) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
});

async function startParent(mode: 'main' | 'worker'): Promise<{ parent: number; child: number }> {
  const parent = spawn(process.execPath, [PARENT, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  ours.push(parent.pid!);
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    parent.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(out.trim());
    });
    parent.once('exit', (code) => reject(new Error(`the parent exited with ${code}`)));
  });
  const child = (JSON.parse(line) as { child: number }).child;
  ours.push(child);
  return { parent: parent.pid!, child };
}

async function eventually(check: () => boolean, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  return check();
}

describe.skipIf(!childGuardSupport().pdeathsig)('pdeathsig (Linux, setpriv)', () => {
  it('keeps the child while the server lives, threads come and go; kills it when the server is killed', async () => {
    const { parent, child } = await startParent('main');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(isAlive(child)).toBe(true);
    process.kill(parent, 'SIGKILL');
    expect(await eventually(() => !isAlive(child))).toBe(true);
  });

  it('fires when the forking thread exits: why the executor spawns from the main thread', async () => {
    const { parent, child } = await startParent('worker');
    expect(await eventually(() => !isAlive(child))).toBe(true);
    expect(isAlive(parent)).toBe(true);
  });
});
