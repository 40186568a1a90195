/**
 * Shared pieces of the workflow tests: a real directory check (like the task service's, without allowed roots),
 * a temp folder per test, and a way to get a validation error's issues.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { access, constants, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { ClaudeWorkerError, type Issue } from '../../src/domain/errors.js';

/** The problem with a directory, checked on the real file system; records each call. */
export function realDirectoryCheck(): { check: (dir: string) => Promise<string | null>; calls: string[] } {
  const calls: string[] = [];
  const check = async (dir: string): Promise<string | null> => {
    calls.push(dir);
    try {
      const info = await stat(dir);
      if (!info.isDirectory()) return `"${dir}" is not a directory`;
      await access(dir, constants.R_OK | constants.X_OK);
      return null;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return `"${dir}" does not exist. Create it, or pass an existing directory.`;
      return `"${dir}" cannot be read (${code ?? String(err)}). Check its permissions.`;
    }
  };
  return { check, calls };
}

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'cw-workflow-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs `action`, expects a validation ClaudeWorkerError, returns its issues as `path: message` lines. */
export async function problems(action: () => Promise<unknown> | unknown): Promise<string[]> {
  let caught: unknown;
  try {
    await action();
  } catch (err) {
    caught = err;
  }
  expect(caught, 'expected a validation error').toBeInstanceOf(ClaudeWorkerError);
  const error = caught as ClaudeWorkerError;
  expect(error.code).toBe('validation');
  return error.issues.map((i: Issue) => (i.path ? `${i.path}: ${i.message}` : i.message));
}
