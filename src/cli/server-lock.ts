/**
 * `<home>/server.lock`: makes "start the server if none runs" safe when several CLIs do it at once. Created with
 * O_EXCL and holding the owner's pid; a lock whose owner is gone, or older than a minute, is stale and taken over.
 */
import { openSync, closeSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ClaudeWorkerError } from '../domain/errors.js';
import { makePrivateDir } from '../platform/private-files.js';
import { isAlive, sleep } from './server-info.js';

const STALE_AFTER_MS = 60_000;
const POLL_MS = 100;

export function lockPath(home: string): string {
  return join(home, 'server.lock');
}

/** Runs `fn` holding the lock; waits up to `timeoutMs` for another holder. */
export async function withServerLock<T>(home: string, fn: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const path = lockPath(home);
  makePrivateDir(home);
  const deadline = Date.now() + timeoutMs;
  while (!tryAcquire(path)) {
    if (isStale(path)) {
      breakLock(path);
      continue;
    }
    if (Date.now() >= deadline) {
      throw new ClaudeWorkerError(
        'unavailable',
        `Another claude-worker has been starting the server for ${Math.round(timeoutMs / 1000)} s (lock ${path}). ` +
          'Check `claude-worker server status`; if no start is under way, delete the lock file and try again.',
      );
    }
    await sleep(POLL_MS);
  }
  try {
    return await fn();
  } finally {
    rmSync(path, { force: true });
  }
}

function tryAcquire(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new ClaudeWorkerError(
      'config',
      `Cannot create the lock file ${path}: ${String(err)}. Check that the home folder is writable.`,
      {
        cause: err,
      },
    );
  }
  try {
    writeSync(fd, JSON.stringify({ pid: process.pid, at: new Date().toISOString() }));
  } finally {
    closeSync(fd);
  }
  return true;
}

function isStale(path: string): boolean {
  try {
    const age = Date.now() - statSync(path).mtimeMs;
    if (age > STALE_AFTER_MS) return true;
    const owner = JSON.parse(readFileSync(path, 'utf8')) as { pid?: unknown };
    return typeof owner.pid === 'number' && !isAlive(owner.pid);
  } catch {
    // Gone meanwhile: just retry. Half-written by a live owner: give it time (the age check covers a dead one).
    return false;
  }
}

/** Moves the stale lock aside first, so two breakers cannot both delete a fresh lock taken in between. */
function breakLock(path: string): void {
  const aside = `${path}.stale-${process.pid}`;
  try {
    renameSync(path, aside);
    rmSync(aside, { force: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
