/**
 * Applying `defaults` to a task. A task's own value replaces the default, field by field (an explicit `null`, e.g.
 * `system_prompt: null`, replaces it too), except `env`, which is merged (the task wins per variable), and `tags`,
 * which are joined. `timeout` is the file name of `timeout_seconds`. The result is a plain `CreateTaskInput` plus
 * the orchestration fields, ready for the task service's configured defaults. Internal to the workflow module.
 */
import type { WorkflowDefaults, WorkflowTask } from '../contract/orchestration-schemas.js';
import type { CreateTaskInput } from '../contract/task-schemas.js';
import { ClaudeWorkerError } from '../domain/errors.js';
import type { TriggerRule } from '../domain/vocabulary.js';

/** A task of a validated workflow: what to create, and how it hangs in the graph. */
export interface NormalizedTask {
  /** Position in the document's `tasks` list. */
  index: number;
  identifier: string;
  /** The task fields with defaults applied and `working_directory` absolute; configured defaults not yet applied. */
  task: CreateTaskInput;
  /** Identifiers this task waits for (of this document or, when adding, of the orchestration), as written. */
  depends_on: string[];
  trigger_rule: TriggerRule;
  initial_delay_seconds: number;
  /** Identifiers whose result the prompt inserts (`{{ tasks.X.result }}`); each is in `depends_on`. */
  result_references: string[];
}

export const MAX_TAGS = 32;

type Settings = Omit<WorkflowTask, 'identifier' | 'depends_on'>;

function taskFields(settings: Settings): Partial<CreateTaskInput> {
  const { trigger_rule: _rule, initial_delay: _delay, timeout, ...fields } = settings;
  return timeout === undefined ? fields : { ...fields, timeout_seconds: timeout };
}

/** Tags of the task after defaults apply (for the tag-count check before merging). */
export function mergedTags(defaults: WorkflowDefaults, task: WorkflowTask): string[] | undefined {
  if (defaults.tags === undefined) return task.tags;
  if (task.tags === undefined) return defaults.tags;
  return [...new Set([...defaults.tags, ...task.tags])];
}

export function applyDefaults(
  defaults: WorkflowDefaults,
  task: WorkflowTask,
  index: number,
  workingDirectory: string,
  resultReferences: string[],
): NormalizedTask {
  const { identifier, depends_on, ...own } = task;
  const merged: Partial<CreateTaskInput> = { ...taskFields(defaults), ...taskFields(own) };
  if (defaults.env && own.env) merged.env = { ...defaults.env, ...own.env };
  const tags = mergedTags(defaults, task);
  if (tags !== undefined) merged.tags = tags;
  const prompt = merged.execution_prompt;
  if (prompt === undefined)
    throw new ClaudeWorkerError('internal', `tasks[${index}] has no execution_prompt after validation`);
  return {
    index,
    identifier,
    task: { ...merged, execution_prompt: prompt, working_directory: workingDirectory },
    depends_on: depends_on ?? [],
    trigger_rule: own.trigger_rule ?? defaults.trigger_rule ?? 'all_success',
    initial_delay_seconds: own.initial_delay ?? defaults.initial_delay ?? 0,
    result_references: resultReferences,
  };
}
