/**
 * Template checks: every `{{ tasks.X.result }}` in a task's prompt must name one of its direct dependencies (the
 * result is inserted when the task becomes ready, so only a dependency's result is sure to be there), and anything
 * that looks like a task template but is not one is reported. A prompt inherited from `defaults` is reported once
 * at `defaults.execution_prompt`, not once per task. Internal to the workflow module.
 */
import { type CheckContext, type TaskEntry, fieldText, isKnown } from './entries.js';
import { unknownIdentifier } from './check-graph.js';
import { listNames, place } from './issues.js';
import { templateProblems, templateReferences } from '../domain/template.js';

export function checkTemplates(ctx: CheckContext): void {
  const inherited = ctx.rawDefaults['execution_prompt'];
  if (typeof inherited === 'string') {
    for (const problem of templateProblems(inherited)) {
      ctx.issues.push({ path: 'defaults.execution_prompt', message: problem.message });
    }
  }
  /** Inherited references that are not a dependency of some task: identifier → those tasks. */
  const missingFromDefaults = new Map<string, string[]>();

  for (const entry of ctx.entries) {
    const prompt = fieldText(ctx, entry, 'execution_prompt');
    if (!prompt) continue;
    const path = place(['tasks', entry.index, 'execution_prompt']);
    if (!prompt.fromDefaults) {
      for (const problem of templateProblems(prompt.text))
        ctx.issues.push({ path, message: problem.message });
    }
    const deps = new Set(entry.dependsOn);
    for (const ref of templateReferences(prompt.text)) {
      if (deps.has(ref)) continue;
      if (prompt.fromDefaults) {
        const tasks = missingFromDefaults.get(ref) ?? [];
        tasks.push(entry.identifier ?? `tasks[${entry.index}]`);
        missingFromDefaults.set(ref, tasks);
      } else {
        ctx.issues.push({ path, message: referenceProblem(ctx, entry, ref) });
      }
    }
  }

  for (const [ref, tasks] of missingFromDefaults) {
    const template = `{{ tasks.${ref}.result }}`;
    const message = isKnown(ctx, ref)
      ? `${template} uses the result of "${ref}", which is not a dependency of ${tasks.length === 1 ? 'task' : 'tasks'} ${listNames(tasks)}; add "${ref}" to their depends_on, or move the reference into the prompts of the tasks that depend on it`
      : `${template}: ${unknownIdentifier(ctx, ref, null)}`;
    ctx.issues.push({ path: 'defaults.execution_prompt', message });
  }
}

function referenceProblem(ctx: CheckContext, entry: TaskEntry, ref: string): string {
  const template = `{{ tasks.${ref}.result }}`;
  if (ref === entry.identifier)
    return `${template} refers to this task's own result; a prompt can only use the results of its dependencies`;
  if (!isKnown(ctx, ref)) return `${template}: ${unknownIdentifier(ctx, ref, entry.identifier)}`;
  const self = entry.identifier ? `"${entry.identifier}"` : 'this task';
  return `${template} uses the result of "${ref}", which is not a dependency of ${self}; add "${ref}" to its depends_on`;
}
