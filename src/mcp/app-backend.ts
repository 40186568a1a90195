/**
 * The in-process backend: the tools call an App's services directly. Used by the standalone MCP server (which owns
 * its App, see standalone.ts) and by the REST server's `/mcp` endpoint (which shares the server's App). Waiting is
 * woken by the App's live event bus, with a slow poll as the net.
 */
import type { App } from '../app.js';
import type { CreateTaskInput } from '../contract/task-schemas.js';
import type { Actor, OrchestrationDetail, Task } from '../domain/vocabulary.js';
import type { OrchestrationPage, StagedTask, TaskPage } from '../store/store.js';
import type {
  BackendMode,
  LogTail,
  LogTailRequest,
  OrchestrationListRequest,
  SubmitGroupOptions,
  TaskListRequest,
  WaitOutcome,
  WaitRequest,
  WorkerBackend,
} from './backend.js';
import { GroupStaging } from './staging.js';
import { boundTail, TAIL_SLACK_BYTES, waitUntilFinished } from './wait.js';

const POLL_INTERVAL_MS = 2000;

export class AppBackend implements WorkerBackend {
  private readonly staging: GroupStaging;

  constructor(
    private readonly app: App,
    readonly mode: BackendMode,
    private readonly actor: Actor,
    /** Runs on close (the standalone backend closes its App); nothing for a shared App. */
    private readonly onClose: () => Promise<void> = async () => {},
  ) {
    this.staging = new GroupStaging({
      store: async () => app.store,
      createOrchestration: (document) => app.orchestrations.create(document, actor),
      cancelOrchestration: (id) => app.orchestrations.cancel(id, actor),
      directoryProblem: (dir, remote) => app.tasks.directoryProblem(dir, remote),
      actor,
    });
  }

  createTask(input: CreateTaskInput): Promise<Task> {
    return this.app.tasks.createTask(input, this.actor);
  }

  getTask(id: number): Promise<Task> {
    return this.app.tasks.getTask(id);
  }

  listTasks(request: TaskListRequest): Promise<TaskPage> {
    return this.app.tasks.listTasks(request);
  }

  cancelTask(id: number): Promise<Task> {
    return this.app.tasks.cancelTask(id, this.actor);
  }

  async taskLogs(id: number, request: LogTailRequest): Promise<LogTail> {
    const task = await this.app.tasks.getTask(id);
    const stream = request.format === 'jsonl' ? 'transcript' : 'log';
    const text = await this.app.outputReader.read(task, stream, request.maxBytes + TAIL_SLACK_BYTES);
    return { task, ...boundTail(text, request.maxBytes) };
  }

  async waitForTask(id: number, request: WaitRequest): Promise<WaitOutcome> {
    await this.app.tasks.getTask(id); // an unknown id fails at once
    return waitUntilFinished(
      {
        getTask: () => this.app.tasks.getTask(id),
        intervalMs: POLL_INTERVAL_MS,
        subscribe: (wake) =>
          this.app.bus.subscribe((event) => {
            if (event.task_id === id) wake();
          }),
      },
      request,
    );
  }

  stageTask(group: string, task: Record<string, unknown>): Promise<StagedTask[]> {
    return this.staging.stage(group, task);
  }

  submitGroup(group: string, options: SubmitGroupOptions): Promise<OrchestrationDetail> {
    return this.staging.submit(group, options);
  }

  createOrchestration(document: unknown): Promise<OrchestrationDetail> {
    return this.app.orchestrations.create(document, this.actor);
  }

  getOrchestration(id: number): Promise<OrchestrationDetail> {
    return this.app.orchestrations.get(id);
  }

  listOrchestrations(request: OrchestrationListRequest): Promise<OrchestrationPage> {
    return this.app.orchestrations.list(request);
  }

  close(): Promise<void> {
    return this.onClose();
  }
}
