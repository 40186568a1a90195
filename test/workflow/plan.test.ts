import { describe, expect, it } from 'vitest';
import type { NormalizedTask } from '../../src/workflow/normalize.js';
import { buildPlan, formatPlan } from '../../src/workflow/plan.js';
import type { TriggerRule } from '../../src/domain/vocabulary.js';

const node = (
  identifier: string,
  depends_on: string[] = [],
  extra: {
    delay?: number;
    rule?: TriggerRule;
    refs?: string[];
    model?: string;
    dir?: string;
    runs_on?: string[];
  } = {},
): NormalizedTask => ({
  index: 0,
  identifier,
  task: {
    execution_prompt: `do ${identifier}`,
    working_directory: extra.dir ?? '/work/project',
    ...(extra.model ? { model: extra.model } : {}),
    ...(extra.runs_on ? { runs_on: extra.runs_on } : {}),
  },
  depends_on,
  trigger_rule: extra.rule ?? 'all_success',
  initial_delay_seconds: extra.delay ?? 0,
  result_references: extra.refs ?? [],
});

const plan = (
  tasks: NormalizedTask[],
  extra: Partial<{ name: string; max_parallel: number; budget_usd: number }> = {},
) =>
  buildPlan({
    name: extra.name ?? null,
    max_parallel: extra.max_parallel ?? null,
    budget_usd: extra.budget_usd ?? null,
    tasks,
  });

describe('buildPlan', () => {
  it('puts a diamond in three levels, the two branches in parallel', () => {
    const p = plan([
      node('merge', ['left', 'right']),
      node('left', ['root']),
      node('right', ['root']),
      node('root'),
    ]);
    expect(p.levels).toEqual([['root'], ['left', 'right'], ['merge']]);
    expect(p.tasks.map((t) => [t.identifier, t.level])).toEqual([
      ['root', 0],
      ['left', 1],
      ['right', 1],
      ['merge', 2],
    ]);
    expect(p.critical_path).toEqual(['root', 'left', 'merge']);
  });

  it('adds up delays along the most delayed chain and follows it on the critical path', () => {
    const p = plan([
      node('a'),
      node('b', ['a'], { delay: 10 }),
      node('c', ['a'], { delay: 60 }),
      node('d', ['b', 'c'], { delay: 5 }),
    ]);
    expect(p.tasks.map((t) => [t.identifier, t.earliest_start_seconds])).toEqual([
      ['a', 0],
      ['b', 10],
      ['c', 60],
      ['d', 65],
    ]);
    expect(p.total_delay_seconds).toBe(65);
    expect(p.critical_path).toEqual(['a', 'c', 'd']);
  });

  it('refuses a cycle (validation should have caught it)', () => {
    expect(() => plan([node('a', ['b']), node('b', ['a'])])).toThrow(/cycle/);
  });
});

describe('formatPlan', () => {
  it('prints levels, parallelism, delays, non-default trigger rules, limits and the critical path', () => {
    const text = formatPlan(
      plan(
        [
          node('build'),
          node('lint', [], { model: 'haiku' }),
          node('docs', [], { runs_on: ['docs-box', 'big'] }),
          node('test', ['build'], { refs: ['build'], delay: 90 }),
          node('report', ['test', 'lint', 'docs'], { rule: 'all_done' }),
        ],
        { name: 'release', max_parallel: 2, budget_usd: 5 },
      ),
    );
    expect(text).toBe(
      [
        'Plan for "release": 5 tasks in 3 levels',
        '  max_parallel 2: at most 2 tasks of it run at once',
        '  budget $5.00: once its recorded cost reaches this, nothing new starts and the rest is skipped',
        '  working directory: /work/project',
        '',
        'Level 1 · 3 tasks, ready together; at most 2 run at once (max_parallel)',
        '  build',
        '  lint    model haiku',
        '  docs    on a worker labelled docs-box + big',
        '',
        'Level 2 · 1 task',
        '  test    after build · starts 1 min 30 s after it is ready · uses the result of build',
        '',
        'Level 3 · 1 task',
        '  report  after test, lint, docs · trigger all_done (runs when every dependency finished, whatever the outcome)',
        '',
        'Critical path: build → test → report (3 tasks one after another)',
        'Delays alone keep it running at least 1 min 30 s after submission (plus run times).',
      ].join('\n'),
    );
  });

  it('says when tasks run in different folders and shortens long levels', () => {
    const tasks = Array.from({ length: 8 }, (_, i) => node(`t${i}`, [], { dir: `/d/${i % 2}` }));
    const text = formatPlan(plan(tasks), { maxPerLevel: 3 });
    expect(text).toContain(
      'Level 1 · 8 tasks, in parallel\n  t0  in /d/0\n  t1  in /d/1\n  t2  in /d/0\n  … and 5 more',
    );
    expect(text).toContain('Critical path: 1 task (no task waits for another)');
    expect(text).not.toContain('working directory:');
  });
});
