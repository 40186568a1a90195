/**
 * The typed HTTP client of the REST API, used by the CLI and the MCP proxy: one method per route, JSON in and out,
 * problem+json answers turned back into ClaudeWorkerError with the same code, and streams (followed logs, live
 * events) as async iterables that end when the server ends them or the caller aborts.
 */
import type { ErrorStats } from '../engine/error-stats.js';
import type { StagedGroup, SubmitStagedGroupBody } from '../contract/staging-schemas.js';
import type { PruneOptions, PruneReport } from '../engine/prune-service.js';
import type { ModelGate, StagedTask } from '../store/store.js';
import type * as z from 'zod';
import type { Health, HealthDetailed } from '../api/wire-schemas.js';
import type { CreateTaskInput, RetryTaskInput } from '../contract/task-schemas.js';
import type { LiveEvent } from '../engine/event-bus.js';
import type {
  Attempt,
  Orchestration,
  OrchestrationDetail,
  OrchestrationStatus,
  Task,
  TaskEvent,
  TaskStatus,
  Worker,
} from '../domain/vocabulary.js';
import type { OrchestrationDocument } from '../contract/orchestration-schemas.js';
import type { WorkflowPlan } from '../workflow/plan.js';
import { ClaudeWorkerError } from '../domain/errors.js';
import type {
  WebhookDelivery,
  WebhookSubscription,
  WebhookSubscriptionWithSecret,
} from '../domain/webhooks.js';
import { tooDeepAt, tooDeepMessage } from '../domain/nesting.js';
import { connectionError, responseError, streamBrokenError, timeoutError } from './errors.js';
import { SseParser } from './sse-parser.js';
import type {
  DailyStats,
  DashboardLink,
  DocumentValidation,
  SystemView,
  ValidateDocumentInput,
} from '../contract/dashboard-schemas.js';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface ClientOptions {
  /** Base URL of the server, e.g. http://127.0.0.1:7420. */
  url: string;
  token: string;
  fetchImpl?: FetchLike;
  /** Sent as X-Claude-Worker-Actor, recorded in the audit trail (`cli`, `mcp`); default `api`. */
  actor?: string;
  /** Limit for ordinary (non-streaming) requests; default 30 s. */
  timeoutMs?: number;
}

export type TaskWithAttempts = Task & { attempts: Attempt[] };
export interface TaskList {
  tasks: Task[];
  next_cursor: string | null;
}
export interface ListTasksOptions {
  status?: TaskStatus | readonly TaskStatus[];
  tag?: string;
  orchestration_id?: number;
  /** Same as orchestration_id (the dashboard's name for the filter). */
  orchestration?: number;
  model?: string;
  /** Case-insensitive text in the prompt. */
  q?: string;
  limit?: number;
  cursor?: string;
}
export interface EventListOptions {
  after_id?: number;
  task_id?: number;
  limit?: number;
}
export type LogFormat = 'text' | 'jsonl';
export interface LogOptions {
  format?: LogFormat;
  tail_bytes?: number;
}
export interface StreamOptions {
  signal?: AbortSignal;
}
export interface EventStreamOptions extends StreamOptions {
  task_id?: number;
  /** Replay stored events after this id first (as a reconnecting EventSource would). */
  last_event_id?: number;
}
/** One live event: `id` is the stored event id, null for live-only progress. */
export interface StreamedEvent {
  id: number | null;
  type: string;
  data: LiveEvent;
}
export type CreateTaskRequest = z.input<typeof CreateTaskInput>;
export type RetryTaskRequest = z.input<typeof RetryTaskInput>;
/**
 * The shape of an orchestration document (a workflow file as JSON). The orchestration methods take `unknown`
 * because the server is the one validator: a document read from a file goes as it is, and every problem comes back
 * in one `validation` error.
 */
