/**
 * Bearer-token check for the API. Compares digests in constant time so the response time says nothing about how
 * much of a guessed token was right.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { ClaudeWorkerError } from '../domain/errors.js';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** True when `header` is `Bearer <token>` with exactly this token. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  if (!header) return false;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  const given = match?.[1] ?? '';
  // Always compare, even for a malformed header, so all refusals take the same time.
  return timingSafeEqual(digest(given), digest(token)) && given.length > 0;
}

/** The refusal for a missing or wrong token, telling where the token lives. */
export function unauthorized(header: string | undefined, tokenPath: string): ClaudeWorkerError {
  const what = header
    ? 'The API token in the Authorization header is wrong'
    : 'This request has no API token';
  return new ClaudeWorkerError(
    'unauthorized',
    `${what}. Send \`Authorization: Bearer <token>\` with the token from ${tokenPath} (the CLI reads it from there itself), or the token configured as CLAUDE_WORKER_TOKEN when the server uses one.`,
  );
}
