/**
 * A real local HTTP receiver for webhook tests: listens on 127.0.0.1 (a random free port, or a given one so it can
 * come back on the same address), records every request (headers, raw body), and answers with the status codes
 * queued for its path in `answers` (then 200). It can be stopped and started again to play a receiver that is down.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac } from 'node:crypto';
import { waitFor } from './harness.js';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: Record<string, unknown>;
  status: number;
}

export class Receiver {
  readonly received: Received[] = [];
  /** Status codes for the next requests to a path, in order; 200 once empty. */
  readonly answers = new Map<string, number[]>();
  private server: Server | null = null;
  port = 0;

  async start(port = this.port): Promise<this> {
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const status = this.answers.get(req.url ?? '')?.shift() ?? 200;
        let json: Record<string, unknown> = {};
        try {
          json = JSON.parse(body) as Record<string, unknown>;
        } catch {
          // Recorded as received; the test looks at it.
        }
        this.received.push({ path: req.url ?? '', headers: req.headers, body, json, status });
        res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'receiver error');
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Waits until `count` requests matching `match` arrived; returns them. */
  async waitForCount(count: number, match: (r: Received) => boolean = () => true, timeoutMs = 30_000) {
    return waitFor(
      () => {
        const found = this.received.filter(match);
        return found.length >= count ? found : undefined;
      },
      `${count} webhook request(s) at the receiver`,
      timeoutMs,
    );
  }
}

/**
 * Verifies a Standard Webhooks signature independently of the code under test: HMAC-SHA256 of
 * `id.timestamp.body` with the base64-decoded bytes after `whsec_`.
 */
export function standardSignatureValid(secret: string, r: Received): boolean {
  const id = String(r.headers['webhook-id']);
  const timestamp = String(r.headers['webhook-timestamp']);
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${r.body}`).digest('base64');
  return String(r.headers['webhook-signature'])
    .split(' ')
    .some((s) => s === `v1,${expected}`);
}