export type OrchestrationRequest = z.input<typeof OrchestrationDocument>;
export interface OrchestrationList {
  orchestrations: Orchestration[];
  next_cursor: string | null;
}
export interface ListOrchestrationsOptions {
  status?: OrchestrationStatus | readonly OrchestrationStatus[];
  limit?: number;
  cursor?: string;
}
/** The answer of a dry run: the plan as data and as the text `orchestrate --dry-run` prints. */
export interface OrchestrationValidation {
  valid: true;
  plan: WorkflowPlan;
  text: string;
}
type Query = Record<string, string | number | boolean | undefined>;

interface RequestOptions {
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
  accept?: string;
  stream?: boolean;
}

export class ClaudeWorkerClient {
  readonly url: string;
  private readonly token: string;
  private readonly fetchImpl: FetchLike;
  private readonly actor: string | undefined;
  private readonly timeoutMs: number;

  constructor(options: ClientOptions) {
    this.url = options.url.replace(/\/+$/, '');
    this.token = options.token;
    this.fetchImpl = options.fetchImpl ?? ((input, init) => fetch(input, init));
    this.actor = options.actor;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  createTask(input: CreateTaskRequest): Promise<Task> {
    return this.json('POST', '/api/v1/tasks', { body: input });
  }

  listTasks(options: ListTasksOptions = {}): Promise<TaskList> {
    const status = typeof options.status === 'string' ? options.status : options.status?.join(',');
    return this.json('GET', '/api/v1/tasks', { query: { ...options, status } });
  }

  getTask(id: number): Promise<TaskWithAttempts> {
    return this.json('GET', `/api/v1/tasks/${id}`);
  }

  cancelTask(id: number): Promise<Task> {
    return this.json('POST', `/api/v1/tasks/${id}/cancel`);
  }

  /** Queues a finished task again; `changes` replace its model, permission mode or timeout from now on. */
  retryTask(id: number, changes: RetryTaskRequest = {}): Promise<Task> {
    const body = Object.keys(changes).length > 0 ? changes : undefined;
    return this.json('POST', `/api/v1/tasks/${id}/retry`, { body });
  }

  async listAttempts(id: number): Promise<Attempt[]> {
    return (await this.json<{ attempts: Attempt[] }>('GET', `/api/v1/tasks/${id}/attempts`)).attempts;
  }

  /** Stored events of one task, oldest first (at most `limit`, default 200, after `after_id`). */
  async taskEvents(id: number, options: Omit<EventListOptions, 'task_id'> = {}): Promise<TaskEvent[]> {
    return (
      await this.json<{ events: TaskEvent[] }>('GET', `/api/v1/tasks/${id}/events`, { query: { ...options } })
    ).events;
  }

  /** Stored events, oldest first; pass the last id seen as `after_id` to continue. */
  async listEvents(options: EventListOptions = {}): Promise<TaskEvent[]> {
    return (await this.json<{ events: TaskEvent[] }>('GET', '/api/v1/events', { query: { ...options } }))
      .events;
  }

  /** The whole log (or its last `tail_bytes`) as text. */
  async logs(id: number, options: LogOptions = {}): Promise<string> {
    const response = await this.request('GET', `/api/v1/tasks/${id}/logs`, {
      query: { ...options },
      accept: '*/*',
    });
    return response.text();
  }

  /** The log as it grows, until the task has finished (or `signal` aborts). */
  async *followLogs(id: number, options: LogOptions & StreamOptions = {}): AsyncGenerator<string> {
    const { signal, ...query } = options;
    const response = await this.openStream(
      `/api/v1/tasks/${id}/logs`,
      { ...query, follow: true },
      '*/*',
      signal,
    );
    if (response) yield* this.text(response, signal);
  }

  /** Live events (Server-Sent Events), until the server closes the stream or `signal` aborts. */
  async *streamEvents(options: EventStreamOptions = {}): AsyncGenerator<StreamedEvent> {
    const { signal, task_id, last_event_id } = options;
    const response = await this.openStream(
      '/api/v1/events/stream',
      { task_id, after_id: last_event_id },
      'text/event-stream',
      signal,
    );
    if (!response) return;
    const parser = new SseParser();
    for await (const chunk of this.text(response, signal)) {
      for (const message of parser.push(chunk)) {
        yield {
          id: message.id === null ? null : Number(message.id),
          type: message.event,
          data: JSON.parse(message.data) as LiveEvent,
        };
      }
    }
  }

  /** Creates an orchestration from a document (`OrchestrationRequest`); directories must be absolute. */
  /** Stages a task (one entry of a workflow document) in a group; returns the group's staged tasks. */
  stageTask(group: string, task: Record<string, unknown>): Promise<{ group: string; tasks: StagedTask[] }> {
    return this.json('POST', `/api/v1/staged-groups/${encodeURIComponent(group)}/tasks`, { body: task });
  }

  getStagedGroup(group: string): Promise<StagedGroup> {
    return this.json('GET', `/api/v1/staged-groups/${encodeURIComponent(group)}`);
  }

  /** Submits a staged group as one orchestration (once). */
  submitStagedGroup(group: string, settings: SubmitStagedGroupBody): Promise<OrchestrationDetail> {
    return this.json('POST', `/api/v1/staged-groups/${encodeURIComponent(group)}/submit`, { body: settings });
  }

  createOrchestration(document: unknown): Promise<OrchestrationDetail> {
    return this.json('POST', '/api/v1/orchestrations', { body: document ?? null });
  }

  /** Validates a document without creating anything; a `validation` error lists every problem. */
  validateOrchestration(document: unknown): Promise<OrchestrationValidation> {
    return this.json('POST', '/api/v1/orchestrations/validate', { body: document ?? null });
  }

  listOrchestrations(options: ListOrchestrationsOptions = {}): Promise<OrchestrationList> {
    const status = typeof options.status === 'string' ? options.status : options.status?.join(',');
    return this.json('GET', '/api/v1/orchestrations', { query: { ...options, status } });
  }

  getOrchestration(id: number): Promise<OrchestrationDetail> {
    return this.json('GET', `/api/v1/orchestrations/${id}`);
  }

  cancelOrchestration(id: number): Promise<OrchestrationDetail> {
    return this.json('POST', `/api/v1/orchestrations/${id}/cancel`);
  }

  /** Adds tasks (`{ tasks, defaults? }`, shaped as in `OrchestrationRequest`) to an existing orchestration. */
  addOrchestrationTasks(id: number, input: unknown): Promise<OrchestrationDetail> {
    return this.json('POST', `/api/v1/orchestrations/${id}/tasks`, { body: input ?? null });
  }

  health(): Promise<Health> {
    return this.json('GET', '/health');
  }

  healthDetailed(): Promise<HealthDetailed> {
    return this.json('GET', '/health/detailed');
  }

  /** Error metrics over the last `hours` and the model gates. */
  stats(hours?: number): Promise<ErrorStats & { models: ModelGate[] }> {
    return this.json('GET', '/api/v1/stats', { query: { hours } });
  }

  /** Every worker node, alive or gone (`GET /api/v1/workers`). */
  async listWorkers(): Promise<Worker[]> {
    return (await this.json<{ workers: Worker[] }>('GET', '/api/v1/workers')).workers;
  }

  /** Subscribes a URL to webhook events; the answer holds the secret (shown only now). */
  createWebhook(input: {
    url: string;
    events: string[];
    secret?: string;
  }): Promise<WebhookSubscriptionWithSecret> {
    return this.json('POST', '/api/v1/webhooks', { body: input });
  }

  async listWebhooks(): Promise<WebhookSubscription[]> {
    return (await this.json<{ webhooks: WebhookSubscription[] }>('GET', '/api/v1/webhooks')).webhooks;
  }

  async removeWebhook(id: number): Promise<void> {
    await this.request('DELETE', `/api/v1/webhooks/${id}`);
  }

  /** A subscription's delivery log, newest first. */
  async webhookDeliveries(id: number, limit?: number): Promise<WebhookDelivery[]> {
    const path = `/api/v1/webhooks/${id}/deliveries`;
    return (await this.json<{ deliveries: WebhookDelivery[] }>('GET', path, { query: { limit } })).deliveries;
  }

  /** Deletes (or, dry run, counts) finished work older than an age. */
  /** A one-time sign-in link for the dashboard (`claude-worker dashboard`). */
  createDashboardLink(): Promise<DashboardLink> {
    return this.json('POST', '/api/v1/dashboard/links');
  }

  dailyStats(days?: number): Promise<DailyStats> {
    return this.json('GET', '/api/v1/stats/daily', { query: { days } });
  }

  /** Validates workflow text for the editor: problems with their line and column, and the graph read so far. */
  validateDocument(input: ValidateDocumentInput): Promise<DocumentValidation> {
    return this.json('POST', '/api/v1/orchestrations/validate-document', { body: input });
  }

  /** What the dashboard's System view shows: health, workers, failure classes. */
  system(): Promise<SystemView> {
    return this.json('GET', '/api/v1/system');
  }

  prune(options: PruneOptions): Promise<PruneReport> {
    return this.json('POST', '/api/v1/prune', { body: options });
  }

  private async json<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.request(method, path, options);
    try {
      return (await response.json()) as T;
    } catch (err) {
      throw streamBrokenError(this.url, err);
    }
  }

