import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cycleThrough, dependencyLoops } from '../../src/workflow/graph.js';
import { validateWorkflow } from '../../src/workflow/validate.js';
import { problems, realDirectoryCheck, tempDir } from './helpers.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

const task = (identifier: string, depends_on: string[] = []) => ({
  identifier,
  execution_prompt: `do ${identifier}`,
  working_directory: dir,
  depends_on,
});

describe('dependency loops', () => {
  it('finds each loop once and prints a shortest cycle through its first task', () => {
    // 0 → 1 → 2 → 0 and 1 → 3 → 1 form one loop {0,1,2,3}; 4 ⇄ 5 another; 6 → 0 is outside any loop.
    const edges = [[1], [2, 3], [0], [1], [5], [4], [0]];
    const loops = dependencyLoops(edges);
    expect(loops).toEqual([
      [0, 1, 2, 3],
      [4, 5],
    ]);
    expect(cycleThrough(loops[0] as number[], edges)).toEqual([0, 1, 2, 0]);
    expect(cycleThrough(loops[1] as number[], edges)).toEqual([4, 5, 4]);
  });

  it('finds none in a DAG', () => {
    expect(dependencyLoops([[], [0], [0], [1, 2]])).toEqual([]);
  });

  it('reports two separate cycles as two problems, and names tasks caught in a loop off the printed cycle', async () => {
    const doc = {
      tasks: [
        task('a', ['b']),
        task('b', ['c', 'd']),
        task('c', ['a']),
        task('d', ['b']),
        task('x', ['y']),
        task('y', ['x']),
        task('ok', ['a']),
      ],
    };
    expect(
      await problems(() => validateWorkflow(doc, { directoryProblem: realDirectoryCheck().check })),
    ).toEqual([
      'tasks[0].depends_on[0]: dependency cycle: a → b → c → a (each waits for the next, so none can start); remove one of these dependencies; "d" is caught in the same loop',
      'tasks[4].depends_on[0]: dependency cycle: x → y → x (each waits for the next, so none can start); remove one of these dependencies',
    ]);
  });

  it('handles a 10,000-task chain closed into a cycle without overflowing the stack', async () => {
    const n = 10_000;
    const tasks = Array.from({ length: n }, (_, i) => task(`t${i}`, [`t${(i + 1) % n}`]));
    const found = await problems(() =>
      validateWorkflow({ tasks }, { directoryProblem: realDirectoryCheck().check }),
    );
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(
      /^tasks\[0\]\.depends_on\[0\]: dependency cycle: t0 → t1 → .* → t9999 → t0 \(10000 tasks\)/,
    );
  });
});

describe('a 10,000-task layered DAG', () => {
  it('validates and plans: 100 levels of 100, each task depending on two of the level before', async () => {
    const width = 100;
    const depth = 100;
    const tasks = [];
    for (let level = 0; level < depth; level++) {
      for (let i = 0; i < width; i++) {
        const deps = level === 0 ? [] : [`l${level - 1}_${i}`, `l${level - 1}_${(i + 1) % width}`];
        tasks.push(task(`l${level}_${i}`, deps));
      }
    }
    const { check, calls } = realDirectoryCheck();
    const plan = await validateWorkflow({ tasks }, { directoryProblem: check });
    expect(calls).toEqual([dir]);
    expect(plan.tasks).toHaveLength(10_000);
    expect(plan.levels).toHaveLength(depth);
    expect(plan.levels.every((l) => l.length === width)).toBe(true);
    expect(plan.critical_path).toHaveLength(depth);
    const position = new Map(plan.tasks.map((t, i) => [t.identifier, i]));
    const outOfOrder = plan.tasks.filter((t, i) =>
      t.depends_on.some((dep) => (position.get(dep) as number) >= i),
    );
    expect(outOfOrder).toEqual([]);
  });

  it('validates a 10,000-deep chain', async () => {
    const tasks = Array.from({ length: 10_000 }, (_, i) => task(`t${i}`, i === 0 ? [] : [`t${i - 1}`]));
    const plan = await validateWorkflow({ tasks }, { directoryProblem: realDirectoryCheck().check });
    expect(plan.levels).toHaveLength(10_000);
    expect(plan.critical_path[0]).toBe('t0');
    expect(plan.critical_path[9_999]).toBe('t9999');
  });
});
