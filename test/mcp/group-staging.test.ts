/**
 * Submitting a staged group is refused the second time, even when two submits race: inside one MCP process they are
 * serialised (one orchestration is created), and across processes (two stagings over one store) the loser's
 * orchestration is cancelled, so exactly one runs. Real App and SQLite store; no worker runs the tasks.
 */
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { App } from '../../src/app.js';
import { GroupStaging } from '../../src/mcp/staging.js';
import { apiTestConfig, tempDir } from '../api/test-config.js';

const actor = { actor: 'mcp' };

describe('GroupStaging submit', () => {
  let home: string;
  let work: string;
  let app: App;

  const staging = () =>
    new GroupStaging({
      store: async () => app.store,
      createOrchestration: (document) => app.orchestrations.create(document, actor),
      cancelOrchestration: (id) => app.orchestrations.cancel(id, actor),
      actor,
    });

  beforeEach(async () => {
    home = tempDir('cw-staging-home-');
    work = tempDir('cw-staging-work-');
    app = await App.open({ config: apiTestConfig(home), worker: false });
    const stager = staging();
    await stager.stage('g', { identifier: 'a', execution_prompt: 'A', working_directory: work });
    await stager.stage('g', {
      identifier: 'b',
      execution_prompt: 'B',
      working_directory: work,
      depends_on: ['a'],
    });
  });

  afterEach(async () => {
    await app.close();
    rmSync(home, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  async function outcome(submits: Promise<{ id: number }>[]) {
    const settled = await Promise.allSettled(submits);
    const won = settled.filter((s) => s.status === 'fulfilled');
    const lost = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
    const { orchestrations } = await app.orchestrations.list({ limit: 50 });
    return { won, lost, orchestrations };
  }

  it('in one process: the second submit waits for the first and is refused; one orchestration exists', async () => {
    const stager = staging();
    const { won, lost, orchestrations } = await outcome([stager.submit('g', {}), stager.submit('g', {})]);
    expect(won).toHaveLength(1);
    expect(orchestrations).toHaveLength(1);
    expect(lost[0]?.reason).toMatchObject({
      code: 'conflict',
      message: expect.stringContaining(`already submitted as orchestration ${orchestrations[0]!.id}`),
    });
  });

  it('across processes: exactly one orchestration is left to run', async () => {
    const { won, lost, orchestrations } = await outcome([
      staging().submit('g', {}),
      staging().submit('g', {}),
    ]);
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]?.reason).toMatchObject({ code: 'conflict' });
    const live = orchestrations.filter((o) => o.status !== 'cancelled');
    expect(live.map((o) => o.id)).toEqual([(won[0] as PromiseFulfilledResult<{ id: number }>).value.id]);
  });
});
