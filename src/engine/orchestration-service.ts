/**
 * The orchestration service: what the edges may do with dependency graphs. It validates a workflow document with
 * the workflow module (every problem at once, nothing created), applies task defaults through the task service,
 * and hands the whole graph to the store in one transaction. Resolution of dependencies happens in the store's
 * finishing transactions, not here.
 */
import { mergeNotify } from '../domain/notify-options.js';
import { ClaudeWorkerError } from '../domain/errors.js';
import type { Actor, NotifyOptions, OrchestrationDetail, TaskStatus } from '../domain/vocabulary.js';
import type { NewOrchestrationTask, OrchestrationPage, OrchestrationQuery, Store } from '../store/store.js';
import { validateWorkflow } from '../workflow/validate.js';
import type { WorkflowPlan } from '../workflow/plan.js';
import type { TaskService } from './task-service.js';

export interface ValidateWorkflowOptions {
  /** A workflow file's folder: relative working directories resolve against it. Omit for REST/MCP input. */
  baseDir?: string;
  /** Names the input in messages (a file path). */
  what?: string;
}

export class OrchestrationService {
  constructor(
    private readonly store: Store,
    private readonly tasks: TaskService,
  ) {}

  /** Validates a workflow document and returns its plan (levels, parallelism, delays); creates nothing. */
  plan(document: unknown, options: ValidateWorkflowOptions = {}): Promise<WorkflowPlan> {
    return validateWorkflow(document, {
      directoryProblem: (dir, remote) => this.tasks.directoryProblem(dir, remote),
      baseDir: options.baseDir,
      what: options.what,
    });
  }

  async create(
    document: unknown,
    actor: Actor,
    options: ValidateWorkflowOptions = {},
  ): Promise<OrchestrationDetail> {
    const plan = await this.plan(document, options);
    const detail = await this.store.createOrchestration(
      {
        name: plan.name,
        max_parallel: plan.max_parallel,
        budget_usd: plan.budget_usd,
        notify: plan.notify,
      },
      this.toNewTasks(plan, plan.notify),
      actor,
    );
    return detail;
  }

  /** Adds tasks (a document with `tasks`, and optional `defaults`) to an existing orchestration. */
  async addTasks(
    id: number,
    document: unknown,
    actor: Actor,
    options: ValidateWorkflowOptions = {},
  ): Promise<OrchestrationDetail> {
    const current = await this.get(id);
    if (current.cancel_requested || current.status === 'cancelled') {
      throw new ClaudeWorkerError(
        'conflict',
        `Orchestration ${id} was cancelled; tasks cannot be added to it. Submit a new one.`,
      );
    }
    const identifiers = new Map<string, TaskStatus>(
      current.tasks.map((t) => [t.identifier ?? String(t.id), t.status]),
    );
    const plan = await validateWorkflow(document, {
      directoryProblem: (dir, remote) => this.tasks.directoryProblem(dir, remote),
      baseDir: options.baseDir,
      what: options.what ?? `The request to add tasks to orchestration ${id}`,
      existing: { identifiers },
    });
    const detail = await this.store.addOrchestrationTasks(id, this.toNewTasks(plan, current.notify), actor);
    return detail;
  }

  async get(id: number): Promise<OrchestrationDetail> {
    const detail = await this.store.getOrchestration(id);
    if (!detail) throw ClaudeWorkerError.notFound('Orchestration', id);
    return { ...detail, tasks: await this.tasks.explain(detail.tasks) };
  }

  list(query: OrchestrationQuery): Promise<OrchestrationPage> {
    return this.store.listOrchestrations(query);
  }

  cancel(id: number, actor: Actor): Promise<OrchestrationDetail> {
    return this.store.cancelOrchestration(id, actor);
  }

  /** Each task's own notify settings are merged over the orchestration's, key by key. */
  private toNewTasks(plan: WorkflowPlan, notify: NotifyOptions | null): NewOrchestrationTask[] {
    return plan.tasks.map((planned) => ({
      ...this.tasks.withDefaults(planned.task),
      notify: mergeNotify(notify, planned.task.notify),
      identifier: planned.identifier,
      depends_on: planned.depends_on,
      trigger_rule: planned.trigger_rule,
      initial_delay_seconds: planned.initial_delay_seconds,
    }));
  }
}
