/**
 * The task service: what the edges (REST, MCP, CLI through REST) may do with tasks. It applies configured defaults,
 * checks what a schema cannot (the working directory exists and is readable, lies under an allowed root), then
 * calls the store. Handlers validate with the shared zod schemas and call this; no business rules live in handlers.
 */
import { mergeNotify } from '../domain/notify-options.js';
import { NO_TRACING, type Tracing } from '../observability/tracing.js';
import { isAbsolute, resolve } from 'node:path';
import type { Config } from '../config/schema.js';
import type { CreateTaskInput, ListTasksQuery, RetryTaskInput } from '../contract/task-schemas.js';
import { parseOrThrow } from '../contract/zod-issues.js';
import {
  CreateTaskInput as CreateTaskSchema,
  RetryTaskInput as RetryTaskSchema,
} from '../contract/task-schemas.js';
import { ClaudeWorkerError, type Issue } from '../domain/errors.js';
import type { Actor, Attempt, Task, TaskEvent, Worker } from '../domain/vocabulary.js';
import { missingWorkerReason, workerView } from '../domain/workers.js';
import type { TaskLogFiles } from '../observability/task-log-files.js';
import { isInside, workingDirectoryProblem } from '../platform/working-directory.js';
import { waitReason } from './wait-reason.js';
import type { EventQuery, NewTask, Store, TaskPage } from '../store/store.js';

export class TaskService {
  constructor(
    private readonly store: Store,
    private readonly config: Config,
    /** Names each task's log files; null: tasks get none. */
    private readonly logFiles: TaskLogFiles | null,
    /** Why new tasks cannot start on this node now (memory admission), or null. */
    private readonly admissionBlocked: () => string | null = () => null,
    private readonly tracing: Tracing = NO_TRACING,
  ) {}

  /**
   * `traceParent`: the W3C context of the request that asked (its span when tracing is on); the task keeps it, or,
   * with tracing on and none given, a trace of its own, so all its attempts share one trace.
   */
  async createTask(
    input: CreateTaskInput | unknown,
    actor: Actor,
    traceParent: string | null = null,
  ): Promise<Task> {
    const parsed = parseOrThrow(CreateTaskSchema, input, 'The task');
    // A task with runs_on labels runs on the labelled workers' machines: its folder need not exist here.
    await this.checkWorkingDirectory(
      parsed.working_directory,
      'working_directory',
      (parsed.runs_on ?? []).length > 0,
    );
    return this.store.createTask(
      { ...this.withDefaults(parsed), trace_parent: this.tracing.taskContext(traceParent) },
      actor,
    );
  }

  /** Applies configured defaults and names the log files. Shared with orchestrations. */
  withDefaults(input: CreateTaskInput): NewTask {
    const files = this.logFiles?.namesFor(input.working_directory, new Date()) ?? {
      log_path: null,
      transcript_path: null,
    };
    return {
      execution_prompt: input.execution_prompt,
      working_directory: input.working_directory,
      model: input.model ?? this.config.default_model,
      system_prompt: input.system_prompt ?? null,
      permission_mode: input.permission_mode ?? this.config.permission_mode,
      allowed_tools: input.allowed_tools ?? null,
      disallowed_tools: input.disallowed_tools ?? null,
      max_turns: input.max_turns ?? null,
      max_budget_usd: input.max_budget_usd ?? null,
      env: input.env ?? {},
      timeout_seconds: input.timeout_seconds ?? null,
      priority: input.priority ?? 0,
      tags: input.tags ?? [],
      max_attempts: input.max_attempts ?? this.config.max_attempts,
      retry_base_seconds: input.retry_base_seconds ?? null,
      retry_cap_seconds: input.retry_cap_seconds ?? null,
      runs_on: [...new Set(input.runs_on ?? [])],
      notify: mergeNotify(null, input.notify),
      log_path: files.log_path,
      transcript_path: files.transcript_path,
    };
  }

  /**
   * Throws a validation error unless `dir` is an existing, readable directory under an allowed root (`remote`: only
   * absolute and under an allowed root; it lives on another machine).
   */
  async checkWorkingDirectory(dir: string, path: string, remote = false): Promise<void> {
    const problem = await this.directoryProblem(dir, remote);
    if (problem) throw ClaudeWorkerError.validation([{ path, message: problem }], 'The task');
  }

