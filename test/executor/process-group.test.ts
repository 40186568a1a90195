/**
 * Claude Code runs in a process group of its own, and every stop the engine asks for (cancel, timeout, shutdown)
 * reaches the whole group through the real Agent SDK: the tool Claude Code was running (a grandchild `sleep`) goes
 * with it. The executor reports the child (pid, start-time token, host) as soon as it exists.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AttemptChild } from '../../src/domain/vocabulary.js';
import type { AbortReason } from '../../src/executor/executor.js';
import { isAlive } from '../../src/platform/process-alive.js';
import { processStartToken } from '../../src/platform/process-identity.js';
import { FakeClaudeHarness, waitFor } from './fake-claude-harness.js';

let h: FakeClaudeHarness;
const ours: number[] = [];
beforeEach(() => {
  h = new FakeClaudeHarness();
});
afterEach(() => {
  for (const pid of ours.splice(0)) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  h.cleanup();
});

function started(pids: string): { pid: number; grandchild: number } {
  const line = readFileSync(pids, 'utf8')
    .split('\n')
    .find((l) => l.includes('"started"'));
  return JSON.parse(line!) as { pid: number; grandchild: number };
}

describe('the Claude Code process group', () => {
  it.each([
    ['cancelled', 'cancelled'],
    ['timeout', 'timeout'],
    ['shutdown', 'interrupted'],
  ] as const)('%s stops Claude Code and the tool it runs', async (reason: AbortReason, code) => {
    const pids = join(h.dir, 'pids.jsonl');
    const controller = new AbortController();
    const spawned: AttemptChild[] = [];
    const { outcome } = await h.run(
      h.task({ execution_prompt: `Work [fake:long_tool seconds=300 pids=${pids}]` }),
      {
        signal: controller.signal,
        onSpawn: (child) => spawned.push(child),
        onMessage: (m) => {
          if (m.line?.startsWith('[tool:Bash]') && !controller.signal.aborted) {
            const { pid, grandchild } = started(pids);
            ours.push(pid, grandchild);
            controller.abort(reason);
          }
        },
      },
    );
    expect(outcome).toMatchObject({ ok: false, failure: { code } });
    const { pid, grandchild } = started(pids);
    expect(await waitFor(() => !isAlive(pid) && !isAlive(grandchild), 8_000)).toBe(true);
    expect(spawned).toEqual([{ pid, start: expect.any(String), host: hostname() }]);
  });

  it.skipIf(process.platform !== 'linux')(
    'reports the child with its start time, as the leader of its own process group',
    async () => {
      const pids = join(h.dir, 'pids.jsonl');
      const controller = new AbortController();
      let seen: { child: AttemptChild; pgrp: string; token: string | null } | null = null;
      await h.run(h.task({ execution_prompt: `Work [fake:long_tool seconds=300 pids=${pids}]` }), {
        signal: controller.signal,
        onSpawn: (child) => {
          const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
          const pgrp = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]!;
          seen = { child, pgrp, token: processStartToken(child.pid) };
        },
        onMessage: (m) => {
          if (m.line?.startsWith('[tool:Bash]')) controller.abort('cancelled');
        },
      });
      expect(seen).not.toBeNull();
      const { child, pgrp, token } = seen!;
      ours.push(child.pid);
      expect(child.start).toMatch(/^linux:\d+$/);
      expect(child.start).toBe(token);
      expect(pgrp).toBe(String(child.pid));
    },
  );
});
