/**
 * What each failure class means for a person and for the retry policy: whether another attempt can help, and what
 * to do about it. Classification (which class a failure belongs to) lives in the executor; this is the table.
 */
import type { Failure, FailureCode } from './vocabulary.js';

interface FailureClass {
  retryable: boolean;
  /** A short title for lists and metrics. */
  title: string;
  suggestion: string;
}

export const FAILURE_CLASSES: Record<FailureCode, FailureClass> = {
  rate_limit: {
    retryable: true,
    title: 'Rate limited by the API (429)',
    suggestion:
      'The API rate limit was reached. Tasks of this model wait for the cool-down and run again; lower the concurrency (CLAUDE_WORKER_CONCURRENCY) if this repeats.',
  },
  overloaded: {
    retryable: true,
    title: 'API overloaded (529)',
    suggestion:
      'Anthropic’s API is overloaded. The task is retried with backoff; nothing to do unless it persists.',
  },
  server_error: {
    retryable: true,
    title: 'API server error (5xx)',
    suggestion:
      'The API returned a server error. The task is retried with backoff; check status.anthropic.com if it persists.',
  },
  network: {
    retryable: true,
    title: 'Network error',
    suggestion:
      'Claude Code could not reach the API. Check the network, proxy settings and ANTHROPIC_BASE_URL.',
  },
  timeout: {
    retryable: true,
    title: 'Timed out',
    suggestion:
      'The attempt ran longer than its timeout and was stopped. It is retried (resuming its session) while attempts remain; for more time, queue it again with a longer --timeout (e.g. 2h), or split the prompt into smaller tasks.',
  },
  interrupted: {
    retryable: true,
    title: 'Interrupted',
    suggestion:
      'The worker running this attempt stopped (shutdown, crash or lost lease). While attempts remain, the task runs again and resumes its Claude session.',
  },
  process_crashed: {
    retryable: true,
    title: 'Claude Code process crashed',
    suggestion:
      'The Claude Code process died (signal or abnormal exit). Check free memory and the task log (`claude-worker logs <id>`); it is retried while attempts remain.',
  },
  auth: {
    retryable: false,
    title: 'Not authenticated',
    suggestion:
      'Claude Code is not logged in or the API key is invalid. Run `claude` and /login once, or set ANTHROPIC_API_KEY for the server, then `claude-worker retry <id>`.',
  },
  billing: {
    retryable: false,
    title: 'Billing problem',
    suggestion:
      'The account has no credit or a billing problem. Fix it in the Anthropic console, then retry the task.',
  },
  cli_not_found: {
    retryable: false,
    title: 'Claude Code executable not found',
    suggestion:
      'Claude Code could not be started. Run `claude-worker doctor`; set claude_path (or CLAUDE_WORKER_CLAUDE_PATH) to the `claude` executable.',
  },
  invalid_request: {
    retryable: false,
    title: 'Invalid request',
    suggestion:
      'Claude Code rejected the request (bad option or model). Check the task’s model and options, then retry.',
  },
  max_turns: {
    retryable: false,
    title: 'Reached max turns',
    suggestion:
      'The task used all its turns before finishing. Queue it again with a higher --max-turns, or narrow the prompt.',
  },
  budget: {
    retryable: false,
    title: 'Reached its budget',
    suggestion:
      'The task spent its max_budget_usd before finishing. Queue it again with a higher --max-budget-usd, or narrow the prompt.',
  },
  execution_error: {
    retryable: false,
    title: 'Error during execution',
    suggestion:
      'Claude Code reported an error while working. Read the task log (`claude-worker logs <id>`) for details.',
  },
  cancelled: {
    retryable: false,
    title: 'Cancelled',
    suggestion: 'The task was cancelled on request. Run it again with `claude-worker retry <id>`.',
  },
  no_result: {
    retryable: true,
    title: 'No result',
    suggestion:
      'Claude Code exited without producing a result. Check the task log and `claude-worker doctor`; the executable may not be Claude Code.',
  },
  memory_limit: {
    retryable: false,
    title: 'Over its memory limit',
    suggestion:
      'The Claude Code process tree used more memory than memory_limit_mb allows and was stopped. Raise memory_limit_mb, or split the task.',
  },
  dependency_failed: {
    retryable: false,
    title: 'A dependency did not succeed',
    suggestion: 'Fix and retry the failed dependency; its skipped dependents then run again.',
  },
  worker_lost: {
    retryable: false,
    title: 'Interrupted by a dying worker too many times in a row',
    suggestion:
      'The task may be crashing the worker (memory, a runaway process it starts). Check the server log and free memory (`claude-worker doctor`), give it less to do or the machine more memory, then run it again with `claude-worker retry <id>`. If workers stop for reasons of their own, raise max_interruptions.',
  },
};

/** Meaning of a process exit code or signal, for people. */
export function exitCodeMeaning(exitCode: number | null, signal?: string | null): string | null {
  if (signal)
    return `terminated by signal ${signal}${signal === 'SIGKILL' ? ' (killed, often out of memory)' : ''}`;
  if (exitCode === null) return null;
  const meanings: Record<number, string> = {
    0: 'success',
    1: 'general error',
    2: 'misuse of the command line',
    126: 'the executable cannot run (permission denied or not executable)',
    127: 'command not found',
    130: 'interrupted (Ctrl-C, SIGINT)',
    137: 'killed (SIGKILL, often out of memory)',
    143: 'terminated (SIGTERM)',
  };
  return (
    meanings[exitCode] ?? (exitCode > 128 ? `killed by signal ${exitCode - 128}` : `exit code ${exitCode}`)
  );
}

export interface FailureDetails {
  exit_code?: number | null;
  exit_meaning?: string | null;
  retry_after_ms?: number | null;
}

/** A failure of `code` with the table's suggestion and retry decision. */
export function makeFailure(code: FailureCode, message: string, details: FailureDetails = {}): Failure {
  const entry = FAILURE_CLASSES[code];
  return {
    code,
    message,
    suggestion: entry.suggestion,
    retryable: entry.retryable,
    exit_code: details.exit_code ?? null,
    exit_meaning: details.exit_meaning ?? null,
    retry_after_ms: details.retry_after_ms ?? null,
  };
}

/** The failure of an attempt the engine aborted, by the abort's reason (whatever the child died of). */
export function failureForAbort(reason: unknown, timeoutSeconds: number | null): Failure {
  switch (reason) {
    case 'cancelled':
      return makeFailure('cancelled', 'Cancelled on request; Claude Code was stopped.');
    case 'timeout': {
      const limit = timeoutSeconds ? ` (${timeoutSeconds} s)` : '';
      return makeFailure(
        'timeout',
        `The attempt ran longer than its timeout${limit}; Claude Code was stopped.`,
      );
    }
    case 'shutdown':
      return makeFailure(
        'interrupted',
        'The worker shut down while this attempt ran; Claude Code was stopped.',
      );
    case 'lease_lost':
      return makeFailure(
        'interrupted',
        'The worker lost its claim on this task (lease expired); Claude Code was stopped.',
      );
    case 'memory_limit':
      return makeFailure('memory_limit', 'The attempt went over its memory limit; Claude Code was stopped.');
    default:
      return makeFailure(
        'interrupted',
        'The attempt was aborted before it finished; Claude Code was stopped.',
      );
  }
}
