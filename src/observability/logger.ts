/**
 * Server logs: JSON lines via pino, to a file in the home folder (or stderr). Modules take the narrow `Logger`
 * interface so tests and libraries can pass their own.
 */
import { dirname } from 'node:path';
import { pino } from 'pino';
import { makePrivateDir, PRIVATE_FILE_MODE } from '../platform/private-files.js';

export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export function createFileLogger(path: string, level: string): pino.Logger {
  makePrivateDir(dirname(path));
  return pino(
    { level, base: { pid: process.pid } },
    pino.destination({ dest: path, append: true, mkdir: true, sync: false, mode: PRIVATE_FILE_MODE }),
  );
}

/** Errors and warnings to stderr; used when no logger is given. */
export const stderrLogger: Logger = {
  info: () => {},
  warn: (obj, msg) => process.stderr.write(`claude-worker warning: ${msg ?? ''} ${JSON.stringify(obj)}\n`),
  error: (obj, msg) => process.stderr.write(`claude-worker error: ${msg ?? ''} ${JSON.stringify(obj)}\n`),
};
