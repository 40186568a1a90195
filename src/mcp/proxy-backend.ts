/**
 * The proxy backend: the tools call the claude-worker REST server through the typed client, exactly as the CLI does
 * (the `connect` function it is given finds the server, starting it when none answers). Tasks run in the server and
 * outlive the MCP process. Staged groups live in the server too (`/api/v1/staged-groups`), so they survive a restart
 * of the MCP process; the graph is validated by the server when the group is submitted. Nothing here opens a store.
 */
import type { ClaudeWorkerClient } from '../client/http-client.js';
import type { CreateTaskInput } from '../contract/task-schemas.js';
import { isClaudeWorkerError } from '../domain/errors.js';
import type { OrchestrationDetail, Task } from '../domain/vocabulary.js';
import type { OrchestrationPage, StagedTask, TaskPage } from '../store/store.js';
import type {
  LogTail,
  LogTailRequest,
  OrchestrationListRequest,
  SubmitGroupOptions,
  TaskListRequest,
  WaitOutcome,
  WaitRequest,
  WorkerBackend,
} from './backend.js';
import { boundTail, TAIL_SLACK_BYTES, waitUntilFinished } from './wait.js';

const POLL_INTERVAL_MS = 500;

export interface ProxyBackendOptions {
  /** A client of the server, starting the server when none answers (the CLI's `connect`). */
  connect: () => Promise<ClaudeWorkerClient>;
}

export class ProxyBackend implements WorkerBackend {
  readonly mode = 'proxy';
  private client: Promise<ClaudeWorkerClient> | null = null;

  constructor(private readonly options: ProxyBackendOptions) {}

  createTask(input: CreateTaskInput): Promise<Task> {
    return this.call((c) => c.createTask(input));
  }

  getTask(id: number): Promise<Task> {
    return this.call((c) => c.getTask(id));
  }

  listTasks(request: TaskListRequest): Promise<TaskPage> {
    return this.call((c) => c.listTasks(request));
  }

  cancelTask(id: number): Promise<Task> {
    return this.call((c) => c.cancelTask(id));
  }

  async taskLogs(id: number, request: LogTailRequest): Promise<LogTail> {
    const task = await this.getTask(id);
    const text = await this.call((c) =>
      c.logs(id, { format: request.format, tail_bytes: request.maxBytes + TAIL_SLACK_BYTES }),
    );
    return { task, ...boundTail(text, request.maxBytes) };
  }

  async waitForTask(id: number, request: WaitRequest): Promise<WaitOutcome> {
    return waitUntilFinished({ getTask: () => this.getTask(id), intervalMs: POLL_INTERVAL_MS }, request);
  }

  async stageTask(group: string, task: Record<string, unknown>): Promise<StagedTask[]> {
    return (await this.call((c) => c.stageTask(group, task))).tasks;
  }

  submitGroup(group: string, options: SubmitGroupOptions): Promise<OrchestrationDetail> {
    const settings = {
      name: options.name,
      max_parallel: options.max_parallel,
      budget_usd: options.budget_usd,
      notify: options.notify,
    };
    return this.call((c) => c.submitStagedGroup(group, settings));
  }

  createOrchestration(document: unknown): Promise<OrchestrationDetail> {
    return this.call((c) => c.createOrchestration(document));
  }

  getOrchestration(id: number): Promise<OrchestrationDetail> {
    return this.call((c) => c.getOrchestration(id));
  }

  listOrchestrations(request: OrchestrationListRequest): Promise<OrchestrationPage> {
    return this.call((c) => c.listOrchestrations(request));
  }

  async close(): Promise<void> {}

  /**
   * Runs a request; when the server refused the connection (it stopped since we connected), connects again, which
   * starts it, and retries once. Only a refused connection is retried: the request never reached a server.
   */
  private async call<T>(request: (client: ClaudeWorkerClient) => Promise<T>): Promise<T> {
    const client = await this.connected();
    try {
      return await request(client);
    } catch (err) {
      if (!isClaudeWorkerError(err) || err.code !== 'unavailable' || err.data['reason'] !== 'ECONNREFUSED')
        throw err;
      this.client = null;
      return request(await this.connected());
    }
  }

  private connected(): Promise<ClaudeWorkerClient> {
    this.client ??= this.options.connect();
    this.client.catch(() => (this.client = null));
    return this.client;
  }
}
