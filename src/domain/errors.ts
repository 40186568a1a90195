/**
 * The one error class a user of claude-worker sees: a string code, a message that says what happened and what to
 * do next, and structured data (for validation: every problem with its place). Adapters map codes to HTTP statuses,
 * MCP tool errors and CLI exit codes; nothing else decides how an error looks.
 */

export const ERROR_CODES = [
  'validation', // bad input; `data.issues` lists every problem
  'not_found',
  'conflict', // the request is valid but not in this state (cancel a finished task)
  'unauthorized',
  'forbidden', // a browser origin or Host header the server does not serve
  'payload_too_large',
  'rate_limited',
  'unavailable', // server unreachable or stopping
  'config', // bad configuration file or value
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** One problem in an input, with where it is (`tasks[3].depends_on[0]`, `working_directory`). */
export interface Issue {
  path: string;
  message: string;
}

export class ClaudeWorkerError extends Error {
  override name = 'ClaudeWorkerError';
  readonly code: ErrorCode;
  readonly data: Record<string, unknown>;

  constructor(
    code: ErrorCode,
    message: string,
    options: { data?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.data = options.data ?? {};
  }

  /** Every problem found at once; the message lists them, one per line. */
  static validation(issues: Issue[], what = 'The input'): ClaudeWorkerError {
    const lines = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message));
    const message =
      issues.length === 1
        ? `${what} is invalid: ${lines[0]}`
        : `${what} has ${issues.length} problems:\n${lines.map((l) => `  - ${l}`).join('\n')}`;
    return new ClaudeWorkerError('validation', message, { data: { issues } });
  }

  static notFound(what: string, id: number | string): ClaudeWorkerError {
    const list = what === 'Orchestration' ? 'claude-worker list-orchestrations' : 'claude-worker list';
    return new ClaudeWorkerError('not_found', `${what} ${id} does not exist. List them with \`${list}\`.`, {
      data: { id },
    });
  }

  get issues(): Issue[] {
    const issues = this.data['issues'];
    return Array.isArray(issues) ? (issues as Issue[]) : [];
  }
}

export function isClaudeWorkerError(err: unknown): err is ClaudeWorkerError {
  return err instanceof ClaudeWorkerError;
}
