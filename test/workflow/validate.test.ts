import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateWorkflow } from '../../src/workflow/validate.js';
import { problems, realDirectoryCheck, tempDir } from './helpers.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

const check = () => realDirectoryCheck().check;
const task = (identifier: string, extra: Record<string, unknown> = {}) => ({
  identifier,
  execution_prompt: `do ${identifier}`,
  working_directory: dir,
  ...extra,
});
const validate = (doc: unknown) => validateWorkflow(doc, { directoryProblem: check() });

describe('validateWorkflow accepts', () => {
  it('the original claude-worker format unchanged', async () => {
    const doc = {
      tasks: [
        { identifier: 'build', execution_prompt: 'Build it', working_directory: dir },
        {
          identifier: 'test',
          execution_prompt: 'Test it',
          working_directory: dir,
          system_prompt: 'Be brief.',
          model: 'opus',
          depends_on: ['build'],
          initial_delay: 30,
        },
      ],
    };
    const plan = await validate(doc);
    expect(plan.tasks.map((t) => t.identifier)).toEqual(['build', 'test']);
    const test = plan.tasks[1];
    expect(test).toMatchObject({
      identifier: 'test',
      depends_on: ['build'],
      initial_delay_seconds: 30,
      trigger_rule: 'all_success',
      level: 1,
      task: {
        execution_prompt: 'Test it',
        working_directory: dir,
        system_prompt: 'Be brief.',
        model: 'opus',
      },
    });
    expect(plan.name).toBeNull();
    expect(plan.max_parallel).toBeNull();
    expect(plan.budget_usd).toBeNull();
  });

  it('applies defaults: a task value wins, env is merged, tags are joined, timeout becomes timeout_seconds', async () => {
    const plan = await validate({
      name: 'release',
      max_parallel: 2,
      budget_usd: 1.5,
      defaults: {
        working_directory: dir,
        model: 'haiku',
        timeout: 600,
        env: { A: '1', B: '2' },
        tags: ['release'],
        trigger_rule: 'all_done',
        initial_delay: 5,
        system_prompt: 'default system prompt',
      },
      tasks: [
        { identifier: 'a', execution_prompt: 'first' },
        {
          identifier: 'b',
          execution_prompt: 'second',
          model: 'opus',
          env: { B: 'task' },
          tags: ['frontend', 'release'],
          timeout_seconds: 60,
          trigger_rule: 'one_success',
          initial_delay: 0,
          system_prompt: null,
          depends_on: ['a'],
        },
      ],
    });
    expect(plan).toMatchObject({ name: 'release', max_parallel: 2, budget_usd: 1.5 });
    const [a, b] = plan.tasks;
    expect(a?.task).toEqual({
      execution_prompt: 'first',
      working_directory: dir,
      model: 'haiku',
      timeout_seconds: 600,
      env: { A: '1', B: '2' },
      tags: ['release'],
      system_prompt: 'default system prompt',
    });
    expect(a?.trigger_rule).toBe('all_done');
    expect(a?.initial_delay_seconds).toBe(5);
    expect(b?.task).toEqual({
      execution_prompt: 'second',
      working_directory: dir,
      model: 'opus',
      timeout_seconds: 60,
      env: { A: '1', B: 'task' },
      tags: ['release', 'frontend'],
      system_prompt: null,
    });
    expect(b?.trigger_rule).toBe('one_success');
    expect(b?.initial_delay_seconds).toBe(0);
  });

  it('a prompt from defaults, so the same prompt runs in several folders', async () => {
    mkdirSync(join(dir, 'one'));
    mkdirSync(join(dir, 'two'));
    const plan = await validateWorkflow(
      {
        defaults: { execution_prompt: 'audit this folder' },
        tasks: [
          { identifier: 'one', working_directory: 'one' },
          { identifier: 'two', working_directory: './two' },
        ],
      },
      { directoryProblem: check(), baseDir: dir },
    );
    expect(plan.tasks.map((t) => [t.task.execution_prompt, t.task.working_directory])).toEqual([
      ['audit this folder', join(dir, 'one')],
      ['audit this folder', join(dir, 'two')],
    ]);
  });

  it('resolves relative working directories against the file folder, and checks each distinct one once', async () => {
    mkdirSync(join(dir, 'sub'));
    const { check: directoryProblem, calls } = realDirectoryCheck();
    const plan = await validateWorkflow(
      {
        defaults: { working_directory: '.' },
        tasks: [
          task('a', { working_directory: undefined }),
          task('b', { working_directory: 'sub' }),
          task('c', { working_directory: './sub/' }),
          { identifier: 'd', execution_prompt: 'x' },
        ],
      },
      { directoryProblem, baseDir: dir },
    );
    expect(plan.tasks.map((t) => t.task.working_directory)).toEqual([
      dir,
      join(dir, 'sub'),
      join(dir, 'sub'),
      dir,
    ]);
    expect(calls.sort()).toEqual([dir, join(dir, 'sub')].sort());
  });

  it('records the result references of each prompt', async () => {
    const plan = await validate({
      tasks: [
        task('build'),
        task('test', {
          depends_on: ['build'],
          execution_prompt: 'Build said: {{tasks.build.result}} and {{ tasks.build.result }}',
        }),
      ],
    });
    expect(plan.tasks[1]?.result_references).toEqual(['build']);
    expect(plan.tasks[0]?.result_references).toEqual([]);
  });
});

