/**
 * A server process stops gracefully on SIGTERM: it exits 0, removes its server.json and logs that it stopped.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from './test-config.js';
import { waitFor } from './test-server.js';

let home: string | null = null;
afterEach(() => {
  if (home) rmSync(home, { recursive: true, force: true });
});

describe('server process', () => {
  it('on SIGTERM closes, removes server.json and exits 0', async () => {
    home = tempDir('cw-signal-home-');
    const child = spawn(resolve('node_modules/.bin/vite-node'), [resolve('test/api/serve-child.ts'), home], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    try {
      const infoPath = join(home, 'server.json');
      await waitFor(async () => existsSync(infoPath), 'server.json', 25_000);
      const info = JSON.parse(readFileSync(infoPath, 'utf8')) as { url: string; pid: number };
      expect((await fetch(`${info.url}/health`)).status).toBe(200);

      process.kill(info.pid, 'SIGTERM');
      expect(await exited, stderr).toBe(0);
      expect(existsSync(infoPath)).toBe(false);
      expect(readFileSync(join(home, 'logs', 'server.log'), 'utf8')).toContain(
        '"msg":"claude-worker server stopped"',
      );
    } finally {
      child.kill('SIGKILL');
    }
  }, 40_000);
});