  /**
   * The problem with a working directory (missing, unreadable, outside the allowed roots after following links),
   * or null. Exposed for validators that report many problems at once. `remote`: the directory belongs to tasks
   * with `runs_on` labels and lives on their workers' machines, so here it is only checked to be absolute and under
   * the allowed roots as written; the claiming worker checks the rest before each attempt.
   */
  directoryProblem(dir: string, remote = false): Promise<string | null> {
    if (remote) return Promise.resolve(remoteDirectoryProblem(dir, this.config.allowed_roots));
    return workingDirectoryProblem(dir, this.config.allowed_roots);
  }

  /** The task, with `status_reason` saying why it waits when it is queued but not starting. */
  async getTask(id: number): Promise<Task> {
    const task = await this.store.getTask(id);
    if (!task) throw ClaudeWorkerError.notFound('Task', id);
    const [explained] = await this.explain([task]);
    return explained!;
  }

  async listTasks(query: ListTasksQuery): Promise<TaskPage> {
    const { orchestration, ...rest } = query;
    if (
      orchestration !== undefined &&
      rest.orchestration_id !== undefined &&
      orchestration !== rest.orchestration_id
    ) {
      throw ClaudeWorkerError.validation(
        [
          {
            path: 'orchestration',
            message: 'orchestration and orchestration_id name different orchestrations; give one of them',
          },
        ],
        'The query',
      );
    }
    const page = await this.store.listTasks({
      ...rest,
      orchestration_id: rest.orchestration_id ?? orchestration,
    });
    return { ...page, tasks: await this.explain(page.tasks) };
  }

  /**
   * Fills `status_reason` of queued tasks with why they wait (no alive worker, or none with its `runs_on` labels;
   * cool-down, breaker, backoff, memory).
   */
  async explain<T extends Task>(tasks: T[]): Promise<T[]> {
    if (!tasks.some((t) => t.status === 'queued')) return tasks;
    const gates = new Map((await this.store.listModelGates()).map((g) => [g.model, g]));
    const admission = this.admissionBlocked();
    const alive = await this.aliveWorkers();
    return tasks.map((task) =>
      task.status === 'queued'
        ? {
            ...task,
            status_reason: missingWorkerReason(task.runs_on, alive) ?? waitReason(task, gates, admission),
          }
        : task,
    );
  }

  /** Every worker node, with whether it is alive (heartbeat within the lease window). */
  async listWorkers(): Promise<Worker[]> {
    const now = Date.now();
    const leaseMs = this.config.lease_seconds * 1000;
    return (await this.store.listWorkers()).map((w) => workerView(w, leaseMs, now));
  }

  private async aliveWorkers(): Promise<Worker[]> {
    return (await this.listWorkers()).filter((w) => w.status === 'alive');
  }

  async listAttempts(id: number): Promise<Attempt[]> {
    await this.getTask(id);
    return this.store.listAttempts(id);
  }

  cancelTask(id: number, actor: Actor): Promise<Task> {
    return this.store.requestCancel(id, actor);
  }

  /** Queues a finished task again; `changes` (model, permission mode, timeout) apply from its next attempt. */
  retryTask(id: number, actor: Actor, changes: RetryTaskInput | unknown = {}): Promise<Task> {
    const parsed = parseOrThrow(RetryTaskSchema, changes ?? {}, 'The retry');
    return this.store.retryTask(id, actor, parsed);
  }

  listEvents(query: EventQuery): Promise<TaskEvent[]> {
    return this.store.listEvents(query);
  }
}

/**
 * A directory on another machine (a task with `runs_on`): absolute, and under an allowed root as written (links can
 * only be followed where it exists: the claiming worker checks again, on real paths, before each attempt).
 */
function remoteDirectoryProblem(dir: string, roots: readonly string[]): string | null {
  if (!isAbsolute(dir)) return `must be an absolute path, got "${dir}"`;
  if (roots.length === 0 || roots.some((root) => isInside(resolve(root), resolve(dir)))) return null;
  return `"${dir}" is outside the allowed roots (${roots.join(', ')}). Use a directory under one of them or change allowed_roots.`;
}

export type { Issue };
