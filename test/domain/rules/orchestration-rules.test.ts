import { describe, expect, it } from 'vitest';
import { decideCancel } from '../../../src/domain/rules/cancel.js';
import { counterChange, countsOf } from '../../../src/domain/rules/dependency-counters.js';
import { dollars, emptyCounts, orchestrationStatus } from '../../../src/domain/rules/orchestration-status.js';
import { budgetDecision, checkCanAddTasks, dependencySkip } from '../../../src/domain/rules/skips.js';
import type { TaskStatus } from '../../../src/domain/vocabulary.js';

function counts(partial: Partial<Record<TaskStatus, number>>): Record<TaskStatus, number> {
  return { ...emptyCounts(), ...partial };
}
const open = { cancel_requested: false, budget_exhausted: false };

describe('orchestrationStatus', () => {
  it.each([
    { name: 'no tasks', c: counts({}), f: open, s: 'pending' },
    { name: 'nothing started', c: counts({ queued: 2, waiting: 1 }), f: open, s: 'pending' },
    { name: 'one running', c: counts({ queued: 2, running: 1 }), f: open, s: 'running' },
    { name: 'one finished, others queued', c: counts({ queued: 2, completed: 1 }), f: open, s: 'running' },
    {
      name: 'all completed, some skipped by rule',
      c: counts({ completed: 2, skipped: 1 }),
      f: open,
      s: 'completed',
    },
    { name: 'one failed', c: counts({ completed: 2, failed: 1 }), f: open, s: 'failed' },
    { name: 'one cancelled', c: counts({ completed: 2, cancelled: 1 }), f: open, s: 'failed' },
    {
      name: 'budget ran out',
      c: counts({ completed: 2, skipped: 1 }),
      f: { ...open, budget_exhausted: true },
      s: 'failed',
    },
    {
      name: 'cancelled on request',
      c: counts({ cancelled: 3 }),
      f: { ...open, cancel_requested: true },
      s: 'cancelled',
    },
  ])('$name → $s', ({ c, f, s }) => {
    expect(orchestrationStatus(c, f)).toBe(s);
  });

  it.each([
    [5, '$5.00'],
    [5.024, '$5.02'],
    [0.12345, '$0.1235'],
    [0, '$0'],
  ])('dollars(%s) = %s', (value, text) => expect(dollars(value)).toBe(text));
});

describe('decideCancel', () => {
  const task = { id: 3, attempt_count: 1, worker_id: 'w1', cancel_requested: false };
  it.each([
    { status: 'waiting', kind: 'cancel' },
    { status: 'queued', kind: 'cancel' },
    { status: 'running', kind: 'request' },
  ] as const)('a $status task: $kind', ({ status, kind }) => {
    expect(decideCancel({ ...task, status }, 'cli').kind).toBe(kind);
  });
  it('asking twice for a running task changes nothing', () => {
    expect(decideCancel({ ...task, status: 'running', cancel_requested: true }, 'cli')).toEqual({
      kind: 'unchanged',
    });
  });
  it.each([
    { status: 'completed', words: 'claude-worker status 3' },
    { status: 'failed', words: 'claude-worker retry 3' },
  ] as const)('a $status task is a conflict pointing at what to do', ({ status, words }) => {
    expect(() => decideCancel({ ...task, status }, 'cli')).toThrow(words);
  });
});

