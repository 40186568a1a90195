/**
 * The proxy backend: the tools call the claude-worker REST server through the typed client, exactly as the CLI does
 * (the `connect` function it is given finds the server, starting it when none answers). Tasks run in the server and
 * outlive the MCP process. Staged groups are kept in the home folder's store, opened on first use, so they survive a
 * restart of the MCP process too; the graph is validated by the server when the group is submitted.
 */
import type { ClaudeWorkerClient } from '../client/http-client.js';
import type { CreateTaskInput } from '../contract/task-schemas.js';
import { isClaudeWorkerError } from '../domain/errors.js';
import type { OrchestrationDetail, Task } from '../domain/vocabulary.js';
import type { OrchestrationPage, StagedTask, Store, TaskPage } from '../store/store.js';
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
import { MCP_ACTOR } from './backend.js';
import { GroupStaging } from './staging.js';
import { boundTail, TAIL_SLACK_BYTES, waitUntilFinished } from './wait.js';

const POLL_INTERVAL_MS = 500;

export interface ProxyBackendOptions {
  /** A client of the server, starting the server when none answers (the CLI's `connect`). */
  connect: () => Promise<ClaudeWorkerClient>;
  /** Opens (and migrates) the store that keeps staged groups. */
  openStagingStore: () => Promise<Store>;
}

export class ProxyBackend implements WorkerBackend {
  readonly mode = 'proxy';
  private client: Promise<ClaudeWorkerClient> | null = null;
  private stagingStore: Promise<Store> | null = null;
  private readonly staging: GroupStaging;

  constructor(private readonly options: ProxyBackendOptions) {
    this.staging = new GroupStaging({
      store: () => this.store(),
      createOrchestration: (document) => this.call((c) => c.createOrchestration(document)),
      cancelOrchestration: (id) => this.call((c) => c.cancelOrchestration(id)),
      actor: MCP_ACTOR,
    });
  }

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

  stageTask(group: string, task: Record<string, unknown>): Promise<StagedTask[]> {
    return this.staging.stage(group, task);
  }

  submitGroup(group: string, options: SubmitGroupOptions): Promise<OrchestrationDetail> {
    return this.staging.submit(group, options);
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

  async close(): Promise<void> {
    const store = this.stagingStore;
    this.stagingStore = null;
    if (store) await (await store).close();
  }

  private store(): Promise<Store> {
    this.stagingStore ??= this.options.openStagingStore();
    this.stagingStore.catch(() => (this.stagingStore = null));
    return this.stagingStore;
  }

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
