/**
 * Opens the SQLite file and sets the pragmas every connection needs. Nothing else in the store opens a database.
 */
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { ClaudeWorkerError } from '../../domain/errors.js';
import { ensurePrivateFile, makePrivateDir } from '../../platform/private-files.js';

/** How long a writer waits for another process's transaction before giving up with SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5000;

export function openDatabase(filePath: string): Database.Database {
  const inMemory = filePath === ':memory:' || filePath === '';
  let db: Database.Database;
  try {
    if (!inMemory) {
      makePrivateDir(dirname(filePath));
      // SQLite creates its -wal and -shm files with the database file's mode: 0600 here gives 0600 to all three.
      ensurePrivateFile(filePath);
    }
    db = new Database(filePath, { timeout: BUSY_TIMEOUT_MS });
  } catch (err) {
    throw new ClaudeWorkerError(
      'config',
      `Cannot open the database at ${filePath}: ${(err as Error).message}. ` +
        'Check that its folder is writable, or point CLAUDE_WORKER_HOME at one that is.',
      { cause: err, data: { path: filePath } },
    );
  }
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  // Readers never block the writer and the writer never blocks readers.
  const mode = db.pragma('journal_mode = WAL', { simple: true });
  if (!inMemory && mode !== 'wal') {
    db.close();
    throw new ClaudeWorkerError(
      'config',
      `The database at ${filePath} could not switch to WAL mode (it reports "${String(mode)}"). ` +
        'It may be on a network file system; keep CLAUDE_WORKER_HOME on a local disk.',
      { data: { path: filePath } },
    );
  }
  // WAL + NORMAL: a committed transaction is in the WAL before the call returns, so it survives a crash or kill -9
  // of the process; only an OS crash or power loss can drop the last commits (we promise the former, not the latter).
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  return db;
}