describe('skips and budgets', () => {
  const deps = [
    { id: 1, identifier: 'build', status: 'failed' as const },
    { id: 2, identifier: 'lint', status: 'completed' as const },
  ];
  it('a dependency skip names the dependency and how to re-arm the task', () => {
    const skip = dependencySkip({ id: 4, trigger_rule: 'all_success' }, deps);
    expect(skip.reason).toBe('dependency "build" failed');
    expect(skip.failure.code).toBe('dependency_failed');
    expect(skip.failure.suggestion).toContain('claude-worker retry 1');
    expect(skip.event).toMatchObject({ type: 'task_skipped', data: { reason: skip.reason } });
  });

  it.each([
    {
      name: 'no budget',
      state: { cost_usd: 9, budget_usd: null, budget_exhausted: false },
      exhausted: false,
      event: false,
    },
    {
      name: 'under budget',
      state: { cost_usd: 4.99, budget_usd: 5, budget_exhausted: false },
      exhausted: false,
      event: false,
    },
    {
      name: 'reached first time',
      state: { cost_usd: 5.02, budget_usd: 5, budget_exhausted: false },
      exhausted: true,
      event: true,
    },
    {
      name: 'reached again',
      state: { cost_usd: 5.5, budget_usd: 5, budget_exhausted: true },
      exhausted: true,
      event: false,
    },
  ])('budget: $name', ({ state, exhausted, event }) => {
    const decision = budgetDecision(8, state);
    expect(decision.exhausted).toBe(exhausted);
    if (decision.exhausted) {
      expect(decision.event !== null).toBe(event);
      const skip = decision.skip(12);
      expect(skip.reason).toMatch(/^budget exhausted: \$5\.\d\d of \$5\.00$/);
      expect(skip.failure).toMatchObject({ code: 'budget' });
      expect(skip.failure.suggestion).toContain('Orchestration 8');
    }
  });

  it('refuses to add tasks to a cancelled or spent orchestration', () => {
    const o = { id: 8, cancel_requested: false, budget_exhausted: false, cost_usd: 1, budget_usd: 2 };
    expect(() => checkCanAddTasks(o)).not.toThrow();
    expect(() => checkCanAddTasks({ ...o, cancel_requested: true })).toThrow('was cancelled');
    expect(() => checkCanAddTasks({ ...o, budget_exhausted: true })).toThrow(
      'spent its budget ($1.00 of $2.00)',
    );
  });
});

describe('dependency counters', () => {
  it.each([
    { status: 'completed', reopened: false, expected: { pending: -1, succeeded: 1, failed: 0 } },
    { status: 'failed', reopened: false, expected: { pending: -1, succeeded: 0, failed: 1 } },
    { status: 'failed', reopened: true, expected: { pending: 1, succeeded: 0, failed: -1 } },
  ] as const)('$status (reopened: $reopened)', ({ status, reopened, expected }) => {
    expect(counterChange(7, status, reopened)).toMatchObject({ id: 7, ...expected });
  });
  it('reads counters as trigger-rule counts', () => {
    expect(
      countsOf({
        pending_dependencies: 1,
        deps_succeeded: 2,
        deps_failed: 1,
        deps_skipped: 0,
        deps_cancelled: 0,
      }),
    ).toEqual({ succeeded: 2, failed: 1, skipped: 0, cancelled: 0, finished: 3, total: 4 });
  });
});

describe('takeWithinCapacity', () => {
  it('takes plain tasks freely and an orchestration’s tasks up to its free slots', async () => {
    const { capacityState, takeWithinCapacity } = await import('../../../src/domain/rules/capacity.js');
    const state = capacityState([
      { id: 1, free: 1 },
      { id: 2, free: 0 },
    ]);
    const rows = [
      { id: 10, orchestration_id: 1 },
      { id: 11, orchestration_id: 1 },
      { id: 12, orchestration_id: null },
      { id: 13, orchestration_id: 2 },
    ];
    // Four asked, four returned, two passed over: the store must ask again excluding the full ones.
    expect(takeWithinCapacity(state, rows, 4)).toBe(false);
    expect(state.chosen).toEqual([10, 12]);
    expect(state.full.sort()).toEqual([1, 2]);
    // The next query found one more plain task and nothing else: done.
    expect(takeWithinCapacity(state, [{ id: 14, orchestration_id: null }], 4)).toBe(true);
    expect(state.chosen).toEqual([10, 12, 14]);
  });
});

describe('graphProblems', () => {
  it('names identifiers used twice, unknown dependencies and self-dependencies, with their place', async () => {
    const { graphProblems } = await import('../../../src/domain/rules/graph-check.js');
    const problems = graphProblems(
      [
        { identifier: 'a', depends_on: [] },
        { identifier: 'a', depends_on: ['old'] },
        { identifier: 'b', depends_on: ['b', 'nope'] },
      ],
      new Map([['old', { id: 1 }]]),
    );
    expect(problems).toEqual([
      { path: 'tasks[1].identifier', message: '"a" is used twice' },
      { path: 'tasks[2].depends_on[0]', message: '"b" depends on itself' },
      { path: 'tasks[2].depends_on[1]', message: 'unknown identifier "nope"' },
    ]);
  });
});
