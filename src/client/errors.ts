/**
 * How the client turns HTTP failures into ClaudeWorkerError: a problem+json answer keeps its code, detail and
 * issues; a server that does not answer becomes `unavailable` with what to do about it.
 */
import { ClaudeWorkerError, ERROR_CODES, type ErrorCode } from '../domain/errors.js';

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

function codeForStatus(status: number): ErrorCode {
  if (status === 400 || status === 415 || status === 422) return 'validation';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 413) return 'payload_too_large';
  if (status === 429) return 'rate_limited';
  if (status === 502 || status === 503 || status === 504) return 'unavailable';
  return 'internal';
}

/** The error for a non-2xx response. */
export async function responseError(response: Response, url: string): Promise<ClaudeWorkerError> {
  const text = await response.text().catch(() => '');
  const contentType = response.headers.get('content-type') ?? '';
  if (contentType.includes('json')) {
    try {
      const body = JSON.parse(text) as Record<string, unknown>;
      if (isErrorCode(body['code']) && typeof body['detail'] === 'string') {
        const data: Record<string, unknown> = {
          status: response.status,
          type: body['type'],
          title: body['title'],
        };
        if (Array.isArray(body['issues'])) data['issues'] = body['issues'];
        return new ClaudeWorkerError(body['code'], body['detail'], { data });
      }
    } catch {
      // Not our problem document: fall through to the generic message, which quotes the body.
    }
  }
  const excerpt = text.trim().slice(0, 300);
  return new ClaudeWorkerError(
    codeForStatus(response.status),
    `The server at ${url} answered ${response.status} ${response.statusText}${excerpt ? `: ${excerpt}` : ''}. Is CLAUDE_WORKER_URL pointing at a claude-worker server?`,
    { data: { status: response.status } },
  );
}

/** The error for a request that got no answer at all (refused, reset, DNS, timeout). */
export function connectionError(url: string, cause: unknown): ClaudeWorkerError {
  const reason =
    (cause as { cause?: { code?: unknown } } | null)?.cause?.code ??
    (cause as { code?: unknown } | null)?.code;
  return new ClaudeWorkerError(
    'unavailable',
    `No claude-worker server answers at ${url}. Start it with \`claude-worker server start\`, or check CLAUDE_WORKER_URL.`,
    { cause, data: { url, reason: typeof reason === 'string' ? reason : String(cause) } },
  );
}

/** The error for a request the server did not answer in time. */
export function timeoutError(url: string, timeoutMs: number, cause: unknown): ClaudeWorkerError {
  return new ClaudeWorkerError(
    'unavailable',
    `The server at ${url} did not answer within ${Math.round(timeoutMs / 1000)} s. Check it with \`claude-worker server status\` (its log is <home>/logs/server.log), or restart it with \`claude-worker server restart\`.`,
    { cause, data: { url, timeout_ms: timeoutMs } },
  );
}

/** The error for an answer or stream that broke after it started. */
export function streamBrokenError(url: string, cause: unknown): ClaudeWorkerError {
  return new ClaudeWorkerError(
    'unavailable',
    `The answer from the server at ${url} broke off (${cause instanceof Error ? cause.message : String(cause)}). The server may have stopped; run the command again.`,
    { cause, data: { url } },
  );
}
