/**
 * Runs ClaudeExecutor with the real Agent SDK against our stand-in (test/fixtures/fake-claude.mjs) in a temp dir,
 * and reads back what the stand-in recorded about each start (FAKE_CLAUDE_RECORD).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Task } from '../../src/domain/vocabulary.js';
import { ClaudeExecutor } from '../../src/executor/claude-executor.js';
import type { ExecutionOutcome, ExecutionRequest, ExecutorMessage } from '../../src/executor/executor.js';
import { makeTask } from './task-fixture.js';

export const FAKE_CLAUDE = fileURLToPath(new URL('../fixtures/fake-claude.mjs', import.meta.url));

/** One line of FAKE_CLAUDE_RECORD. */
export interface StartRecord {
  pid: number;
  started_at_ms: number;
  cwd: string;
  prompt: string;
  model: string;
  resume: string | null;
  argv: string[];
  system_prompt: string[] | null;
  env_keys: string[];
  env: Record<string, string>;
}

export interface FakeRun {
  outcome: ExecutionOutcome;
  messages: ExecutorMessage[];
  lines: string[];
  records: StartRecord[];
}

export class FakeClaudeHarness {
  readonly dir = mkdtempSync(join(tmpdir(), 'cw-executor-'));
  readonly recordPath = join(this.dir, 'starts.jsonl');

  executor(claudePath: string | null = FAKE_CLAUDE): ClaudeExecutor {
    return new ClaudeExecutor({ claudePath, childEnvOverrides: { FAKE_CLAUDE_RECORD: this.recordPath } });
  }

  task(overrides: Partial<Task> = {}): Task {
    return makeTask({ working_directory: this.dir, ...overrides });
  }

  /** Run one attempt; `onMessage` sees each message after it is collected. */
  async run(
    task: Task,
    opts: Partial<Omit<ExecutionRequest, 'task' | 'onMessage'>> & {
      onMessage?: (m: ExecutorMessage) => void;
      claudePath?: string | null;
    } = {},
  ): Promise<FakeRun> {
    const messages: ExecutorMessage[] = [];
    const outcome = await this.executor(
      opts.claudePath === undefined ? FAKE_CLAUDE : opts.claudePath,
    ).execute({
      task,
      attempt: opts.attempt ?? 1,
      resume_session_id: opts.resume_session_id ?? null,
      signal: opts.signal ?? new AbortController().signal,
      ...(opts.onSpawn ? { onSpawn: opts.onSpawn } : {}),
      onMessage: (m) => {
        messages.push(m);
        opts.onMessage?.(m);
      },
    });
    const lines = messages.map((m) => m.line).filter((l): l is string => l !== null);
    return { outcome, messages, lines, records: this.records() };
  }

  records(): StartRecord[] {
    if (!existsSync(this.recordPath)) return [];
    return readFileSync(this.recordPath, 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as StartRecord);
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

/** Poll until `check` is true or the deadline passes; returns whether it became true. */
export async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}
