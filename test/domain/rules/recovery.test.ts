import { describe, expect, it } from 'vitest';
import { decideRecovery, DEFAULT_MAX_INTERRUPTIONS } from '../../../src/domain/rules/recovery.js';

const gone = { kind: 'worker_gone', worker_id: 'host:42' } as const;
const expired = { kind: 'lease_expired', lease_expires_at: '2026-12-01T10:00:00.000Z' } as const;

describe('decideRecovery', () => {
  it.each([
    {
      name: 'first interruption: requeued',
      interruptions: 0,
      cancel: false,
      max: 10,
      status: 'queued',
      code: 'interrupted',
      events: ['task_recovered'],
    },
    {
      name: 'ninth in a row under 10: requeued',
      interruptions: 8,
      cancel: false,
      max: 10,
      status: 'queued',
      code: 'interrupted',
      events: ['task_recovered'],
    },
    {
      name: 'tenth in a row: worker_lost',
      interruptions: 9,
      cancel: false,
      max: 10,
      status: 'failed',
      code: 'worker_lost',
      events: ['task_recovered', 'task_failed'],
    },
    {
      name: 'limit of one: the first interruption fails it',
      interruptions: 0,
      cancel: false,
      max: 1,
      status: 'failed',
      code: 'worker_lost',
      events: ['task_recovered', 'task_failed'],
    },
    {
      name: 'a cancel request wins',
      interruptions: 9,
      cancel: true,
      max: 10,
      status: 'cancelled',
      code: 'cancelled',
      events: ['task_recovered', 'task_cancelled'],
    },
  ])('$name', (c) => {
    const decision = decideRecovery(
      {
        id: 5,
        attempt_count: 3,
        worker_id: 'host:42',
        cancel_requested: c.cancel,
        interruptions: c.interruptions,
      },
      gone,
      c.max,
    );
    expect(decision.status).toBe(c.status);
    expect(decision.error.code).toBe(c.code);
    expect(decision.attempt_error.code).toBe('interrupted');
    expect(decision.counted).toBe(false);
    expect(decision.interruptions).toBe(c.interruptions + 1);
    expect(decision.events.map((e) => e.type)).toEqual(c.events);
    expect(decision.events[0]!.data).toMatchObject({
      attempt: 3,
      reason: 'worker_gone',
      attempt_not_counted: true,
    });
  });

  it('says why the worker is considered gone, and that the attempt does not count', () => {
    const byWorker = decideRecovery(
      { id: 5, attempt_count: 2, worker_id: 'h:1', cancel_requested: false, interruptions: 0 },
      gone,
    );
    expect(byWorker.error.message).toBe(
      'The worker running attempt 2 stopped: its worker host:42 is no longer running. The attempt does not count against max_attempts.',
    );
    const byLease = decideRecovery(
      { id: 5, attempt_count: 2, worker_id: 'h:1', cancel_requested: false, interruptions: 0 },
      expired,
    );
    expect(byLease.error.message).toContain('its lease expired at 2026-12-01T10:00:00.000Z without renewal');
  });

  it('names the count, the likely cause and what to do for a poison task', () => {
    const decision = decideRecovery(
      {
        id: 5,
        attempt_count: 10,
        worker_id: 'h:1',
        cancel_requested: false,
        interruptions: DEFAULT_MAX_INTERRUPTIONS - 1,
      },
      gone,
    );
    expect(decision.error.message).toContain('Interrupted by a dying worker 10 times in a row');
    expect(decision.error.message).toContain('the task may be crashing the worker');
    expect(decision.error.suggestion).toContain('claude-worker retry 5');
    expect(decision.error.suggestion).toContain('max_interruptions');
    expect(decision.error.retryable).toBe(false);
  });
});
