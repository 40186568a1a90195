/**
 * Output that any node can serve: a task run by one node (its worker writes the log) is read, whole and followed,
 * through the REST API of another node that shares the database but not the disk — even after the first node's log
 * files are gone.
 */
import { rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../src/app.js';
import { buildServer } from '../../src/api/server.js';
import { homePaths } from '../../src/config/paths.js';
import { ClaudeWorkerClient } from '../../src/client/http-client.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { openTestApp, quietLogger, tempDir, testConfig, waitFor, type TestApp } from '../helpers/harness.js';

let worker: TestApp;
let apiNode: App;
let apiHome: string;
let client: ClaudeWorkerClient;
let close: () => Promise<void>;

beforeAll(async () => {
  worker = await openTestApp();
  apiHome = tempDir('cw-api-node-');
  apiNode = await App.open({
    config: testConfig(apiHome),
    worker: false,
    store: new SqliteStore(homePaths(worker.home).database),
    logger: quietLogger,
  });
  const fastify = buildServer(apiNode, { token: 't0ken' });
  await fastify.listen({ host: '127.0.0.1', port: 0 });
  const { port } = fastify.server.address() as AddressInfo;
  client = new ClaudeWorkerClient({ url: `http://127.0.0.1:${port}`, token: 't0ken' });
  close = async () => {
    await fastify.close();
    await apiNode.close();
  };
});
afterAll(async () => {
  await close?.();
  await worker?.close();
  rmSync(apiHome, { recursive: true, force: true });
});

describe('task output from the database', () => {
  it('is served by an API node that did not run the task, live and afterwards, without the log files', async () => {
    const task = await worker.app.tasks.createTask(
      {
        execution_prompt: 'Work in steps [fake:slow steps=4 delay_ms=300]',
        working_directory: worker.workdir,
      },
      { actor: 'test' },
    );
    await waitFor(async () => (await client.getTask(task.id)).status === 'running', 'the task to run');

    const followed: string[] = [];
    for await (const chunk of client.followLogs(task.id)) followed.push(chunk);
    const live = followed.join('');
    expect(live).toContain('[attempt 1] started');
    expect(live).toContain('[result] success');
    expect(live).toMatch(/\[attempt 1\] completed after/);

    // The worker's local copies are gone; the API node still serves everything from the database.
    const stored = (await client.getTask(task.id)) as { log_path: string; transcript_path: string };
    rmSync(stored.log_path, { force: true });
    rmSync(stored.transcript_path, { force: true });
    expect(await client.logs(task.id)).toBe(live);
    const transcript = (await client.logs(task.id, { format: 'jsonl' })).trim().split('\n');
    expect(transcript.length).toBeGreaterThan(3);
    expect(transcript.map((line) => (JSON.parse(line) as { type: string }).type)).toContain('result');
    const tail = await client.logs(task.id, { tail_bytes: 200 });
    expect(live.endsWith(tail)).toBe(true);
    expect(Buffer.byteLength(tail)).toBeLessThanOrEqual(200);
  });
});