  private async request(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const target = new URL(this.url + path);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) target.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.token}`,
      accept: options.accept ?? 'application/json',
    };
    if (this.actor) headers['x-claude-worker-actor'] = this.actor;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    // Streams run as long as they must; ordinary requests get a deadline so a stuck server cannot hang the CLI.
    const deadline = options.stream ? undefined : AbortSignal.timeout(this.timeoutMs);
    const signals = [options.signal, deadline].filter((s): s is AbortSignal => s !== undefined);
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    const body = options.body === undefined ? undefined : serializeBody(options.body);
    let response: Response;
    try {
      response = await this.fetchImpl(target.toString(), { method, headers, body, signal });
    } catch (err) {
      if (options.signal?.aborted) throw err;
      if (deadline?.aborted) throw timeoutError(this.url, this.timeoutMs, err);
      throw connectionError(this.url, err);
    }
    if (!response.ok) throw await responseError(response, this.url);
    return response;
  }

  /** Opens a streaming response; null when the caller aborted first. */
  private async openStream(
    path: string,
    query: Query,
    accept: string,
    signal: AbortSignal | undefined,
  ): Promise<Response | null> {
    try {
      return await this.request('GET', path, { query, signal, accept, stream: true });
    } catch (err) {
      if (signal?.aborted) return null;
      throw err;
    }
  }

  /** Decoded text chunks of a streaming body; a caller's abort ends it quietly, a broken connection throws. */
  private async *text(response: Response, signal: AbortSignal | undefined): AsyncGenerator<string> {
    if (!response.body) return;
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    try {
      for (;;) {
        let next: Awaited<ReturnType<typeof reader.read>>;
        try {
          next = await reader.read();
        } catch (err) {
          if (signal?.aborted) return;
          throw streamBrokenError(this.url, err);
        }
        if (next.done) return;
        yield next.value;
      }
    } finally {
      await reader.cancel().catch(() => undefined);
    }
  }
}

/** The JSON of a request body; input nested too deeply for JSON.stringify is bad input, not a network failure. */
function serializeBody(body: unknown): string {
  const deep = tooDeepAt(body);
  if (deep !== null)
    throw ClaudeWorkerError.validation([{ path: '', message: tooDeepMessage(deep) }], 'The input');
  return JSON.stringify(body);
}
