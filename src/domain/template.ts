/**
 * Result passing between tasks of an orchestration: `{{ tasks.<identifier>.result }}` in a task's execution prompt is
 * replaced by that dependency's result text when the task becomes ready (the engine calls `renderPrompt` then).
 * Whitespace inside the braces is free: `{{tasks.build.result}}` works too. Only `execution_prompt` is templated.
 * Pure functions; validation (a reference must name a direct dependency) lives in validate.ts.
 */

const REFERENCE = /\{\{\s*tasks\.([A-Za-z0-9_-]{1,100})\.result\s*\}\}/g;
/** Anything that looks like a task template, right or wrong (`{{ tasks.build.output }}`, `{{ task.build }}`). */
const TASK_TEMPLATE_LIKE = /\{\{\s*tasks?\b[^{}]*\}\}/g;
const EXACT_REFERENCE = /^\{\{\s*tasks\.([A-Za-z0-9_-]{1,100})\.result\s*\}\}$/;

/** The identifiers a prompt refers to, each once, in order of first appearance. */
export function templateReferences(prompt: string): string[] {
  const seen = new Set<string>();
  for (const match of prompt.matchAll(REFERENCE)) seen.add(match[1] as string);
  return [...seen];
}

/** A template-looking text that is not a valid reference, with a message saying how to write it. */
export interface TemplateProblem {
  template: string;
  message: string;
}

export function templateProblems(prompt: string): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  for (const match of prompt.matchAll(TASK_TEMPLATE_LIKE)) {
    const template = match[0];
    if (EXACT_REFERENCE.test(template)) continue;
    problems.push({
      template,
      message: `"${template}" is not a template claude-worker knows; write {{ tasks.<identifier>.result }} to insert the result of a dependency`,
    });
  }
  return problems;
}

/**
 * Replaces each `{{ tasks.X.result }}` with `results(X)`. A dependency that produced no result (null: it failed,
 * was skipped or cancelled and the trigger rule still let this task run, or it has not finished under `one_success`)
 * renders as an empty string: the prompt stays well-formed and the task runs, as its trigger rule decided.
 * One pass: result text that itself contains `{{ … }}` is inserted as is, never rendered again.
 */
export function renderPrompt(prompt: string, results: (identifier: string) => string | null): string {
  return prompt.replace(REFERENCE, (_whole, identifier: string) => results(identifier) ?? '');
}
