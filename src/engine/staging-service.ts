/**
 * Staged groups, a server use case: tasks are put aside under a group name (MCP `create_task` with
 * `orchestration_group`, or `POST /api/v1/staged-groups/:group/tasks`) until the group is submitted as one
 * orchestration. The store keeps the groups (so any process and any restart sees them) and refuses what its rules
 * refuse (domain/rules/staging.ts); the graph (unknown dependencies, cycles, directories) is validated once, at
 * submit, by the orchestration service, and its problems are re-labelled from `tasks[2]` to the task's own
 * identifier, which is all a caller that staged tasks one by one knows.
 */
import { ClaudeWorkerError, isClaudeWorkerError, type Issue } from '../domain/errors.js';
import type { Actor, NotifyOptions, OrchestrationDetail } from '../domain/vocabulary.js';
import type { StagedTask, Store } from '../store/store.js';
import { selfDependencyIssues } from '../workflow/index.js';
import type { OrchestrationService } from './orchestration-service.js';
import type { TaskService } from './task-service.js';

/** Settings of the orchestration a staged group becomes. */
export interface SubmitGroupSettings {
  name?: string | null;
  max_parallel?: number | null;
  budget_usd?: number | null;
  notify?: NotifyOptions | null;
}

export interface StagedGroupView {
  group: string;
  orchestration_id: number | null;
  submitted_at: string | null;
  tasks: StagedTask[];
}

export class StagingService {
  /** Submits in progress in this process, by group: a second submit waits for the first and is then refused. */
  private readonly submitting = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: Store,
    private readonly orchestrations: OrchestrationService,
    private readonly tasks: TaskService,
  ) {}

  /** Stages one task (an entry of a workflow document); returns the group's staged tasks, oldest first. */
  async stage(group: string, task: Record<string, unknown>, actor: Actor): Promise<StagedTask[]> {
    const identifier = String(task['identifier']);
    const selfDependent = selfDependencyIssues(identifier, task['depends_on']);
    if (selfDependent.length > 0) throw ClaudeWorkerError.validation(selfDependent, 'The task');
    const dir = task['working_directory'];
    if (typeof dir === 'string') {
      const runsOn = task['runs_on'];
      const problem = await this.tasks.directoryProblem(dir, Array.isArray(runsOn) && runsOn.length > 0);
      if (problem)
        throw ClaudeWorkerError.validation([{ path: 'working_directory', message: problem }], 'The task');
    }
    try {
      return await this.store.stageTask(group, identifier, task, actor);
    } catch (err) {
      throw relabelConflict(err, group);
    }
  }

  /** The group with its staged tasks; `not_found` when nothing was ever staged in it. */
  async get(group: string): Promise<StagedGroupView> {
    const tasks = await this.store.listStagedTasks(group);
    if (tasks.length === 0) throw nothingStaged(group);
    const submitted = tasks.find((t) => t.orchestration_id !== null);
    return {
      group,
      orchestration_id: submitted?.orchestration_id ?? null,
      submitted_at: submitted?.submitted_at ?? null,
      tasks,
    };
  }

  /** Submits the group as one orchestration; a group is submitted once. */
  submit(group: string, settings: SubmitGroupSettings, actor: Actor): Promise<OrchestrationDetail> {
    const before = this.submitting.get(group) ?? Promise.resolve();
    const run = before.catch(() => undefined).then(() => this.submitNow(group, settings, actor));
    this.submitting.set(group, run);
    const forget = () => {
      if (this.submitting.get(group) === run) this.submitting.delete(group);
    };
    run.then(forget, forget);
    return run;
  }

  private async submitNow(
    group: string,
    settings: SubmitGroupSettings,
    actor: Actor,
  ): Promise<OrchestrationDetail> {
    const staged = await this.store.listStagedTasks(group);
    if (staged.length === 0) throw nothingStaged(group);
    const submitted = staged.find((task) => task.orchestration_id !== null);
    if (submitted) throw alreadySubmitted(group, submitted);
    const document: Record<string, unknown> = {
      name: settings.name ?? group,
      tasks: staged.map((t) => t.document),
    };
    if (settings.max_parallel != null) document['max_parallel'] = settings.max_parallel;
    if (settings.budget_usd != null) document['budget_usd'] = settings.budget_usd;
    if (settings.notify != null) document['notify'] = settings.notify;
    let detail: OrchestrationDetail;
    try {
      detail = await this.orchestrations.create(document, actor);
    } catch (err) {
      throw relabelIssues(err, group, staged);
    }
    try {
      await this.store.markGroupSubmitted(group, detail.id, actor);
    } catch (err) {
      // Another process submitted the same group at the same moment: keep its orchestration, undo ours.
      try {
        await this.orchestrations.cancel(detail.id, actor);
      } catch (cancelErr) {
        const why = cancelErr instanceof Error ? cancelErr.message : String(cancelErr);
        throw new ClaudeWorkerError(
          'conflict',
          `${err instanceof Error ? err.message : String(err)} The duplicate orchestration ${detail.id} this call ` +
            `created could not be cancelled (${why}); cancel it with \`claude-worker cancel-orchestration ${detail.id}\`.`,
          { cause: err },
        );
      }
      throw err;
    }
    return detail;
  }
}

