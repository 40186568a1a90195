import { describe, expect, it } from 'vitest';
import { decideAttemptEnding, type AttemptOutcome } from '../../../src/domain/rules/attempt-ending.js';
import { failureFor } from '../../../src/domain/rules/failures.js';

const at = new Date('2026-12-01T10:00:00.000Z');
const interrupted = failureFor('interrupted', 'The worker stopped.', 7);
const rateLimited = failureFor('rate_limit', '429', 7);
const crashed = failureFor('process_crashed', 'killed', 7);

const cases: Array<{
  name: string;
  outcome: AttemptOutcome;
  cancel?: boolean;
  interruptions?: number;
  expect: {
    status: string;
    attempt_status: string;
    event: string;
    counted: boolean;
    interruptions: number;
    run_after: Date | null;
    code?: string;
  };
}> = [
  {
    name: 'a success completes and clears the interruptions in a row',
    outcome: { kind: 'completed' },
    interruptions: 3,
    expect: {
      status: 'completed',
      attempt_status: 'succeeded',
      event: 'task_completed',
      counted: true,
      interruptions: 0,
      run_after: null,
    },
  },
  {
    name: 'a failure fails',
    outcome: { kind: 'failed', failure: crashed },
    expect: {
      status: 'failed',
      attempt_status: 'failed',
      event: 'task_failed',
      counted: true,
      interruptions: 0,
      run_after: null,
      code: 'process_crashed',
    },
  },
  {
    name: 'a cancel cancels',
    outcome: { kind: 'cancelled', failure: failureFor('cancelled', 'stop', 7) },
    expect: {
      status: 'cancelled',
      attempt_status: 'cancelled',
      event: 'task_cancelled',
      counted: true,
      interruptions: 0,
      run_after: null,
      code: 'cancelled',
    },
  },
  {
    name: 'a retryable failure requeues at run_after, counted',
    outcome: { kind: 'requeued', failure: crashed, run_after: at },
    interruptions: 2,
    expect: {
      status: 'queued',
      attempt_status: 'failed',
      event: 'task_requeued',
      counted: true,
      interruptions: 0,
      run_after: at,
      code: 'process_crashed',
    },
  },
  {
    name: 'a rate-limit wait requeues without counting, and clears the interruptions in a row',
    outcome: { kind: 'requeued', failure: rateLimited, run_after: at, not_counted: 'rate_limit' },
    interruptions: 2,
    expect: {
      status: 'queued',
      attempt_status: 'failed',
      event: 'task_requeued',
      counted: false,
      interruptions: 0,
      run_after: at,
      code: 'rate_limit',
    },
  },
  {
    name: 'a shutdown requeues without counting and leaves the interruptions in a row as they were',
    outcome: { kind: 'requeued', failure: interrupted, run_after: at, not_counted: 'worker_stopped' },
    interruptions: 2,
    expect: {
      status: 'queued',
      attempt_status: 'interrupted',
      event: 'task_requeued',
      counted: false,
      interruptions: 2,
      run_after: at,
      code: 'interrupted',
    },
  },
  {
    name: 'a requeue of a task someone asked to cancel cancels it',
    outcome: { kind: 'requeued', failure: crashed, run_after: at },
    cancel: true,
    expect: {
      status: 'cancelled',
      attempt_status: 'failed',
      event: 'task_cancelled',
      counted: true,
      interruptions: 0,
      run_after: null,
      code: 'cancelled',
    },
  },
];

describe('decideAttemptEnding', () => {
  it.each(cases)('$name', (c) => {
    const ending = decideAttemptEnding(
      { id: 7, cancel_requested: c.cancel ?? false, interruptions: c.interruptions ?? 0 },
      { attempt: 2, outcome: c.outcome, duration_ms: 1200, num_turns: 3, cost_usd: 0.01 },
    );
    expect(ending.status).toBe(c.expect.status);
    expect(ending.attempt_status).toBe(c.expect.attempt_status);
    expect(ending.event.type).toBe(c.expect.event);
    expect(ending.event.data.attempt).toBe(2);
    expect(ending.counted).toBe(c.expect.counted);
    expect(ending.interruptions).toBe(c.expect.interruptions);
    expect(ending.run_after).toEqual(c.expect.run_after);
    expect(ending.error?.code).toBe(c.expect.code);
    if (!c.expect.counted && c.expect.status === 'queued') {
      expect(ending.event.data).toMatchObject({ attempt_not_counted: true });
    }
  });

  it('names the cancelled attempt and the failure it was ending with', () => {
    const ending = decideAttemptEnding(
      { id: 7, cancel_requested: true, interruptions: 0 },
      {
        attempt: 4,
        outcome: { kind: 'requeued', failure: crashed, run_after: at },
        duration_ms: 1,
        num_turns: null,
        cost_usd: null,
      },
    );
    expect(ending.error?.message).toBe('Cancelled on request while attempt 4 was ending (killed).');
    expect(ending.error?.suggestion).not.toContain('<id>');
  });
});
