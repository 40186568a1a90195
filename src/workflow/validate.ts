/**
 * Validates an orchestration document (parsed from a file, a REST body or an MCP call) and turns it into a plan.
 * Every problem is found in one pass and reported at once, each with its place and a fix: schema problems (per task,
 * so one bad task does not hide the others), missing prompt or directory after defaults, identifiers, dependencies,
 * cycles, templates and directories. Creates nothing: the caller stores the plan in one transaction.
 *
 * Adding to a running orchestration: pass `existing` (its identifiers with their status). New tasks may depend on
 * existing ones (even finished ones); a new identifier must not be one of them.
 */
import { mergeNotify } from '../domain/notify-options.js';
import {
  MAX_WORKFLOW_TASKS,
  ORCHESTRATION_FIELDS,
  OrchestrationEnvelope,
  WORKFLOW_DEFAULTS_FIELDS,
  WORKFLOW_TASK_FIELDS,
  WorkflowDefaults,
  WorkflowTask,
} from '../contract/orchestration-schemas.js';
import { ClaudeWorkerError, type Issue } from '../domain/errors.js';
import type { TaskStatus } from '../domain/vocabulary.js';
import { checkDirectories } from './check-directories.js';
import { checkCycles, checkDependencies, checkIdentifiers } from './check-graph.js';
import { checkTemplates } from './check-templates.js';
import { type CheckContext, type TaskEntry, fieldText, isRecord } from './entries.js';
import { inFileOrder, place, zodProblems } from './issues.js';
import { MAX_TAGS, applyDefaults, mergedTags } from './normalize.js';
import { type WorkflowPlan, buildPlan } from './plan.js';
import { templateReferences } from '../domain/template.js';
import { envBytes, envTooLargeMessage, TASK_ENV_LIMIT_BYTES } from '../domain/task-env.js';

export interface ExistingTasks {
  /** Identifier → status of every task already in the orchestration. */
  identifiers: ReadonlyMap<string, TaskStatus>;
}

export interface ValidateOptions {
  /**
   * The problem with a directory (missing, unreadable, outside the allowed roots) or null; called once per directory.
   * `remote`: only tasks with `runs_on` labels use it, so it need not exist on this machine.
   */
  directoryProblem: (dir: string, remote: boolean) => Promise<string | null>;
  /** The workflow file's folder: relative working directories resolve against it. Omit for REST/MCP input (absolute only). */
  baseDir?: string;
  /** When adding tasks to a running orchestration. */
  existing?: ExistingTasks;
  /** Names the input in the error message, e.g. the file path. Default "The orchestration". */
  what?: string;
}

/** Hints for fields written at the wrong level. */
const TASK_FIELD_AT_TOP: Record<string, string> = Object.fromEntries(
  WORKFLOW_DEFAULTS_FIELDS.map((field) => [
    field,
    'is a task field; put it under "defaults" to apply it to every task',
  ]),
);
const PER_TASK_ONLY: Record<string, string> = {
  identifier: 'cannot be a default; give each task its own',
  depends_on: 'cannot be a default; set it on each task that waits',
};

