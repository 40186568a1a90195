/**
 * Long-lived responses (log follow, Server-Sent Events): each is a text stream that ends when the client goes away,
 * when its producer is done, or when the server closes, whichever comes first. The server aborts them all in its
 * `preClose` hook, so closing never waits on an open stream.
 */
import { PassThrough } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { ClaudeWorkerError } from '../domain/errors.js';

/** Past this much unsent text, a client is too slow to keep up and its stream is ended. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

const SHUTDOWN_MESSAGE =
  'The server is shutting down; this stream was cut short. Run the command again once the server is back.';

export interface LiveStream {
  /** Aborted when the stream must stop (client gone, server closing, or `end()` called). */
  signal: AbortSignal;
  /** Writes text; false when the stream has ended (the write is dropped). */
  write(text: string): boolean;
  /** Ends the response (idempotent). */
  end(): void;
  /** Breaks the response off, so the client sees an error instead of a clean end. */
  fail(err: Error): void;
  /** Sends the stream as the reply body with this content type. */
  send(contentType: string): FastifyReply;
}

export class LiveStreams {
  private readonly closing = new AbortController();
  private count = 0;

  /** Number of open streams (for /health/detailed). */
  get open(): number {
    return this.count;
  }

  /** Ends every open stream; new ones end at once. */
  closeAll(): void {
    this.closing.abort();
  }

  /**
   * `breakOnShutdown`: when the server closes, break the response off (the client sees an error) instead of ending
   * it cleanly — for streams whose clean end means something (a followed log ends when its task has finished).
   */
  start(reply: FastifyReply, options: { breakOnShutdown?: boolean } = {}): LiveStream {
    const body = new PassThrough();
    const stop = new AbortController();
    const signal = AbortSignal.any([stop.signal, this.closing.signal]);
    this.count += 1;
    let ended = false;
    const finish = (err?: Error): void => {
      if (ended) return;
      ended = true;
      this.count -= 1;
      stop.abort();
      if (err) body.destroy(err);
      else body.end();
    };
    const end = (): void => finish();
    const onShutdown = (): void =>
      finish(options.breakOnShutdown ? new ClaudeWorkerError('unavailable', SHUTDOWN_MESSAGE) : undefined);
    if (this.closing.signal.aborted) onShutdown();
    else this.closing.signal.addEventListener('abort', onShutdown, { once: true });
    stop.signal.addEventListener(
      'abort',
      () => this.closing.signal.removeEventListener('abort', onShutdown),
      { once: true },
    );
    // The response closes when it finished or when the client disconnected.
    reply.raw.once('close', end);
    body.once('error', end);
    return {
      signal,
      write: (text) => {
        if (ended) return false;
        body.write(text);
        if (body.writableLength > MAX_BUFFERED_BYTES) {
          reply.log.warn(
            { buffered: body.writableLength },
            'live stream client too slow; breaking its stream off',
          );
          finish(
            new ClaudeWorkerError(
              'unavailable',
              'The client read this stream too slowly and it was cut short.',
            ),
          );
        }
        return true;
      },
      end,
      fail: (err) => finish(err),
      send: (contentType) =>
        reply
          .header('content-type', contentType)
          .header('cache-control', 'no-cache, no-transform')
          .header('x-accel-buffering', 'no')
          .send(body),
    };
  }
}
