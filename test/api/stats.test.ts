/**
 * Error metrics through REST: after tasks succeed and fail, `GET /api/v1/stats` counts attempts by failure class
 * (with what to do about each) and by model, and `/health/detailed` shows each model's gate.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, waitForStatus, type TestServer } from './test-server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ breaker_threshold: 1, breaker_cool_seconds: 600 });
});
afterAll(async () => {
  await t.close();
});

describe('GET /api/v1/stats', () => {
  it('counts attempts by class and model, with the suggestion, and shows the open breaker', async () => {
    const ok = await t.client.createTask({ execution_prompt: 'fine', working_directory: t.workdir });
    const auth = await t.client.createTask({
      execution_prompt: '[fake:auth_failed] x',
      working_directory: t.workdir,
    });
    const busy = await t.client.createTask({
      execution_prompt: '[fake:overloaded] x',
      working_directory: t.workdir,
      model: 'haiku',
      max_attempts: 1,
    });
    await waitForStatus(t.client, ok.id, ['completed']);
    await waitForStatus(t.client, auth.id, ['failed']);
    await waitForStatus(t.client, busy.id, ['failed']);

    const stats = await t.client.stats(1);
    expect(stats.attempts).toBe(3);
    expect(stats.succeeded).toBe(1);
    const byCode = Object.fromEntries(stats.by_code.map((c) => [c.code, c]));
    expect(byCode['auth']?.count).toBe(1);
    expect(byCode['auth']?.suggestion).toMatch(/login/i);
    expect(byCode['overloaded']?.retryable).toBe(true);
    expect(stats.by_model.find((m) => m.model === 'haiku')).toEqual({
      model: 'haiku',
      attempts: 1,
      failed: 1,
    });

    const health = await t.client.healthDetailed();
    const haiku = health.models.find((g) => g.model === 'haiku');
    expect(haiku?.breaker_state).toBe('open');
    expect(haiku?.last_failure).toMatch(/overloaded/);
  });
});