function nothingStaged(group: string): ClaudeWorkerError {
  return new ClaudeWorkerError(
    'not_found',
    `orchestration_group: nothing is staged in "${group}". Stage tasks first with create_task ` +
      `(orchestration_group: "${group}", task_identifier: "…"), then submit the group.`,
    { data: { group } },
  );
}

function alreadySubmitted(group: string, task: StagedTask): ClaudeWorkerError {
  const id = String(task.orchestration_id);
  return new ClaudeWorkerError(
    'conflict',
    `orchestration_group "${group}" was already submitted as orchestration ${id}` +
      `${task.submitted_at ? ` (at ${task.submitted_at})` : ''}; a group is submitted once. Follow it with ` +
      `get_orchestration_status (orchestration_id: ${id}); to run more tasks, stage them under a new orchestration_group.`,
    { data: { group, orchestration_id: task.orchestration_id } },
  );
}

/** The store's conflicts, in the words of the create_task fields. */
function relabelConflict(err: unknown, group: string): unknown {
  if (!isClaudeWorkerError(err) || err.code !== 'conflict') return err;
  if (err.data['orchestration_id'] !== undefined) {
    const id = String(err.data['orchestration_id']);
    return new ClaudeWorkerError(
      'conflict',
      `orchestration_group "${group}" was already submitted as orchestration ${id}; nothing more can be staged in ` +
        `it. Use a new orchestration_group name for new tasks (and get_orchestration_status with orchestration_id ` +
        `${id} to follow the submitted one).`,
      { data: err.data, cause: err },
    );
  }
  return new ClaudeWorkerError('conflict', `task_identifier: ${err.message}`, { data: err.data, cause: err });
}

/** `tasks[2].depends_on[0]` → `task "c" depends_on[0]`, so the problems name what the caller staged. */
function relabelIssues(err: unknown, group: string, staged: readonly StagedTask[]): unknown {
  if (!isClaudeWorkerError(err) || err.code !== 'validation' || err.issues.length === 0) return err;
  const relabel = (text: string) =>
    text
      .replace(/tasks\[(\d+)\]\.?/g, (whole, index: string) => {
        const task = staged[Number(index)];
        return task ? `task "${task.identifier}" ` : whole;
      })
      .replace(/this file/g, `orchestration_group "${group}"`)
      .trim();
  const issues: Issue[] = err.issues.map((issue) => ({
    path: relabel(issue.path),
    message: relabel(issue.message),
  }));
  const invalid = ClaudeWorkerError.validation(issues, `The staged orchestration_group "${group}"`);
  return new ClaudeWorkerError(
    'validation',
    `${invalid.message}\nNothing was submitted. Stage the missing tasks in the same group and submit again, or stage ` +
      'a corrected graph under a new orchestration_group (staged tasks cannot be changed).',
    { data: invalid.data, cause: err },
  );
}
