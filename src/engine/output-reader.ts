/**
 * Reading a task's output for `logs` (REST and MCP): from the database, where every node stores it, whole, as a
 * bounded tail, or followed as it grows until the task has finished. A task whose output predates the database copy
 * (or was written by a node that kept files only) is read from the local file instead.
 */
import { isTerminal } from '../domain/state-machine.js';
import type { Task } from '../domain/vocabulary.js';
import { followLogFile, readLogFile, tailLogFile } from '../observability/task-log-files.js';
import type { OutputStream, Store } from '../store/store.js';

/** The last `maxBytes` of a text, starting at a line start (a cut line is dropped whole). */
export function tailText(text: string, maxBytes: number): string {
  const buffer = Buffer.from(text, 'utf8');
  if (buffer.length <= maxBytes) return text;
  const tail = buffer.subarray(buffer.length - maxBytes);
  const firstBreak = tail.indexOf(0x0a);
  return (firstBreak >= 0 ? tail.subarray(firstBreak + 1) : tail).toString('utf8');
}

function fileOf(task: Task, stream: OutputStream): string | null {
  return stream === 'log' ? task.log_path : task.transcript_path;
}

export class OutputReader {
  constructor(private readonly store: Store) {}

  /** The whole output, or its last `tailBytes`. */
  async read(task: Task, stream: OutputStream, tailBytes?: number): Promise<string> {
    const stored = await this.store.readOutput({ task_id: task.id, stream, tail_bytes: tailBytes });
    if (stored.chunks === 0) {
      const path = fileOf(task, stream);
      return tailBytes ? tailLogFile(path, tailBytes) : readLogFile(path);
    }
    return tailBytes ? tailText(stored.text, tailBytes) : stored.text;
  }

  /**
   * Sends the output (or its tail) and then what is appended, until the task has finished and one more read found
   * nothing (the last lines are stored just after the final transition), or `signal` aborts.
   */
  async follow(
    task: Task,
    stream: OutputStream,
    onText: (text: string) => void,
    signal: AbortSignal,
    options: { tailBytes?: number; intervalMs: number },
  ): Promise<void> {
    const first = await this.store.readOutput({ task_id: task.id, stream, tail_bytes: options.tailBytes });
    const path = fileOf(task, stream);
    let finishedSeen = false;
    const finished = async (): Promise<boolean> => {
      if (finishedSeen) return true;
      const current = await this.store.getTask(task.id);
      finishedSeen = !current || isTerminal(current.status);
      return false;
    };
    if (first.chunks === 0 && path && (await readLogFile(path)) !== '') {
      // Output kept in a local file only (written before the database held output).
      return followLogFile(path, 0, onText, finished, signal, options.intervalMs);
    }
    if (first.text) onText(options.tailBytes ? tailText(first.text, options.tailBytes) : first.text);
    let after = first.last_id ?? 0;
    while (!signal.aborted) {
      const next = await this.store.readOutput({ task_id: task.id, stream, after_id: after });
      if (next.chunks > 0) {
        onText(next.text);
        after = next.last_id ?? after;
      } else if (await finished()) {
        return;
      }
      await new Promise((done) => setTimeout(done, options.intervalMs));
    }
  }
}
