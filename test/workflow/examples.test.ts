import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatPlan } from '../../src/workflow/format-plan.js';
import { loadWorkflowFile } from '../../src/workflow/parse.js';
import { validateWorkflow } from '../../src/workflow/validate.js';
import { realDirectoryCheck } from './helpers.js';

const EXAMPLES = join(import.meta.dirname, '..', '..', 'examples');
const files = readdirSync(EXAMPLES).filter((f) => /\.(json|ya?ml)$/.test(f));

describe('examples/', () => {
  it('has JSON and YAML workflows', () => {
    expect(files.some((f) => f.endsWith('.json'))).toBe(true);
    expect(files.some((f) => f.endsWith('.yaml'))).toBe(true);
  });

  for (const file of files) {
    it(`${file} validates, with every directory inside the repository`, async () => {
      const loaded = await loadWorkflowFile(join(EXAMPLES, file));
      const plan = await validateWorkflow(loaded.document, {
        directoryProblem: realDirectoryCheck().check,
        baseDir: loaded.baseDir,
        what: file,
      });
      expect(plan.tasks.length).toBeGreaterThan(1);
      for (const task of plan.tasks)
        expect(task.task.working_directory.startsWith(join(EXAMPLES, '..'))).toBe(true);
      expect(formatPlan(plan)).toMatch(/^Plan/);
    });
  }

  it('release.yaml passes results, uses defaults and a non-default trigger rule', async () => {
    const loaded = await loadWorkflowFile(join(EXAMPLES, 'release.yaml'));
    const plan = await validateWorkflow(loaded.document, {
      directoryProblem: realDirectoryCheck().check,
      baseDir: loaded.baseDir,
    });
    const byId = new Map(plan.tasks.map((t) => [t.identifier, t]));
    expect(byId.get('test')?.result_references).toEqual(['build']);
    expect(byId.get('report')?.trigger_rule).toBe('all_done');
    expect(byId.get('lint')?.task.model).toBe('haiku');
    expect(byId.get('build')?.task).toMatchObject({
      model: 'sonnet',
      timeout_seconds: 1800,
      tags: ['release'],
      working_directory: EXAMPLES,
    });
    expect(plan.levels).toEqual([['build', 'lint'], ['test'], ['release_notes'], ['report']]);
  });

  it('diamond.json is a diamond', async () => {
    const loaded = await loadWorkflowFile(join(EXAMPLES, 'diamond.json'));
    const plan = await validateWorkflow(loaded.document, {
      directoryProblem: realDirectoryCheck().check,
      baseDir: loaded.baseDir,
    });
    expect(plan.levels).toEqual([['plan'], ['first_change', 'second_change'], ['review']]);
  });
});
