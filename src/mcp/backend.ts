/**
 * The one seam between the MCP tools and the rest of claude-worker. Two implementations: `ProxyBackend` (the REST
 * server through the typed client, auto-starting it like the CLI) and `AppBackend` (an App in this process: the
 * standalone MCP server, and the server's own `/mcp` endpoint). Tools only shape input and output around these calls.
 */
import type { CreateTaskInput } from '../contract/task-schemas.js';
import type {
  Actor,
  NotifyOptions,
  OrchestrationDetail,
  OrchestrationStatus,
  Task,
  TaskStatus,
} from '../domain/vocabulary.js';
import type { OrchestrationPage, StagedTask, TaskPage } from '../store/store.js';

/**
 * Where tasks run: `proxy` in the claude-worker server (they outlive the MCP process), `standalone` inside the MCP
 * process (recovered at its next start when it exits), `server` the server's own /mcp endpoint.
 */
export type BackendMode = 'proxy' | 'standalone' | 'server';

/** Who the tools' writes are recorded as, in the audit trail. */
export const MCP_ACTOR: Actor = { actor: 'mcp' };

export type LogFormat = 'text' | 'jsonl';

export interface LogTailRequest {
  format: LogFormat;
  /** At most this many bytes of the end of the log, cut at a line start. */
  maxBytes: number;
}

export interface LogTail {
  task: Task;
  text: string;
  /** True when the log is longer than what `text` holds. */
  truncated: boolean;
}

export interface WaitRequest {
  timeoutMs: number;
  /** Aborted when the caller gave up (the MCP request was cancelled or the connection closed). */
  signal: AbortSignal;
  /** Called with the task each time it is looked at while it has not finished. */
  onTick?: (task: Task) => void;
}

export interface WaitOutcome {
  task: Task;
  finished: boolean;
  waitedMs: number;
}

export interface TaskListRequest {
  status?: TaskStatus[];
  tag?: string;
  orchestration_id?: number;
  limit: number;
  cursor?: string;
}

export interface OrchestrationListRequest {
  status?: OrchestrationStatus[];
  limit: number;
  cursor?: string;
}

/** Settings of the orchestration a staged group becomes. */
export interface SubmitGroupOptions {
  name?: string | null;
  max_parallel?: number | null;
  budget_usd?: number | null;
  notify?: NotifyOptions | null;
}

export interface WorkerBackend {
  readonly mode: BackendMode;
  createTask(input: CreateTaskInput): Promise<Task>;
  getTask(id: number): Promise<Task>;
  listTasks(request: TaskListRequest): Promise<TaskPage>;
  cancelTask(id: number): Promise<Task>;
  taskLogs(id: number, request: LogTailRequest): Promise<LogTail>;
  /** Until the task has finished or the timeout passed (or the signal aborted). */
  waitForTask(id: number, request: WaitRequest): Promise<WaitOutcome>;
  /** Stages a task (a workflow-document entry) in a group; returns the group's staged tasks. */
  stageTask(group: string, task: Record<string, unknown>): Promise<StagedTask[]>;
  /** Submits a staged group as one orchestration; a group is submitted once. */
  submitGroup(group: string, options: SubmitGroupOptions): Promise<OrchestrationDetail>;
  createOrchestration(document: unknown): Promise<OrchestrationDetail>;
  getOrchestration(id: number): Promise<OrchestrationDetail>;
  listOrchestrations(request: OrchestrationListRequest): Promise<OrchestrationPage>;
  /** Releases what the backend holds (the standalone App, the staging store). */
  close(): Promise<void>;
}
