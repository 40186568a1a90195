/**
 * action.yml is a valid composite action whose parts agree: it parses, every `inputs.*` it uses is declared and
 * every declared input is used, each input the script reads (CW_*) is set from an input and the other way round,
 * its outputs are the ones the script writes, and no `${{ … }}` expression is pasted into a shell line (where an
 * input could inject commands); they go through `env:`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { INPUT_VARIABLES } from '../../src/ci/inputs.js';
import { errorReport, outputs } from '../../src/ci/report.js';
import { actionFile, REPO, type ActionStep } from './ci-harness.js';

const EXPRESSION = /\$\{\{\s*([^}]+?)\s*\}\}/g;

describe('action.yml', () => {
  const action = actionFile();

  it('is a composite action with a name, a description and described inputs and outputs', () => {
    expect(action.name).toBe('claude-worker');
    expect(action.runs.using).toBe('composite');
    for (const [name, input] of Object.entries(action.inputs)) {
      expect(name).toMatch(/^[a-z][a-z-]*$/);
      expect(input.description, name).toBeTruthy();
      expect(typeof (input.default ?? ''), name).toBe('string');
    }
    for (const [name, output] of Object.entries(action.outputs))
      expect(output.description, name).toBeTruthy();
    for (const step of action.runs.steps) {
      if (step.run !== undefined) expect(step.shell, step.name).toBe('bash');
      expect(step.run === undefined ? step.uses : step.run, step.name).toBeTruthy();
    }
  });

  it('declares every input its steps use and uses every input it declares', () => {
    const text = JSON.stringify(action.runs) + JSON.stringify(action.outputs);
    const used = new Set(
      [...text.matchAll(EXPRESSION)].flatMap((m) =>
        [...m[1]!.matchAll(/inputs\.([a-z-]+)/g)].map((n) => n[1]!),
      ),
    );
    for (const name of used) expect(Object.keys(action.inputs), `inputs.${name}`).toContain(name);
    for (const name of Object.keys(action.inputs))
      expect([...used], `input ${name} is never used`).toContain(name);
  });

  it('pastes no expression into a shell line: inputs reach the scripts through env', () => {
    for (const step of action.runs.steps) if (step.run) expect(step.run, step.name).not.toMatch(EXPRESSION);
  });

  it('maps each input the script reads onto its variable, and nothing else onto CW_ names', () => {
    const run = action.runs.steps.find((step) => step.id === 'run');
    expect(run?.env).toBeDefined();
    for (const [input, variable] of Object.entries(INPUT_VARIABLES))
      expect(run!.env![variable], `${variable} from inputs.${input}`).toBe(`\${{ inputs.${input} }}`);
    const scriptVariables = new Set<string>(Object.values(INPUT_VARIABLES));
    for (const variable of Object.keys(run!.env!).filter((name) => name.startsWith('CW_')))
      expect(
        scriptVariables.has(variable) || variable === 'CW_SCRIPT' || variable.startsWith('CW_INPUT_'),
        variable,
      ).toBe(true);
    // Steps reference only steps that exist, and only outputs those steps write.
    const ids = new Set(action.runs.steps.map((step) => step.id).filter(Boolean));
    const referenced = [...JSON.stringify(action).matchAll(/steps\.([a-z-]+)\.outputs\.([a-z-]+)/g)];
    for (const [, id] of referenced) expect(ids.has(id!), `steps.${id}`).toBe(true);
  });

  it("passes through every output the script writes, under the script's names", () => {
    const written = Object.keys(outputs(errorReport('task', 'x'), { result: 'r', summary: 's' }));
    expect(Object.keys(action.outputs).sort()).toEqual([...written].sort());
    for (const name of written) expect(action.outputs[name]!.value).toBe(`\${{ steps.run.outputs.${name} }}`);
    const install = action.runs.steps.find((step) => step.id === 'install');
    expect(install?.run).toContain('dist/ci/run-in-ci.js');
  });
});

describe('README "In CI" examples', () => {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## In CI: GitHub Actions and GitLab'));
  const blocks = [...section.slice(0, section.indexOf('\n## ', 5)).matchAll(/```yaml\n([\s\S]*?)```/g)].map(
    (m) => parse(m[1]!) as Record<string, unknown>,
  );

  it('the GitHub workflow uses only inputs and outputs action.yml declares', () => {
    const action = actionFile();
    const workflow = blocks[0] as { jobs: Record<string, { steps: ActionStep[] }> };
    const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
    const ours = steps.filter((step) => /\/claude-worker@/.test(step.uses ?? ''));
    expect(ours.length).toBeGreaterThan(0);
    for (const step of ours)
      for (const input of Object.keys(step.with ?? {})) expect(Object.keys(action.inputs)).toContain(input);
    for (const [, output] of JSON.stringify(workflow).matchAll(/steps\.claude\.outputs\.([a-z-]+)/g))
      expect(Object.keys(action.outputs)).toContain(output);
  });

  it('the GitLab pipeline extends the template job and sets only variables it reads', () => {
    const template = parse(
      readFileSync(join(REPO, 'ci/gitlab/claude-worker.gitlab-ci.yml'), 'utf8'),
    ) as Record<string, { variables: Record<string, string> }>;
    const known = new Set([
      ...Object.values(INPUT_VARIABLES),
      ...Object.keys(template['.claude-worker']!.variables),
    ]);
    const pipeline = blocks[1] as Record<string, { extends?: string; variables?: Record<string, string> }>;
    const jobs = Object.values(pipeline).filter((job) => job.extends === '.claude-worker');
    expect(jobs.length).toBeGreaterThan(0);
    for (const job of jobs)
      for (const name of Object.keys(job.variables ?? {}).filter((n) => n.startsWith('CW_')))
        expect(known.has(name), name).toBe(true);
  });
});
