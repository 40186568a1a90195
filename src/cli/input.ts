/**
 * Where `run` gets its prompt: the argument, or the contents of the file it names, with whatever arrives on stdin
 * appended (never dropped): `git diff | claude-worker run "Review"` gives "Review\n\n<the diff>".
 * Stdin is read when it is a pipe or a file. When it is a socket (a program spawned us and may never close it),
 * we wait up to a second for the first byte, so a caller that leaves stdin open does not hang us.
 */
import { fstatSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ClaudeWorkerError } from '../domain/errors.js';
import { notTextReason } from '../domain/text-content.js';

const SOCKET_FIRST_BYTE_MS = 1000;

export interface PromptInput {
  prompt: string;
  /** Where the parts came from, for messages: `argument`, `file task.md`, `stdin`. */
  parts: string[];
}

export const EMPTY_PROMPT_HELP =
  'The prompt is empty. Give it as an argument (claude-worker run "Fix the failing tests"), as a file ' +
  '(claude-worker run task.md), or on stdin (git diff | claude-worker run "Review these changes").';

export async function readPrompt(
  arg: string | undefined,
  cwd: string,
  useStdin: boolean,
): Promise<PromptInput> {
  const texts: string[] = [];
  const parts: string[] = [];
  if (arg !== undefined && arg.trim() !== '') {
    const file = asFile(arg, cwd);
    if (file) {
      texts.push(readFile(file, arg));
      parts.push(`file ${arg}`);
    } else if (looksLikeMissingFile(arg)) {
      throw new ClaudeWorkerError(
        'validation',
        `There is no file ${arg} (from ${cwd}). Give an existing file, or, if this text is the prompt itself, ` +
          `pass it as a sentence (e.g. claude-worker run "Follow the steps in ${arg}").`,
      );
    } else {
      texts.push(arg);
      parts.push('argument');
    }
  }
  if (useStdin) {
    const piped = await readStdin();
    if (piped.trim() !== '') {
      texts.push(piped);
      parts.push('stdin');
    }
  }
  const prompt = texts.filter((text) => text.trim() !== '').join('\n\n');
  if (prompt === '') throw new ClaudeWorkerError('validation', EMPTY_PROMPT_HELP);
  return { prompt, parts };
}

/** The absolute path when `arg` names an existing file. A sentence that is not a path is simply a prompt. */
function asFile(arg: string, cwd: string): string | null {
  if (arg.includes('\n') || arg.length > 4096) return null;
  const path = resolve(cwd, arg);
  try {
    return statSync(path).isFile() ? path : null;
  } catch {
    return null;
  }
}

/**
 * A single word that reads like a relative path or a text file's name (`./plan.md`, `../notes.txt`, `task.md`). Not a
 * leading `/`: `/review` is a Claude Code slash command, a fine prompt.
 */
function looksLikeMissingFile(arg: string): boolean {
  if (/\s/.test(arg.trim())) return false;
  return /^\.{1,2}\//.test(arg) || /\.(md|markdown|txt|prompt)$/i.test(arg);
}

const MAX_PROMPT_FILE_BYTES = 1024 * 1024;

function readFile(path: string, shown: string): string {
  try {
    const size = statSync(path).size;
    if (size > MAX_PROMPT_FILE_BYTES) {
      throw new ClaudeWorkerError(
        'validation',
        `The prompt file ${shown} is ${Math.round(size / 1024)} KB; a prompt file may be at most 1024 KB. ` +
          'Point the prompt at the file instead (e.g. "Read big.log and summarise it").',
      );
    }
    const text = readFileSync(path, 'utf8');
    const notText = notTextReason(text);
    if (notText) {
      throw new ClaudeWorkerError(
        'validation',
        `The prompt file ${shown} is not a text file (${notText}). Give a text file, or name the file in ` +
          'the prompt so Claude Code reads it itself.',
      );
    }
    return text;
  } catch (err) {
    if (err instanceof ClaudeWorkerError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new ClaudeWorkerError(
      'validation',
      `Cannot read the prompt file ${shown} (${code}). Check its permissions.`,
      {
        cause: err,
      },
    );
  }
}

async function readStdin(): Promise<string> {
  const stdin = process.stdin;
  if (stdin.isTTY) return '';
  let kind: 'pipe' | 'socket' | 'none';
  try {
    const info = fstatSync(0);
    kind = info.isFIFO() || info.isFile() ? 'pipe' : info.isSocket() ? 'socket' : 'none';
  } catch {
    return '';
  }
  if (kind === 'none') return '';
  return readAll(stdin, kind === 'socket' ? SOCKET_FIRST_BYTE_MS : null);
}

function readAll(stream: NodeJS.ReadStream, firstByteMs: number | null): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const chunks: Buffer[] = [];
    const timer =
      firstByteMs === null
        ? null
        : setTimeout(() => {
            stream.removeAllListeners('data');
            stream.destroy();
            resolvePromise('');
          }, firstByteMs);
    stream.on('data', (chunk: Buffer | string) => {
      if (timer) clearTimeout(timer);
      chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    });
    stream.once('end', () => {
      if (timer) clearTimeout(timer);
      resolvePromise(Buffer.concat(chunks).toString('utf8'));
    });
    stream.once('error', (err) => {
      if (timer) clearTimeout(timer);
      reject(err);
    });
  });
}
