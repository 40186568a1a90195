/**
 * Where a task's output goes: its human log (timestamped lines) and its transcript (raw SDK messages as JSONL),
 * each stored in the database in chunks — so any API node can serve them, whichever worker ran the task — and
 * written to this node's log files as a copy. Lines are buffered briefly and each flush is one store transaction for
 * every task at once, so output never costs a commit per message. A store that cannot be written keeps the chunks
 * (bounded) and tries again at the next flush; the files still get every line. Also the global lifecycle log.
 */
import type { Task } from '../domain/vocabulary.js';
import type { Logger } from '../observability/logger.js';
import type { TaskLogFiles } from '../observability/task-log-files.js';
import type { OutputChunk, OutputStream, Store } from '../store/store.js';

const FLUSH_MS = 100;
/** Output held while the store cannot be written; past this the oldest is dropped (the files keep it). */
const MAX_PENDING_BYTES = 8 * 1024 * 1024;

type TaskPaths = Pick<Task, 'id' | 'log_path' | 'transcript_path'>;

export class TaskOutput {
  private pending: OutputChunk[] = [];
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();
  private warnedAt = 0;

  constructor(
    private readonly store: Store,
    private readonly files: TaskLogFiles,
    private readonly logger: Logger | null = null,
  ) {}

  /** A line of the task's human log, timestamped. Tasks created without output (benchmarks) have none. */
  line(task: TaskPaths, line: string): void {
    if (!task.log_path) return;
    const text = `${new Date().toISOString()} ${line}\n`;
    this.files.appendText(task.log_path, text);
    this.enqueue(task.id, 'log', text);
  }

  /** One raw message of the task's transcript. */
  json(task: TaskPaths, value: unknown): void {
    if (!task.transcript_path) return;
    const text = `${JSON.stringify(value)}\n`;
    this.files.appendText(task.transcript_path, text);
    this.enqueue(task.id, 'transcript', text);
  }

  /** A lifecycle line in this node's global log. */
  global(line: string): void {
    this.files.appendGlobal(line);
  }

  /** Stores and writes what is pending for this task now (all tasks' chunks go in the same transaction). */
  async close(task: TaskPaths): Promise<void> {
    await Promise.all([this.flush(), this.files.close(task.log_path, task.transcript_path)]);
  }

  async closeAll(): Promise<void> {
    await this.flush();
    await this.files.closeAll();
  }

  private enqueue(taskId: number, stream: OutputStream, text: string): void {
    const last = this.pending.at(-1);
    // Consecutive text of one output joins one chunk: a busy task's flush is one row, not one per message.
    if (last && last.task_id === taskId && last.stream === stream) last.text += text;
    else this.pending.push({ task_id: taskId, stream, text });
    this.pendingBytes += text.length;
    this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }

  /** Stores the pending chunks; resolves when they are stored (or kept for the next try). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.writing = this.writing.then(() => this.storePending());
    return this.writing;
  }

  private async storePending(): Promise<void> {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    const bytes = this.pendingBytes;
    this.pendingBytes = 0;
    try {
      await this.store.appendOutput(batch);
    } catch (err) {
      // Keep the batch ahead of newer output, in order, and try again soon.
      this.pending = [...batch, ...this.pending];
      this.pendingBytes += bytes;
      while (this.pendingBytes > MAX_PENDING_BYTES && this.pending.length > 1) {
        const dropped = this.pending.shift()!;
        this.pendingBytes -= dropped.text.length;
      }
      if (Date.now() - this.warnedAt > 10_000) {
        this.warnedAt = Date.now();
        this.logger?.warn(
          { err },
          'task output could not be stored; it is kept and retried (the local log files have every line)',
        );
      }
      this.timer ??= setTimeout(() => void this.flush(), 1_000);
    }
  }
}
