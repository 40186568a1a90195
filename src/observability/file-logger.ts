/**
 * A process's own log file (JSON lines via pino) that only its owner can read (mode 0600: task prompts and errors
 * may be in it), with a `flush` that resolves once everything buffered is on disk and the file is closed.
 */
import { chmodSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { pino, type Logger } from 'pino';

export interface FileLogger {
  logger: Logger;
  flush(): Promise<void>;
}

export function openFileLogger(path: string, level: string): FileLogger {
  mkdirSync(dirname(path), { recursive: true });
  const destination = pino.destination({ dest: path, append: true, mkdir: true, sync: true, mode: 0o600 });
  // `mode` applies only when the file is created; an older file keeps its mode unless we set it.
  chmodSync(path, 0o600);
  const logger = pino({ level, base: { pid: process.pid } }, destination);
  const flush = () =>
    new Promise<void>((done) => {
      destination.once('close', () => done());
      destination.once('error', () => done());
      destination.end();
    });
  return { logger, flush };
}
