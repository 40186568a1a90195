/**
 * Binding the server: loopback unless a token is configured, and a busy port moves to the next free one.
 */
import type { FastifyInstance } from 'fastify';
import { isIP } from 'node:net';
import { ClaudeWorkerError } from '../domain/errors.js';

/** Ports tried after the preferred one when it is busy. */
export const PORT_SEARCH_SPAN = 50;

export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return (
    h === 'localhost' ||
    h === '::1' ||
    /^127\.\d+\.\d+\.\d+$/.test(h) ||
    /^::ffff:127\.\d+\.\d+\.\d+$/.test(h)
  );
}

/** Refuses to expose the API beyond this machine with a generated token nobody configured on purpose. */
export function checkBindable(host: string, tokenConfigured: boolean): void {
  if (isLoopback(host) || tokenConfigured) return;
  throw new ClaudeWorkerError(
    'config',
    `Refusing to listen on ${host}: that address is reachable from other machines and no API token is configured. Set a token of at least 16 characters (CLAUDE_WORKER_TOKEN or "token" in the config file) to serve on ${host}, or use host 127.0.0.1.`,
  );
}

/** The URL clients on this machine use: a wildcard bind is reached through loopback. */
export function localUrl(host: string, port: number): string {
  const h = host.replace(/^\[|\]$/g, '');
  const reachable = h === '0.0.0.0' ? '127.0.0.1' : h === '::' ? '::1' : h;
  return `http://${isIP(reachable) === 6 ? `[${reachable}]` : reachable}:${port}`;
}

/** Listens on `port`, or the next free port up to PORT_SEARCH_SPAN above it (port 0: the OS picks). */
export async function listenOnFreePort(
  fastify: FastifyInstance,
  host: string,
  port: number,
): Promise<number> {
  const last = port === 0 ? 0 : Math.min(65535, port + PORT_SEARCH_SPAN);
  for (let candidate = port; candidate <= last; candidate += 1) {
    try {
      await fastify.listen({ host, port: candidate });
      const address = fastify.server.address();
      if (address === null || typeof address === 'string') return candidate;
      return address.port;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE' && candidate < last) continue;
      if (code === 'EADDRINUSE') {
        throw new ClaudeWorkerError(
          'unavailable',
          `Ports ${port}–${last} on ${host} are all in use. Stop what uses them, or choose another port with CLAUDE_WORKER_PORT.`,
          { cause: err },
        );
      }
      if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
        throw new ClaudeWorkerError(
          'config',
          `Cannot listen on ${host}: no such address on this machine (${code}). Check the host setting (CLAUDE_WORKER_HOST).`,
          { cause: err },
        );
      }
      if (code === 'EACCES') {
        throw new ClaudeWorkerError(
          'config',
          `Not allowed to listen on ${host}:${candidate} (EACCES). Use a port above 1023 (CLAUDE_WORKER_PORT).`,
          { cause: err },
        );
      }
      throw err;
    }
  }
  throw new ClaudeWorkerError('internal', `No port was tried between ${port} and ${last}.`);
}
