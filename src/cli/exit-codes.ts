/**
 * The exit codes of `claude-worker`, and which error maps to which. One table, so every command agrees:
 *   0  success
 *   1  the task failed, was cancelled or skipped (watch, run --watch), or the server refused the operation
 *      (409: cancel a finished task, retry a running one), or something unexpected broke
 *   2  usage error: a bad flag or argument, invalid input (every problem is printed), an unknown task id (404),
 *      an invalid configuration
 *   3  the server is unreachable (or refuses our token, origin or Host header)
 */
import { CommanderError } from 'commander';
import { isClaudeWorkerError } from '../domain/errors.js';

export const EXIT = { ok: 0, failed: 1, usage: 2, unreachable: 3 } as const;

/** Text for `--help`. */
export const EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  the task failed, was cancelled or skipped (watch, run --watch), or the server refused the operation (e.g. cancel a finished task)
  2  usage error: bad flag or argument, invalid input, unknown task id, invalid configuration
  3  the server is unreachable`;

export function exitCodeFor(err: unknown): number {
  if (err instanceof CommanderError) {
    return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? EXIT.ok : EXIT.usage;
  }
  if (!isClaudeWorkerError(err)) return EXIT.failed;
  switch (err.code) {
    case 'validation':
    case 'not_found':
    case 'config':
    case 'payload_too_large':
      return EXIT.usage;
    case 'unavailable':
    case 'unauthorized':
    case 'forbidden':
      return EXIT.unreachable;
    case 'conflict':
    case 'rate_limited':
    case 'internal':
      return EXIT.failed;
  }
}
