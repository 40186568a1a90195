/**
 * How every error leaves the server: an `application/problem+json` body (RFC 9457) with our error `code`, a
 * `detail` a person can act on and, for bad input, the list of `issues`. ClaudeWorkerError codes map to statuses
 * here and nowhere else; Fastify's own errors (body too large, wrong content type) are translated into the same
 * shape. Stack traces never leave the process.
 */
import type { FastifyError } from 'fastify';
import { ClaudeWorkerError, isClaudeWorkerError, type ErrorCode, type Issue } from '../domain/errors.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  issues?: Issue[];
}

const STATUS_OF: Record<ErrorCode, number> = {
  validation: 400,
  not_found: 404,
  conflict: 409,
  unauthorized: 401,
  forbidden: 403,
  payload_too_large: 413,
  rate_limited: 429,
  unavailable: 503,
  config: 500,
  internal: 500,
};

const TITLE_OF: Record<ErrorCode, string> = {
  validation: 'Invalid input',
  not_found: 'Not found',
  conflict: 'Conflict with the current state',
  unauthorized: 'Unauthorized',
  forbidden: 'Forbidden',
  payload_too_large: 'Request body too large',
  rate_limited: 'Too many requests',
  unavailable: 'Service unavailable',
  config: 'Server configuration error',
  internal: 'Internal server error',
};

export function statusOf(code: ErrorCode): number {
  return STATUS_OF[code];
}

export function problemOf(
  err: ClaudeWorkerError,
  status = STATUS_OF[err.code],
  title = TITLE_OF[err.code],
): Problem {
  const problem: Problem = {
    type: `urn:claude-worker:error:${err.code}`,
    title,
    status,
    detail: err.message,
    code: err.code,
  };
  if (err.code === 'validation' && err.issues.length > 0) problem.issues = err.issues;
  return problem;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${bytes} bytes (${+(bytes / (1024 * 1024)).toFixed(2)} MiB)`;
  if (bytes >= 1024) return `${bytes} bytes (${+(bytes / 1024).toFixed(1)} KiB)`;
  return `${bytes} bytes`;
}

export interface ProblemContext {
  bodyLimit: number;
  contentLength: string | undefined;
  contentType: string | undefined;
}

/**
 * Translates any thrown value into a problem. `internal` is true for failures the server must log: they are the
 * server's fault, and the client only learns where to look.
 */
export function toProblem(
  err: unknown,
  context: ProblemContext,
  serverLog: string,
): { problem: Problem; internal: boolean } {
  if (isClaudeWorkerError(err)) {
    return { problem: problemOf(err), internal: STATUS_OF[err.code] >= 500 && err.code !== 'unavailable' };
  }
  const fastifyError = err as Partial<FastifyError> | null;
  const code = typeof fastifyError?.code === 'string' ? fastifyError.code : '';
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    const size = Number(context.contentLength);
    const sent =
      Number.isFinite(size) && size > 0
        ? `The request body is ${formatBytes(size)}, over`
        : 'The request body is over';
    const e = new ClaudeWorkerError(
      'payload_too_large',
      `${sent} the limit of ${formatBytes(context.bodyLimit)}. Send less (a shorter prompt, or a file path the task can read), or raise the server's limit: body_limit_bytes in the configuration file or CLAUDE_WORKER_BODY_LIMIT_BYTES, then \`claude-worker server restart\`.`,
    );
    return { problem: problemOf(e), internal: false };
  }
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    const e = new ClaudeWorkerError(
      'validation',
      `The request body has content type "${context.contentType ?? ''}", which this API does not read. Send JSON with Content-Type: application/json.`,
    );
    return { problem: problemOf(e, 415, 'Unsupported media type'), internal: false };
  }
  const status = typeof fastifyError?.statusCode === 'number' ? fastifyError.statusCode : 500;
  if (status >= 400 && status < 500) {
    // Fastify's client errors (bad Content-Length, malformed URL): their messages are safe and specific.
    const errorCode: ErrorCode =
      status === 404
        ? 'not_found'
        : status === 413
          ? 'payload_too_large'
          : status === 401
            ? 'unauthorized'
            : 'validation';
    const message = err instanceof Error ? err.message : String(err);
    return {
      problem: problemOf(
        new ClaudeWorkerError(errorCode, `The request was refused: ${message}.`),
        status,
        TITLE_OF[errorCode],
      ),
      internal: false,
    };
  }
  if (status === 503) {
    const e = new ClaudeWorkerError(
      'unavailable',
      'The server is shutting down. Try again in a moment; the CLI starts a new server if needed.',
    );
    return { problem: problemOf(e), internal: false };
  }
  const e = new ClaudeWorkerError(
    'internal',
    `The server failed while handling this request. Details are in the server log (${serverLog}); please report it if it repeats.`,
  );
  return { problem: problemOf(e), internal: true };
}
