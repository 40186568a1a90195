/** Page cursors, the same for every store: a cursor is the last id of the previous page (lists are newest first). */
import { ClaudeWorkerError } from '../../domain/errors.js';

export function parseCursor(cursor: string, what = 'The task query'): number {
  if (!/^\d+$/.test(cursor)) {
    throw ClaudeWorkerError.validation(
      [{ path: 'cursor', message: 'cursor is the next_cursor of a previous page (digits only)' }],
      what,
    );
  }
  return Number(cursor);
}
