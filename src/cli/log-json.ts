/**
 * `claude-worker logs --json`: a task's log as JSON. The log is text on the wire (REST answers text or JSONL), so
 * the CLI shapes it: `{task_id, lines}` for the human log, `{task_id, messages}` for the transcript (`--raw`);
 * following (`-f`), one JSON object per line as lines arrive: `{task_id, line}` or `{task_id, message}`. Lines
 * keep their bytes (JSON escapes control characters, so nothing reaches a terminal raw).
 */

/** Splits a stream of text chunks into whole lines; `end()` returns what is left after the last newline. */
export class LineSplitter {
  private rest = '';

  push(chunk: string): string[] {
    const parts = (this.rest + chunk).split('\n');
    this.rest = parts.pop() ?? '';
    return parts;
  }

  end(): string[] {
    const last = this.rest;
    this.rest = '';
    return last === '' ? [] : [last];
  }
}

/** A transcript line as its message object; a line that is not JSON stays text (a partial write, a stray line). */
export function transcriptMessage(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return line;
  }
}

export function logDocument(taskId: number, text: string, raw: boolean): object {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return raw ? { task_id: taskId, messages: lines.map(transcriptMessage) } : { task_id: taskId, lines };
}

export function logRecord(taskId: number, line: string, raw: boolean): string {
  return JSON.stringify(
    raw ? { task_id: taskId, message: transcriptMessage(line) } : { task_id: taskId, line },
  );
}
