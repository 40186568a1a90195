import { describe, expect, it } from 'vitest';
import { planRetry, type RetryContext, type RetryTask } from '../../../src/domain/rules/retry.js';
import { countDependencies } from '../../../src/domain/trigger-rules.js';
import type { TaskStatus } from '../../../src/domain/vocabulary.js';

function task(overrides: Partial<RetryTask> = {}): RetryTask {
  return {
    id: 9,
    identifier: 'deploy',
    status: 'failed',
    attempt_count: 3,
    uncounted_attempts: 0,
    max_attempts: 3,
    pending_dependencies: 0,
    error: null,
    model: 'sonnet',
    permission_mode: 'bypassPermissions',
    timeout_seconds: null,
    ...overrides,
  };
}

function inOrchestration(
  deps: Array<[string, TaskStatus, string | null]>,
  overrides: Partial<RetryContext> = {},
): RetryContext {
  const dependencies = deps.map(([identifier, status, result], i) => ({
    id: i + 1,
    identifier,
    status,
    result,
  }));
  return {
    orchestration: { id: 4, cancel_requested: false, budget_exhausted: false, cost_usd: 1, budget_usd: null },
    trigger_rule: 'all_success',
    counts: countDependencies(dependencies.map((d) => d.status)),
    prompt_template: null,
    dependencies,
    ...overrides,
  };
}

describe('planRetry', () => {
  it.each([
    { name: 'all counted attempts used: one more', t: task(), max: 4 },
    {
      name: 'uncounted attempts are not counted',
      t: task({ attempt_count: 5, uncounted_attempts: 4 }),
      max: 3,
    },
    { name: 'attempts left: max unchanged', t: task({ attempt_count: 1 }), max: 3 },
  ])('$name', ({ t, max }) => {
    const plan = planRetry(t, null);
    expect(plan).toMatchObject({ to: 'queued', prompt: null, max_attempts: max });
    expect(plan.event).toMatchObject({ type: 'task_retried', data: { max_attempts: max } });
  });

  it.each([
    { status: 'waiting', words: 'has not run yet' },
    { status: 'queued', words: 'has not run yet' },
    { status: 'running', words: 'claude-worker cancel 9' },
    { status: 'completed', words: 'submit it as a new task' },
  ] as const)('refuses a $status task, saying what to do', ({ status, words }) => {
    expect(() => planRetry(task({ status }), null)).toThrow(words);
  });

  it('applies the overrides of a retry and records only what changed', () => {
    const plan = planRetry(task(), null, {
      model: 'opus',
      permission_mode: 'bypassPermissions',
      timeout_seconds: 60,
    });
    expect(plan.settings).toEqual({
      model: 'opus',
      permission_mode: 'bypassPermissions',
      timeout_seconds: 60,
    });
    expect(plan.event.data['changes']).toEqual({
      model: { from: 'sonnet', to: 'opus' },
      timeout_seconds: { from: null, to: 60 },
    });
  });

  it('waits for unfinished dependencies, with its template back', () => {
    const plan = planRetry(
      task({ status: 'skipped' }),
      inOrchestration([['build', 'running', null]], { prompt_template: 'use {{ tasks.build.result }}' }),
    );
    expect(plan).toMatchObject({ to: 'waiting', prompt: 'use {{ tasks.build.result }}' });
  });

  it('runs again with its prompt rendered from the dependencies', () => {
    const plan = planRetry(
      task(),
      inOrchestration([['build', 'completed', 'ok']], { prompt_template: 'use {{ tasks.build.result }}' }),
    );
    expect(plan).toMatchObject({ to: 'queued', prompt: 'use ok' });
  });

  it('refuses a task its trigger rule would skip again, naming the dependency to retry', () => {
    expect(() =>
      planRetry(task({ status: 'skipped' }), inOrchestration([['build', 'failed', null]])),
    ).toThrow(
      'Task 9 ("deploy") would be skipped again: dependency "build" failed. Retry task 1 ("build") first',
    );
  });

  it.each([
    { name: 'cancelled', o: { cancel_requested: true }, words: 'which was cancelled' },
    {
      name: 'out of budget',
      o: { budget_exhausted: true, cost_usd: 5.02, budget_usd: 5 },
      words: '($5.02 of $5.00)',
    },
  ])('refuses a task of an orchestration that was $name', ({ o, words }) => {
    const context = inOrchestration([]);
    context.orchestration = { ...context.orchestration, ...o };
    expect(() => planRetry(task(), context)).toThrow(words);
  });
});
