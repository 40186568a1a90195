/**
 * Server logs: JSON lines via pino, to a file in the home folder (or stderr). Modules take the narrow `Logger`
 * interface so tests and libraries can pass their own.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { pino } from 'pino';

export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export function createFileLogger(path: string, level: string): pino.Logger {
  mkdirSync(dirname(path), { recursive: true });
  return pino(
    { level, base: { pid: process.pid } },
    pino.destination({ dest: path, append: true, mkdir: true, sync: false }),
  );
}

/** Errors and warnings to stderr; used when no logger is given. */
export const stderrLogger: Logger = {
  info: () => {},
  warn: (obj, msg) => process.stderr.write(`claude-worker warning: ${msg ?? ''} ${JSON.stringify(obj)}\n`),
  error: (obj, msg) => process.stderr.write(`claude-worker error: ${msg ?? ''} ${JSON.stringify(obj)}\n`),
};
