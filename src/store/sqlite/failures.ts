/**
 * The failures the store itself records (a cancel before start, a worker that vanished), in the same shape and
 * with the same suggestions as the executor's classified failures.
 */
import { FAILURE_CLASSES } from '../../domain/failure-codes.js';
import type { Failure, FailureCode } from '../../domain/vocabulary.js';

export function storeFailure(
  code: FailureCode,
  message: string,
  taskId: number,
  suggestion?: string,
): Failure {
  return {
    code,
    message,
    // The table says `<id>`; a person reading this task's error can copy the command as it is.
    suggestion: (suggestion ?? FAILURE_CLASSES[code].suggestion).replaceAll('<id>', String(taskId)),
    retryable: FAILURE_CLASSES[code].retryable,
    exit_code: null,
    exit_meaning: null,
    retry_after_ms: null,
  };
}
