/**
 * Records one running attempt as it happens: every Claude Code message goes to the transcript, to one line of the
 * human log (both stored in the database, with local files as a copy: task-output.ts), to the live bus, and (throttled) to the task's `last_action` in the store. Lifecycle lines
 * (started, finished, failed with the suggestion) go to the task log and the global log.
 * Progress is not a transition: losing the last throttled `last_action` write in a crash is harmless.
 */
import type { Failure, Task } from '../domain/vocabulary.js';
import type { ExecutorMessage } from '../executor/executor.js';
import type { Progress, Store } from '../store/store.js';
import type { EventBus } from './event-bus.js';
import type { TaskOutput } from './task-output.js';

const PROGRESS_INTERVAL_MS = 250;

export class AttemptRecorder {
  private pending: Progress | null = null;
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();
  private numTurns: number | null = null;
  private costUsd: number | null = null;

  constructor(
    private readonly task: Task,
    private readonly attempt: number,
    private readonly store: Store,
    private readonly bus: EventBus,
    private readonly output: TaskOutput,
  ) {}

  started(workerId: string, resumeSessionId: string | null): void {
    const resume = resumeSessionId ? `, resuming session ${resumeSessionId}` : '';
    this.taskLine(`[attempt ${this.attempt}] started on ${workerId} (${this.task.model}${resume})`);
    this.output.global(
      `task ${this.task.id} attempt ${this.attempt} started (${this.task.model}) in ${this.task.working_directory}`,
    );
  }

  message(message: ExecutorMessage): void {
    this.output.json(this.task, message.raw);
    if (message.num_turns !== null) this.numTurns = message.num_turns;
    if (message.cost_usd !== null) this.costUsd = message.cost_usd;
    if (message.line === null) return;
    this.taskLine(message.line);
    this.bus.publish({
      type: 'task_progress',
      task_id: this.task.id,
      attempt: this.attempt,
      line: message.line,
      num_turns: this.numTurns,
      cost_usd: this.costUsd,
      at: new Date().toISOString(),
    });
    this.pending = {
      last_action: message.line.slice(0, 500),
      num_turns: message.num_turns,
      cost_usd: message.cost_usd,
      session_id: message.session_id,
    };
    this.timer ??= setTimeout(() => void this.flush(), PROGRESS_INTERVAL_MS);
  }

  /** Writes the latest progress now; resolves when it is stored. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const progress = this.pending;
    this.pending = null;
    if (progress) {
      this.writing = this.writing
        .then(() => this.store.recordProgress(this.task.id, this.attempt, progress))
        .catch((err: unknown) => {
          // Progress is advisory; the attempt's outcome is what must not be lost. Say so in the task log.
          this.taskLine(`[warning] could not store progress: ${String(err)}`);
        });
    }
    await this.writing;
  }

  finished(outcome: string, durationMs: number, failure: Failure | null, costUsd: number | null): void {
    const seconds = (durationMs / 1000).toFixed(1);
    const cost = costUsd === null ? '' : `, $${costUsd.toFixed(4)}`;
    const turns = this.numTurns === null ? '' : `, ${this.numTurns} turn${this.numTurns === 1 ? '' : 's'}`;
    if (failure) {
      this.taskLine(
        `[attempt ${this.attempt}] ${outcome} after ${seconds} s: ${failure.code}: ${failure.message}`,
      );
      this.taskLine(`[suggestion] ${failure.suggestion}`);
    } else {
      this.taskLine(`[attempt ${this.attempt}] ${outcome} after ${seconds} s${turns}${cost}`);
    }
    const reason = failure ? ` (${failure.code})` : '';
    this.output.global(
      `task ${this.task.id} attempt ${this.attempt} ${outcome}${reason} after ${seconds} s${turns}${cost}`,
    );
  }

  async close(): Promise<void> {
    await this.flush();
    await this.output.close(this.task);
  }

  private taskLine(line: string): void {
    this.output.line(this.task, line);
  }
}
