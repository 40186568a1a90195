import { describe, expect, it } from 'vitest';
import { renderPrompt, templateProblems, templateReferences } from '../../src/domain/template.js';

describe('templateReferences', () => {
  it('finds each referenced identifier once, whitespace-tolerant, in order', () => {
    const prompt =
      'A {{ tasks.build.result }} B {{tasks.lint-2.result}} C {{   tasks.build.result   }} D {{ tasks.x_y.result\n}}';
    expect(templateReferences(prompt)).toEqual(['build', 'lint-2', 'x_y']);
  });

  it('ignores other braces', () => {
    expect(templateReferences('use {{ env.HOME }} and {"a": {"b": 1}} and {{ tasks.build }}')).toEqual([]);
  });
});

describe('templateProblems', () => {
  it('reports task templates that are not result references', () => {
    const found = templateProblems(
      '{{ tasks.build.output }} {{task.build.result}} {{ tasks.ok.result }} {{ other }}',
    );
    expect(found.map((p) => p.template)).toEqual(['{{ tasks.build.output }}', '{{task.build.result}}']);
    expect(found[0]?.message).toBe(
      '"{{ tasks.build.output }}" is not a template claude-worker knows; write {{ tasks.<identifier>.result }} to insert the result of a dependency',
    );
  });
});

describe('renderPrompt', () => {
  const results: Record<string, string | null> = {
    build: 'built OK',
    lint: null,
    tricky: 'see {{ tasks.build.result }} and $& $1',
  };
  const lookup = (id: string) => results[id] ?? null;

  it('inserts each dependency result', () => {
    expect(renderPrompt('Build said: {{ tasks.build.result }}.\nAgain: {{tasks.build.result}}', lookup)).toBe(
      'Build said: built OK.\nAgain: built OK',
    );
  });

  it('renders a dependency without a result as an empty string', () => {
    expect(renderPrompt('Lint: [{{ tasks.lint.result }}]', lookup)).toBe('Lint: []');
  });

  it('inserts result text literally, never rendering it again', () => {
    expect(renderPrompt('X {{ tasks.tricky.result }} Y', lookup)).toBe(
      'X see {{ tasks.build.result }} and $& $1 Y',
    );
  });

  it('leaves a prompt without references unchanged', () => {
    const prompt = 'Plain {{ not.a.reference }} prompt';
    expect(renderPrompt(prompt, lookup)).toBe(prompt);
  });
});
