/**
 * Per-task files under `<home>/logs/tasks/`: a human log (one line per Claude Code message and per lifecycle step)
 * and a JSONL transcript (every raw SDK message). Names carry the task id, a short context from the working
 * directory and the creation time: `12-proj-api-20261124T233000Z.log`. Also the global lifecycle log.
 * Lines are buffered briefly and appended per file (one write per file per 100 ms), in order; an attempt's end
 * writes its lines at once. The global log is one append stream.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { appendFile, mkdir, open, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { makePrivateDir, PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../platform/private-files.js';

/** Folder names that say little on their own: the parent's name is added for context. */
const GENERIC_DIRS = new Set([
  'src',
  'lib',
  'app',
  'apps',
  'packages',
  'code',
  'repo',
  'project',
  'work',
  'workspace',
  'tmp',
  'test',
  'tests',
  'main',
  'master',
  'server',
  'client',
  'api',
  'backend',
  'frontend',
  'web',
]);

export function sanitizeSegment(segment: string): string {
  return segment
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 32);
}

/** `~/proj/src` → `proj-src`; `/` → `root`. */
export function directoryContext(workingDirectory: string): string {
  const last = sanitizeSegment(basename(workingDirectory));
  if (!last) return 'root';
  if (GENERIC_DIRS.has(last.toLowerCase())) {
    const parent = sanitizeSegment(basename(dirname(workingDirectory)));
    if (parent) return `${parent}-${last}`;
  }
  return last;
}

function compactTime(at: Date): string {
  return at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
}

export interface TaskLogNames {
  log_path: string;
  transcript_path: string;
}

/** How long appended lines may wait before they are written (keeps `logs -f` close to live). */
const FLUSH_MS = 100;

export class TaskLogFiles {
  readonly tasksDir: string;
  private readonly globalLogPath: string;
  private globalStream: WriteStream | null = null;
  /** Text waiting to be appended, per file. */
  private pending = new Map<string, string[]>();
  /** The last write of each file, so appends to one file stay in order. */
  private readonly writes = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  /** Folders known to exist, so writing a task's log does not ask the file system each time. */
  private readonly madeDirs = new Set<string>();

  constructor(logsDir: string) {
    this.tasksDir = join(logsDir, 'tasks');
    this.globalLogPath = join(logsDir, 'claude-worker.log');
  }

  /**
   * Names for a new task's files. The id is not known before insert, so the name starts with a placeholder that
   * the store replaces: `{id}`.
   */
  namesFor(workingDirectory: string, at: Date): TaskLogNames {
    const stem = `{id}-${directoryContext(workingDirectory)}-${compactTime(at)}`;
    return {
      log_path: join(this.tasksDir, `${stem}.log`),
      transcript_path: join(this.tasksDir, `${stem}.jsonl`),
    };
  }

  appendLine(path: string, line: string): void {
    this.enqueue(path, `${new Date().toISOString()} ${line}\n`);
  }

  /** Text as it is (whole lines, already formatted). */
  appendText(path: string, text: string): void {
    this.enqueue(path, text);
  }

  /** A lifecycle line in the global log: `2026-… task 12 completed (sonnet, 3 turns, $0.01)`. */
  appendGlobal(line: string): void {
    if (!this.globalStream) {
      makePrivateDir(dirname(this.globalLogPath));
      this.globalStream = createWriteStream(this.globalLogPath, { flags: 'a', mode: PRIVATE_FILE_MODE });
    }
    this.globalStream.write(`${new Date().toISOString()} ${line}\n`);
  }

  /** Writes what is pending for these files now; resolves when it is on disk (in the OS's hands). */
  async close(...paths: (string | null)[]): Promise<void> {
    const writes: Promise<void>[] = [];
    for (const path of paths) {
      if (!path) continue;
      const parts = this.pending.get(path);
      if (parts) {
        this.pending.delete(path);
        this.write(path, parts.join(''));
      }
      const last = this.writes.get(path);
      if (last) writes.push(last);
    }
    await Promise.all(writes);
  }

  async closeAll(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.close(...this.pending.keys(), ...this.writes.keys());
    if (this.globalStream) {
      const stream = this.globalStream;
      this.globalStream = null;
      await new Promise<void>((done) => stream.end(done));
    }
  }

  private enqueue(path: string, text: string): void {
    const parts = this.pending.get(path);
    if (parts) parts.push(text);
    else this.pending.set(path, [text]);
    this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  private flush(): void {
    this.timer = null;
    const batch = this.pending;
    this.pending = new Map();
    for (const [path, parts] of batch) this.write(path, parts.join(''));
  }

  /** Appends after the file's previous write; a failure is reported once on stderr and does not stop later lines. */
  private write(path: string, text: string): void {
    const dir = dirname(path);
    const previous = this.writes.get(path) ?? Promise.resolve();
    const next = previous
      .then(async () => {
        if (!this.madeDirs.has(dir)) {
          await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
          this.madeDirs.add(dir);
        }
        await appendFile(path, text, { mode: PRIVATE_FILE_MODE });
      })
      .catch((err: unknown) => {
        process.emitWarning(`claude-worker: could not write the task log ${path}: ${String(err)}`);
      })
      .finally(() => {
        if (this.writes.get(path) === next) this.writes.delete(path);
      });
    this.writes.set(path, next);
  }
}

/** Reads a whole log file; a file not yet written reads as empty. */
export async function readLogFile(path: string | null): Promise<string> {
  if (!path) return '';
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw err;
  }
}

/** Reads the last `maxBytes` of a file (starting at a line boundary), for bounded tails. */
export async function tailLogFile(path: string | null, maxBytes: number): Promise<string> {
  if (!path) return '';
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw err;
  }
  if (size <= maxBytes) return readLogFile(path);
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(maxBytes);
    await handle.read(buffer, 0, maxBytes, size - maxBytes);
    const text = buffer.toString('utf8');
    const firstBreak = text.indexOf('\n');
    return firstBreak >= 0 ? text.slice(firstBreak + 1) : text;
  } finally {
    await handle.close();
  }
}

/**
 * Follows a file from `offset`: calls `onChunk` with new text as it is appended, until `shouldStop()` is true after a
 * read that found nothing new, or `signal` aborts. Polls every `intervalMs` (files are local; this is simple and
 * works for files written by another process too).
 */
export async function followLogFile(
  path: string,
  offset: number,
  onChunk: (text: string) => void,
  shouldStop: () => boolean | Promise<boolean>,
  signal: AbortSignal,
  intervalMs = 200,
): Promise<void> {
  let position = offset;
  let pending = Buffer.alloc(0);
  while (!signal.aborted) {
    let grew = false;
    try {
      const size = (await stat(path)).size;
      if (size > position) {
        const handle = await open(path, 'r');
        try {
          const buffer = Buffer.alloc(size - position);
          await handle.read(buffer, 0, buffer.length, position);
          position = size;
          pending = Buffer.concat([pending, buffer]);
          // Emit whole UTF-8 text; keep an incomplete trailing sequence for the next read.
          const lastNewline = pending.lastIndexOf(0x0a);
          if (lastNewline >= 0) {
            onChunk(pending.subarray(0, lastNewline + 1).toString('utf8'));
            pending = pending.subarray(lastNewline + 1);
          }
          grew = true;
        } finally {
          await handle.close();
        }
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (!grew && (await shouldStop())) {
      if (pending.length > 0) onChunk(pending.toString('utf8'));
      return;
    }
    await new Promise((done) => setTimeout(done, intervalMs));
  }
}