/** Returns the plan of a valid document; throws `ClaudeWorkerError` (`validation`, `data.issues`) listing every problem. */
export async function validateWorkflow(document: unknown, options: ValidateOptions): Promise<WorkflowPlan> {
  const what = options.what ?? 'The orchestration';
  if (!isRecord(document)) {
    const example =
      '{"tasks": [{"identifier": "build", "execution_prompt": "…", "working_directory": "/path"}]}';
    throw ClaudeWorkerError.validation(
      [{ path: '', message: `must be an object with a "tasks" list, such as ${example}` }],
      what,
    );
  }
  const issues: Issue[] = [];
  const envelope = OrchestrationEnvelope.safeParse(document);
  if (!envelope.success)
    issues.push(...zodProblems(envelope.error, [], ORCHESTRATION_FIELDS, TASK_FIELD_AT_TOP));
  if (options.existing) checkAddedFields(document, issues);
  const rawTasks = document['tasks'];
  if (!Array.isArray(rawTasks) || rawTasks.length === 0 || rawTasks.length > MAX_WORKFLOW_TASKS) {
    throw ClaudeWorkerError.validation(issues, what);
  }

  const rawDefaults = document['defaults'];
  let defaults: WorkflowDefaults | null = {};
  if (rawDefaults !== undefined) {
    const parsed = WorkflowDefaults.safeParse(rawDefaults);
    defaults = parsed.success ? parsed.data : null;
    if (!parsed.success)
      issues.push(...zodProblems(parsed.error, ['defaults'], WORKFLOW_DEFAULTS_FIELDS, PER_TASK_ONLY));
    if (isRecord(rawDefaults)) checkTimeoutNames(rawDefaults, 'defaults', issues);
  }

  const ctx: CheckContext = {
    entries: rawTasks.map((raw: unknown, index) => readEntry(raw, index, issues)),
    rawDefaults: isRecord(rawDefaults) ? rawDefaults : {},
    defaults,
    existing: options.existing?.identifiers ?? new Map(),
    firstIndex: new Map(),
    issues,
  };
  checkRequiredFields(ctx);
  checkIdentifiers(ctx);
  checkCycles(ctx, checkDependencies(ctx));
  checkTemplates(ctx);
  const directories = await checkDirectories(ctx, options.baseDir, options.directoryProblem);
  if (issues.length > 0 || !envelope.success || defaults === null)
    throw ClaudeWorkerError.validation(inFileOrder(issues), what);

  const tasks = ctx.entries.map((entry) => {
    const task = entry.parsed;
    const directory = directories.get(entry.index);
    const prompt = fieldText(ctx, entry, 'execution_prompt');
    if (!task || directory === undefined || !prompt) {
      throw new ClaudeWorkerError('internal', `tasks[${entry.index}] passed validation incomplete`);
    }
    return applyDefaults(defaults, task, entry.index, directory, templateReferences(prompt.text));
  });
  // Each env passed the schema alone; one merged from defaults and the task may still be too large to spawn.
  const tooLarge = tasks.flatMap((normalized) => {
    const bytes = envBytes(normalized.task.env ?? {});
    return bytes > TASK_ENV_LIMIT_BYTES
      ? [
          {
            path: place(['tasks', normalized.index, 'env']),
            message: `with defaults.env, ${envTooLargeMessage(bytes)}`,
          },
        ]
      : [];
  });
  if (tooLarge.length > 0) throw ClaudeWorkerError.validation(tooLarge, what);
  const { name, max_parallel, budget_usd, notify } = envelope.data;
  return buildPlan({
    name: name ?? null,
    max_parallel: max_parallel ?? null,
    budget_usd: budget_usd ?? null,
    notify: mergeNotify(null, notify),
    tasks,
    existing: ctx.existing,
  });
}

function readEntry(raw: unknown, index: number, issues: Issue[]): TaskEntry {
  if (!isRecord(raw)) {
    issues.push({
      path: place(['tasks', index]),
      message: 'must be an object with identifier, execution_prompt and working_directory',
    });
    return { index, raw: null, parsed: null, identifier: null, dependsOn: [] };
  }
  const parsed = WorkflowTask.safeParse(raw);
  if (!parsed.success) issues.push(...zodProblems(parsed.error, ['tasks', index], WORKFLOW_TASK_FIELDS));
  checkTimeoutNames(raw, place(['tasks', index]), issues);
  const { identifier, depends_on: deps } = raw;
  return {
    index,
    raw,
    parsed: parsed.success ? parsed.data : null,
    identifier: typeof identifier === 'string' && identifier.length > 0 ? identifier : null,
    dependsOn: Array.isArray(deps) ? deps.map((d: unknown) => (typeof d === 'string' ? d : null)) : [],
  };
}

/** Adding tasks takes `tasks` and `defaults` only: the orchestration's own settings were fixed when it was created. */
function checkAddedFields(document: Record<string, unknown>, issues: Issue[]): void {
  for (const key of Object.keys(document)) {
    if (key === 'tasks' || key === 'defaults' || !ORCHESTRATION_FIELDS.includes(key)) continue;
    issues.push({
      path: key,
      message: `cannot be set when adding tasks (it belongs to the orchestration, fixed when it was created); send only "tasks" and "defaults"`,
    });
  }
}

function checkTimeoutNames(raw: Record<string, unknown>, at: string, issues: Issue[]): void {
  if (raw['timeout'] !== undefined && raw['timeout_seconds'] !== undefined) {
    issues.push({
      path: place([], `${at}.timeout`),
      message: 'set timeout or timeout_seconds (the same thing), not both',
    });
  }
}

/** A prompt and a directory must be there once defaults apply; tags stay within the limit once joined. */
function checkRequiredFields(ctx: CheckContext): void {
  for (const entry of ctx.entries) {
    if (!entry.raw) continue;
    const missing = (field: string) =>
      entry.raw?.[field] === undefined && ctx.rawDefaults[field] === undefined;
    if (missing('execution_prompt')) {
      ctx.issues.push({
        path: place(['tasks', entry.index, 'execution_prompt']),
        message: 'missing; write what this task should do (or set defaults.execution_prompt for every task)',
      });
    }
    if (missing('working_directory')) {
      ctx.issues.push({
        path: place(['tasks', entry.index, 'working_directory']),
        message: 'missing; set the folder this task works in (or defaults.working_directory for every task)',
      });
    }
    const tags = entry.parsed && ctx.defaults ? mergedTags(ctx.defaults, entry.parsed) : undefined;
    if (tags && tags.length > MAX_TAGS) {
      ctx.issues.push({
        path: place(['tasks', entry.index, 'tags']),
        message: `with the tags from defaults this task has ${tags.length} tags; at most ${MAX_TAGS}`,
      });
    }
  }
}