describe('validateWorkflow reports', () => {
  it('a duplicate identifier, naming the first use', async () => {
    const doc = { tasks: [task('lint'), task('build'), task('test'), task('docs'), task('build')] };
    expect(await problems(() => validate(doc))).toEqual([
      'tasks[4].identifier: "build" is used twice (also tasks[1]); give each task its own identifier',
    ]);
  });

  it('an unknown dependency with a suggestion', async () => {
    const doc = {
      tasks: [task('build'), task('lint'), task('docs'), task('test', { depends_on: ['buidl'] })],
    };
    expect(await problems(() => validate(doc))).toEqual([
      'tasks[3].depends_on[0]: unknown identifier "buidl"; did you mean "build"?',
    ]);
  });

  it('an unknown dependency with nothing close', async () => {
    const doc = { tasks: [task('build'), task('test', { depends_on: ['deploy-production'] })] };
    expect(await problems(() => validate(doc))).toEqual([
      'tasks[1].depends_on[0]: unknown identifier "deploy-production"; no task in this file has it (identifiers are case-sensitive)',
    ]);
  });

  it('a dependency that differs only in case, suggesting the right case', async () => {
    const doc = { tasks: [task('Build'), task('test', { depends_on: ['build'] })] };
    expect(await problems(() => validate(doc))).toEqual([
      'tasks[1].depends_on[0]: unknown identifier "build"; did you mean "Build"?',
    ]);
  });

  it('a self-dependency', async () => {
    expect(await problems(() => validate({ tasks: [task('test', { depends_on: ['test'] })] }))).toEqual([
      'tasks[0].depends_on[0]: "test" depends on itself; remove it from its own depends_on',
    ]);
  });

  it('no suggestion of the task itself for a misspelt dependency', async () => {
    const doc = { tasks: [task('build2', { depends_on: ['build'] })] };
    expect(await problems(() => validate(doc))).toEqual([
      'tasks[0].depends_on[0]: unknown identifier "build"; no task in this file has it (identifiers are case-sensitive)',
    ]);
  });

  it('fields at the wrong level, saying where they belong', async () => {
    const doc = {
      model: 'opus',
      defaults: { depends_on: ['a'], identifier: 'x' },
      tasks: [task('a', { identifier: 7 })],
    };
    expect(await problems(() => validate(doc))).toEqual([
      '"model" is a task field; put it under "defaults" to apply it to every task',
      'defaults: "depends_on" cannot be a default; set it on each task that waits',
      'defaults: "identifier" cannot be a default; give each task its own',
      'tasks[0].identifier: must be text; write it in quotes, such as "7"',
    ]);
  });

  it('a dependency listed twice', async () => {
    const doc = { tasks: [task('build'), task('test', { depends_on: ['build', 'build'] })] };
    expect(await problems(() => validate(doc))).toEqual([
      'tasks[1].depends_on[1]: "build" is listed twice (also depends_on[0]); remove one',
    ]);
  });

  it('a malformed identifier, with a corrected example', async () => {
    expect(await problems(() => validate({ tasks: [task('build step!')] }))).toEqual([
      'tasks[0].identifier: "build step!" is not a valid identifier: use 1–100 letters, digits, _ or - (for example "build_step")',
    ]);
  });

  it('a missing identifier, prompt and directory', async () => {
    expect(await problems(() => validate({ tasks: [{ model: 'opus' }] }))).toEqual([
      'tasks[0].identifier: missing; give every task a unique identifier such as "build"',
      'tasks[0].execution_prompt: missing; write what this task should do (or set defaults.execution_prompt for every task)',
      'tasks[0].working_directory: missing; set the folder this task works in (or defaults.working_directory for every task)',
    ]);
  });

  it('a misspelt field, with the field it probably meant', async () => {
    const doc = {
      tasks: [task('build'), task('test', { dependson: ['build'] }), task('docs', { prompt: 'x' })],
    };
    expect(await problems(() => validate(doc))).toEqual([
      'tasks[1]: unknown field "dependson"; did you mean "depends_on"?',
      'tasks[2]: unknown field "prompt"; did you mean "execution_prompt"?',
    ]);
  });

  it('bad field values with the task schema messages', async () => {
    const doc = {
      max_parallel: 0,
      budget_usd: -1,
      tasks: [
        task('a', { model: 'gpt-4', trigger_rule: 'sometimes', initial_delay: 3601, depends_on: 'b' }),
        task('b'),
      ],
    };
    expect(await problems(() => validate(doc))).toEqual([
      'max_parallel: must be at least 1',
      'budget_usd: must be more than 0',
      'tasks[0].model: unknown model "gpt-4". Use one of sonnet, opus, haiku, or a full model id such as claude-sonnet-5-5 (lowercase, starting with "claude-").',
      'tasks[0].trigger_rule: unknown trigger rule "sometimes" (one of "all_success", "all_done", "one_success", "one_failed", "all_failed", "none_failed")',
      'tasks[0].initial_delay: must be at most 3600 seconds (1 hour)',
      'tasks[0].depends_on: must be a list of task identifiers, such as ["build", "lint"]',
    ]);
  });

  it('a cycle, printed once from its first task', async () => {
    const doc = {
      tasks: [
        task('a', { depends_on: ['b'] }),
        task('b', { depends_on: ['c'] }),
        task('c', { depends_on: ['a'] }),
      ],
    };
    expect(await problems(() => validate(doc))).toEqual([
      'tasks[0].depends_on[0]: dependency cycle: a → b → c → a (each waits for the next, so none can start); remove one of these dependencies',
    ]);
  });

  it('a result reference to a task that is not a dependency, and an unknown one', async () => {
    const doc = {
      tasks: [
        task('build'),
        task('lint'),
        task('deploy', {
          depends_on: ['build'],
          execution_prompt:
            'Build: {{ tasks.build.result }} Lint: {{ tasks.lint.result }} Docs: {{ tasks.dosc.result }} {{ tasks.build.output }}',
        }),
      ],
    };
    expect(await problems(() => validate(doc))).toEqual([
      'tasks[2].execution_prompt: "{{ tasks.build.output }}" is not a template claude-worker knows; write {{ tasks.<identifier>.result }} to insert the result of a dependency',
      'tasks[2].execution_prompt: {{ tasks.lint.result }} uses the result of "lint", which is not a dependency of "deploy"; add "lint" to its depends_on',
      'tasks[2].execution_prompt: {{ tasks.dosc.result }}: unknown identifier "dosc"; no task in this file has it (identifiers are case-sensitive)',
    ]);
  });

  it('a reference to an indirect dependency (only direct ones are allowed)', async () => {
    const doc = {
      tasks: [
        task('a'),
        task('b', { depends_on: ['a'] }),
        task('c', { depends_on: ['b'], execution_prompt: '{{ tasks.a.result }}' }),
      ],
    };
    expect(await problems(() => validate(doc))).toEqual([
      'tasks[2].execution_prompt: {{ tasks.a.result }} uses the result of "a", which is not a dependency of "c"; add "a" to its depends_on',
    ]);
  });

  it('a reference in a default prompt once, naming the tasks it fails for', async () => {
    const doc = {
      defaults: { execution_prompt: 'Use {{ tasks.base.result }}' },
      tasks: [
        task('base', { execution_prompt: 'the base' }),
        task('x', { execution_prompt: undefined, depends_on: ['base'] }),
        task('y', { execution_prompt: undefined }),
        task('z', { execution_prompt: undefined }),
      ],
    };
    expect(await problems(() => validate(doc))).toEqual([
      'defaults.execution_prompt: {{ tasks.base.result }} uses the result of "base", which is not a dependency of tasks "y" and "z"; add "base" to their depends_on, or move the reference into the prompts of the tasks that depend on it',
    ]);
  });

  it('a missing directory once, with every task that uses it', async () => {
    const missing = join(dir, 'nope');
    const { check: directoryProblem, calls } = realDirectoryCheck();
    const doc = {
      defaults: { working_directory: missing },
      tasks: [task('a', { working_directory: undefined }), task('b', { working_directory: undefined })],
    };
    expect(await problems(() => validateWorkflow(doc, { directoryProblem }))).toEqual([
      `defaults.working_directory: "${missing}" does not exist. Create it, or pass an existing directory. (used by 2 tasks: "a" and "b")`,
    ]);
    expect(calls).toEqual([missing]);
  });

  it('a timeout given twice, and a home-relative directory', async () => {
    const doc = {
      tasks: [task('a', { timeout: 60, timeout_seconds: 60 }), task('b', { working_directory: '~/project' })],
    };
    expect(await problems(() => validateWorkflow(doc, { directoryProblem: check(), baseDir: dir }))).toEqual([
      'tasks[0].timeout: set timeout or timeout_seconds (the same thing), not both',
      'tasks[1].working_directory: "~/project": ~ is not expanded; write the full path, or a path relative to the workflow file',
    ]);
  });

  it('a relative directory without a file to resolve it against', async () => {
    expect(await problems(() => validate({ tasks: [task('a', { working_directory: './src' })] }))).toEqual([
      'tasks[0].working_directory: must be an absolute path, got "./src"; relative paths are only accepted in workflow files, where they are resolved against the file\'s folder',
    ]);
  });

  it('a relative directory that does not exist, showing what it resolved to', async () => {
    const doc = { tasks: [task('a', { working_directory: 'gone' })] };
    expect(await problems(() => validateWorkflow(doc, { directoryProblem: check(), baseDir: dir }))).toEqual([
      `tasks[0].working_directory: "gone" resolves to "${join(dir, 'gone')}": "${join(dir, 'gone')}" does not exist. Create it, or pass an existing directory.`,
    ]);
  });

  it('a document that is not an object or has no tasks', async () => {
    expect(await problems(() => validate([]))).toEqual([
      'must be an object with a "tasks" list, such as {"tasks": [{"identifier": "build", "execution_prompt": "…", "working_directory": "/path"}]}',
    ]);
    expect(await problems(() => validate({ name: 'x' }))).toEqual([
      'tasks: missing; an orchestration is a list of tasks under "tasks"',
    ]);
    expect(await problems(() => validate({ tasks: [] }))).toEqual(['tasks: must list at least one task']);
    expect(await problems(() => validate({ tasks: [task('a'), 'b'] }))).toEqual([
      'tasks[1]: must be an object with identifier, execution_prompt and working_directory',
    ]);
  });

  it('every problem at once, in file order', async () => {
    const missing = join(dir, 'missing');
    const doc = {
      name: 'release',
      max_parallel: 0,
      tasks: [
        task('build'),
        task('lint', { model: 'gpt-4' }),
        task('test', { depends_on: ['buidl', 'test'] }),
        task('build', { working_directory: missing }),
        task('a', { depends_on: ['b'] }),
        task('b', { depends_on: ['a'], execution_prompt: 'see {{ tasks.lint.result }}' }),
      ],
    };
    const found = await problems(() => validate(doc));
    expect(found).toEqual([
      'max_parallel: must be at least 1',
      'tasks[1].model: unknown model "gpt-4". Use one of sonnet, opus, haiku, or a full model id such as claude-sonnet-5-5 (lowercase, starting with "claude-").',
      'tasks[2].depends_on[0]: unknown identifier "buidl"; did you mean "build"?',
      'tasks[2].depends_on[1]: "test" depends on itself; remove it from its own depends_on',
      'tasks[3].identifier: "build" is used twice (also tasks[0]); give each task its own identifier',
      `tasks[3].working_directory: "${missing}" does not exist. Create it, or pass an existing directory.`,
      'tasks[4].depends_on[0]: dependency cycle: a → b → a (each waits for the next, so none can start); remove one of these dependencies',
      'tasks[5].execution_prompt: {{ tasks.lint.result }} uses the result of "lint", which is not a dependency of "b"; add "lint" to its depends_on',
    ]);
  });

  it('the error message lists the problems under the name the caller gave', async () => {
    const doc = { tasks: [task('a', { depends_on: ['x'] }), task('a')] };
    await expect(validateWorkflow(doc, { directoryProblem: check(), what: 'release.yaml' })).rejects.toThrow(
      /^release\.yaml has 2 problems:\n {2}- tasks\[0\]\.depends_on\[0\]: unknown identifier "x"/,
    );
  });
});

describe('validateWorkflow adding to a running orchestration', () => {
  const existing = {
    identifiers: new Map([
      ['build', 'completed' as const],
      ['lint', 'failed' as const],
    ]),
  };

  it('lets new tasks depend on existing ones, and plans only the new ones', async () => {
    const plan = await validateWorkflow(
      {
        tasks: [
          task('deploy', {
            depends_on: ['build', 'lint'],
            execution_prompt: 'ship {{ tasks.build.result }}',
          }),
          task('notify', { depends_on: ['deploy'] }),
        ],
      },
      { directoryProblem: check(), existing },
    );
    expect(plan.levels).toEqual([['deploy'], ['notify']]);
    expect(plan.existing_dependencies).toEqual({ build: 'completed', lint: 'failed' });
  });

  it('refuses a new identifier that already exists, and suggests existing ones', async () => {
    const doc = { tasks: [task('build'), task('test', { depends_on: ['lnit'] })] };
    expect(await problems(() => validateWorkflow(doc, { directoryProblem: check(), existing }))).toEqual([
      'tasks[0].identifier: "build" already exists in this orchestration; choose another identifier',
      'tasks[1].depends_on[0]: unknown identifier "lnit"; did you mean "lint"?',
    ]);
  });
});
