/**
 * Errors raised before a request reaches a route, in the same `application/problem+json` shape as every other
 * answer: a URL that is not valid percent-encoding, a path segment longer than any id, and what Node's HTTP parser
 * refuses on the socket (headers or query string too large, malformed HTTP, a client too slow to send its request).
 */
import type { Socket } from 'node:net';
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ClaudeWorkerError } from '../domain/errors.js';
import { PROBLEM_CONTENT_TYPE, problemOf, type Problem } from './problem.js';

/** Longest path segment a route reads (an id has at most 16 digits); longer ones are refused with 414. */
export const MAX_PARAM_LENGTH = 100;

/** The problem for an error Fastify's router raises (`frameworkErrors`). */
export function routerProblem(err: FastifyError): Problem {
  if (err.code === 'FST_ERR_BAD_URL') {
    return problemOf(
      new ClaudeWorkerError(
        'validation',
        'The URL path is not valid percent-encoding (for example "%FF" is not UTF-8). Encode each path segment with encodeURIComponent.',
      ),
    );
  }
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return problemOf(
      new ClaudeWorkerError(
        'validation',
        `A segment of the URL path is longer than ${MAX_PARAM_LENGTH} characters. Ids are positive whole numbers of at most 16 digits (at most ${Number.MAX_SAFE_INTEGER}).`,
      ),
      414,
      'URI too long',
    );
  }
  return problemOf(
    new ClaudeWorkerError('internal', 'The server could not route this request; please report it.'),
  );
}

export function sendRouterError(err: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const problem = routerProblem(err);
  void reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}

/** The problem for an error Node's HTTP parser raised on a connection, or null when nothing can be answered. */
export function clientErrorProblem(err: NodeJS.ErrnoException, maxHeaderBytes: number): Problem | null {
  if (err.code === 'ECONNRESET') return null;
  if (err.code === 'HPE_HEADER_OVERFLOW') {
    return problemOf(
      new ClaudeWorkerError(
        'validation',
        `The request line and headers are larger than the server reads (${Math.round(maxHeaderBytes / 1024)} KiB): most likely a very long query string. Send a shorter one; large input belongs in a JSON body.`,
      ),
      431,
      'Request header fields too large',
    );
  }
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return problemOf(
      new ClaudeWorkerError('validation', 'The request was not sent completely in time; send it again.'),
      408,
      'Request timeout',
    );
  }
  const reason = typeof err.code === 'string' ? ` (${err.code})` : '';
  return problemOf(
    new ClaudeWorkerError(
      'validation',
      `The request is not valid HTTP/1.1${reason}; the server could not read it. Use an HTTP client library.`,
    ),
    400,
    'Bad request',
  );
}

/** Fastify's `clientErrorHandler`: answers on the raw socket, then closes it (the parser cannot go on). */
export function answerClientError(maxHeaderBytes: number) {
  return (err: NodeJS.ErrnoException, socket: Socket): void => {
    const problem = socket.destroyed ? null : clientErrorProblem(err, maxHeaderBytes);
    if (problem && socket.writable) {
      const body = JSON.stringify(problem);
      socket.write(
        `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] ?? 'Error'}\r\n` +
          `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy();
  };
}

/** How much of a refused body the server still reads so the client sees the answer (beyond it, the socket closes). */
export const MAX_DRAIN_BYTES = 64 * 1024 * 1024;
const DRAIN_TIMEOUT_MS = 30_000;

/**
 * Reads and discards the rest of a request body the server refused (too large, not JSON) before answering. Fastify
 * closes the connection after such an answer; closing with unread bytes makes the kernel reset the connection, and
 * a client still uploading then sees ECONNRESET instead of the 413. Bodies beyond MAX_DRAIN_BYTES are not read.
 */
export function drainRequest(raw: IncomingMessage): Promise<void> {
  if (raw.complete || raw.readableEnded || raw.destroyed) return Promise.resolve();
  const declared = Number(raw.headers['content-length']);
  if (Number.isFinite(declared) && declared > MAX_DRAIN_BYTES) return Promise.resolve();
  return new Promise((resolve) => {
    let seen = 0;
    const finish = () => {
      clearTimeout(timer);
      raw.off('data', onData);
      raw.off('end', finish);
      raw.off('close', finish);
      raw.off('error', finish);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > MAX_DRAIN_BYTES) finish();
    };
    const timer = setTimeout(finish, DRAIN_TIMEOUT_MS);
    raw.on('data', onData);
    raw.on('end', finish);
    raw.on('close', finish);
    raw.on('error', finish);
    raw.resume();
  });
}
