/**
 * A failure inside the server (here: its database closed under it) answers 500 problem+json that points at the
 * server log, leaks no stack trace, and is logged with its details.
 */
import { rmSync } from 'node:fs';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/api/server.js';
import { App } from '../../src/app.js';
import { apiTestConfig, tempDir } from './test-config.js';

const TOKEN = 'internal-errors-token-0123';
const logLines: Array<Record<string, unknown>> = [];
let home: string;

beforeAll(() => {
  home = tempDir('cw-internal-home-');
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('internal errors', () => {
  it('answer 500 with a pointer to the server log, no stack, and are logged', async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean))
          logLines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const app = await App.open({ config: apiTestConfig(home), worker: false });
    const fastify = buildServer(app, { token: TOKEN, logger: pino({ level: 'info' }, sink) });
    const url = await fastify.listen({ host: '127.0.0.1', port: 0 });
    try {
      await app.store.close();
      const response = await fetch(`${url}/api/v1/tasks`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(response.status).toBe(500);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      const text = await response.text();
      const problem = JSON.parse(text) as Record<string, unknown>;
      expect(problem).toMatchObject({ code: 'internal', status: 500, title: 'Internal server error' });
      expect(problem['detail']).toContain(app.paths.serverLog);
      expect(text).not.toMatch(/\bat .+\.(ts|js):\d+/);

      const logged = logLines.find((l) => l['msg'] === 'request failed');
      expect(logged?.['level']).toBe(50);
      expect((logged?.['err'] as { stack?: string } | undefined)?.stack).toBeTruthy();
    } finally {
      await fastify.close();
    }
  });
});
