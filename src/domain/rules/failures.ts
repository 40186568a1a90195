/**
 * Failures decided by the rules themselves (a cancel before start, a worker that vanished, a skip), in the same
 * shape and with the same suggestions as the executor's classified failures.
 */
import { FAILURE_CLASSES } from '../failure-codes.js';
import type { Failure, FailureCode } from '../vocabulary.js';

export function failureFor(code: FailureCode, message: string, taskId: number, suggestion?: string): Failure {
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

/** The fields of a failure that an event records. */
export function describedFailure(failure: Failure): Record<string, unknown> {
  return { code: failure.code, message: failure.message, suggestion: failure.suggestion };
}
