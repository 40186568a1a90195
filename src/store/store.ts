/**
 * The Store: the single source of truth. Every state change (create, claim, finish, requeue, cancel, retry,
 * recover) is one transaction that also appends its events, so `kill -9` at any moment loses nothing.
 * Implementations: `sqlite/` (embedded default). A PostgreSQL one implements the same interface; the engine never
 * sees SQL. All methods are async so a networked database fits.
 */
import type { AttemptOutcome } from '../domain/rules/attempt-ending.js';
import type {
  Actor,
  Attempt,
  AttemptChild,
  Orchestration,
  OrchestrationDetail,
  OrchestrationStatus,
  TriggerRule,
  AttemptStatus,
  Task,
  TaskEvent,
  TaskOptions,
  TaskStatus,
  Usage,
  NotifyOptions,
} from '../domain/vocabulary.js';
import type { TokenKind } from '../domain/token-kinds.js';
import type { WorkerRecord } from '../domain/workers.js';
import type { LinkState } from '../domain/dashboard-access.js';
import type {
  DeliveryStatus,
  SubscriptionKind,
  WebhookDelivery,
  WebhookEventType,
  WebhookSubscription,
  WebhookSubscriptionWithSecret,
} from '../domain/webhooks.js';

/** A fully-resolved task to insert (defaults already applied). `{id}` in the log paths is replaced by the new id. */
export interface NewTask extends TaskOptions {
  log_path?: string | null;
  transcript_path?: string | null;
  /** The W3C `traceparent` of the request that created the task: its attempts join that trace, on any node. */
  trace_parent?: string | null;
}

/** Settings a retry changes for the next attempt (and after): each one given replaces the task's own. */
export type TaskRetryChanges = Partial<Pick<TaskOptions, 'model' | 'permission_mode' | 'timeout_seconds'>>;

/** An orchestration to create (its tasks come separately). */
export interface NewOrchestration {
  name: string | null;
  max_parallel: number | null;
  budget_usd: number | null;
  /** Its own notify settings for its ending; absent or null for none. */
  notify?: NotifyOptions | null;
}

/**
 * A task of an orchestration. `depends_on` names identifiers of the same orchestration (for `addOrchestrationTasks`,
 * existing ones too). `execution_prompt` may hold `{{ tasks.<id>.result }}` references: the store keeps it as the
 * template and renders it (src/domain/template.ts) with the dependencies' results when the task becomes ready.
 * Tasks arrive in topological order.
 */
export interface NewOrchestrationTask extends NewTask {
  identifier: string;
  depends_on: string[];
  trigger_rule: TriggerRule;
  initial_delay_seconds: number;
}

export interface OrchestrationQuery {
  status?: OrchestrationStatus[];
  limit: number;
  cursor?: string;
}

export interface OrchestrationPage {
  orchestrations: Orchestration[];
  next_cursor: string | null;
}

/**
 * What stops a model's tasks from starting, shared by every worker: a rate-limit cool-down, and a circuit breaker
 * that opens after consecutive transient API failures. `half_open` (derived) means the cool period is over and one
 * probe may run; its success closes the breaker, its failure opens it again.
 */
export interface ModelGate {
  model: string;
  cooldown_until: string | null;
  cooldown_reason: string | null;
  breaker_state: 'closed' | 'open' | 'half_open';
  consecutive_failures: number;
  breaker_open_until: string | null;
  probe_worker_id: string | null;
  /** The latest transient failure counted by the breaker, in plain words. */
  last_failure: string | null;
  updated_at: string;
}

export interface BreakerSettings {
  threshold: number;
  cool_ms: number;
}

/** Attempt outcomes grouped by hour, model and failure code (`completed` for successes). */
export interface AttemptStatsRow {
  hour: string;
  model: string;
  code: string;
  count: number;
}

export interface TaskQuery {
  status?: TaskStatus[];
  tag?: string;
  orchestration_id?: number;
  /** Exact model name. */
  model?: string;
  /** Case-insensitive substring of the prompt. */
  q?: string;
  limit: number;
  /** Opaque continuation from `TaskPage.next_cursor` (tasks are listed newest first). */
  cursor?: string;
}

export interface TaskPage {
  tasks: Task[];
  next_cursor: string | null;
}

export interface ClaimRequest {
  worker_id: string;
  /** Free slots: claim at most this many. */
  limit: number;
  lease_ms: number;
  /** Models that must not start now (cool-down, open breaker). */
  exclude_models?: string[];
  /** Claim only tasks of these models (a breaker's probe). */
  only_models?: string[];
  /** The worker's labels: a task with `runs_on` is claimed only by a worker having all of them. Default none. */
  labels?: string[];
}

/** A worker process announcing itself at start (`registerWorker`). */
export interface NewWorker {
  /** Its worker id, as its claims carry it. */
  id: string;
  host: string;
  pid: number;
  labels: string[];
  concurrency: number;
  version: string;
}

/** A task just claimed: it is `running`, its new attempt row exists. */
export interface ClaimedTask {
  task: Task;
  attempt: number;
  /** Session to resume (from the previous attempt), if the attempt before was interrupted and had one. */
  resume_session_id: string | null;
  /** The W3C `traceparent` the task was created under (its attempt's span joins that trace), or null. */
  trace_parent: string | null;
}

/** What the worker learned from one attempt (decided by the retry policy, applied by domain/rules/attempt-ending). */
export type { AttemptOutcome, UncountedReason } from '../domain/rules/attempt-ending.js';

export interface AttemptFinish {
  task_id: number;
  attempt: number;
  /** Fencing: the finish applies only if the task is still `running` under this worker and attempt. */
  worker_id: string;
  outcome: AttemptOutcome;
  result: string | null;
  session_id: string | null;
  num_turns: number | null;
  cost_usd: number | null;
  usage: Usage | null;
  duration_ms: number;
  /**
   * A hint: the orchestration of the task as the worker claimed it (it never changes). `null` lets a store record a
   * standalone task's ending without locking it first; a wrong or missing hint costs time, never correctness.
   */
  orchestration_id?: number | null;
}

export interface Progress {
  last_action: string;
  num_turns?: number | null;
  cost_usd?: number | null;
  session_id?: string | null;
}

export interface LeaseRenewal {
  /** Tasks the caller still holds. */
  held: number[];
  /** Of those, tasks someone asked to cancel: the worker must abort them. */
  cancel_requested: number[];
  /** Tasks the caller thought it held but no longer does (lease lost): abort without writing. */
  lost: number[];
}

export interface RecoveryRequest {
  /** Requeue running tasks whose lease expired before now. */
  expired_leases: boolean;
  /** Requeue running tasks held by these workers (known dead, e.g. our own previous process). */
  dead_worker_ids?: string[];
  actor: Actor;
  /** A task interrupted this many times in a row fails as `worker_lost` (default DEFAULT_MAX_INTERRUPTIONS). */
  max_interruptions?: number;
}

export interface EventQuery {
  task_id?: number;
  orchestration_id?: number;
  /** Events with id > after_id, oldest first. */
  after_id?: number;
  limit: number;
}

/**
 * A task staged for an orchestration that is not submitted yet (MCP `create_task` with `orchestration_group`).
 * `document` is the task as an entry of a workflow document (identifier, execution_prompt, depends_on, …); it is
 * validated as a whole graph only when the group is submitted.
 */
export interface StagedTask {
  group: string;
  identifier: string;
  document: Record<string, unknown>;
  actor: string;
  staged_at: string;
  /** Set once the group was submitted: the orchestration it became. */
  orchestration_id: number | null;
  submitted_at: string | null;
}

/** A task's two outputs: the human log (one line per step) and the transcript (JSONL, every raw SDK message). */
export type OutputStream = 'log' | 'transcript';

/** Text appended to one output of a task (whole lines, each ending in a newline). */
export interface OutputChunk {
  task_id: number;
  stream: OutputStream;
  text: string;
}

export interface OutputQuery {
  task_id: number;
  stream: OutputStream;
  /** Only chunks after this one (following a live output). */
  after_id?: number;
  /** Only the last chunks holding at least this many bytes (a bounded tail); the caller trims to a line start. */
  tail_bytes?: number;
}

export interface OutputRead {
  /** The text of the chunks read, in order. */
  text: string;
  /** The id of the last chunk read (pass as `after_id` to follow); `after_id` (or null) when nothing was read. */
  last_id: number | null;
  /** How many chunks were read: 0 means none is stored (yet) for this query. */
  chunks: number;
}

/**
 * Where a Claude Code session transcript lives, as the Agent SDK names it: the project (the working directory,
 * sanitised), the session id, and for a subagent's transcript a subpath. `subpath` '' is the main transcript.
 */
export interface SessionKey {
  project_key: string;
  session_id: string;
  subpath: string;
}

/** One line of a session transcript (opaque JSON; most carry a `uuid`, the idempotency key). */
export type SessionEntry = { type: string; uuid?: string; [key: string]: unknown };

/** What `prune` deletes: finished standalone tasks, and orchestrations whose every task finished, whole. */
export interface PruneRequest {
  /** Delete work that finished before this time. */
  finished_before: Date;
  /** Count only; delete nothing. */
  dry_run: boolean;
  actor: Actor;
  /** Tasks per transaction (default 2,000), so writers wait at most one batch. */
  batch_size?: number;
}

export interface PruneCounts {
  tasks: number;
  attempts: number;
  events: number;
  orchestrations: number;
}

export interface PruneResult extends PruneCounts {
  dry_run: boolean;
  /** Log and transcript files of the deleted tasks (empty for a dry run), for the caller to remove. */
  log_paths: string[];
}

export type StatusCounts = Record<TaskStatus, number>;

/** Finished tasks of one UTC day (`YYYY-MM-DD`), model and status, with their cost. */
export interface DailyTaskRow {
  date: string;
  model: string;
  status: string;
  tasks: number;
  cost_usd: number;
}

/** Failed attempts of one UTC day, by failure code. */
export interface DailyFailureRow {
  date: string;
  code: string;
  count: number;
}

/** A dashboard session as stored (epoch ms); the session id itself is stored only as a hash. */
export interface DashboardSessionRecord {
  created_at: number;
  expires_at: number;
}

/** A histogram read from the store: cumulative counts per bucket bound (in the order of the bounds), sum and count. */
export interface HistogramCounts {
  buckets: number[];
  sum: number;
  count: number;
}

/** Finished attempts of one model with one outcome (`succeeded`, else the failure class). */
export interface AttemptOutcomeCounts {
  model: string;
  outcome: string;
  count: number;
  cost_usd: number;
  tokens: Record<TokenKind, number>;
  /** Duration histogram in the bounds of ATTEMPT_DURATION_BUCKETS. */
  duration: HistogramCounts;
}

/**
 * The figures `/metrics` serves, read from the store in one call at scrape time (aggregates computed in SQL), so
 * every node of a PostgreSQL cluster serves the same numbers. Attempts finished more than an hour or two ago are
 * read from sealed totals, so counters never fall, not even when `prune` deletes the attempts they counted.
 */
export interface MetricsSnapshot {
  tasks: StatusCounts;
  attempts: AttemptOutcomeCounts[];
  /** Every claimed attempt's wait past the moment it could start, in the bounds of QUEUE_WAIT_BUCKETS. */
  queue_wait: HistogramCounts;
  gates: { model: string; cooldown: boolean; breaker: boolean }[];
  /** Workers alive: not stopped and a heartbeat within the lease. */
  workers: number;
}

export type EventListener = (events: TaskEvent[]) => void;

/** A webhook subscription to record (already validated, its secret chosen). */
export interface NewWebhookSubscription {
  kind: SubscriptionKind;
  url: string;
  events: WebhookEventType[];
  secret: string;
  /** Set for a subscription the configuration owns (`config:slack`): recorded again, in place, at each start. */
  managed_key?: string | null;
}

/** A delivery claimed for one try: the outbox row, its subscription and the event it reports. */
export interface ClaimedDelivery {
  delivery: WebhookDelivery;
  subscription: WebhookSubscriptionWithSecret;
  event: TaskEvent;
  /** The body sent by an earlier try (so a retry sends the same), null before the first. */
  payload: string | null;
}

/** What one try of a delivery came to. */
export interface DeliveryAttempt {
  id: number;
  /** The `attempts` count the claim gave it (fencing: a stale sender does not overwrite a newer try). */
  attempt: number;
  status: DeliveryStatus;
  response_code: number | null;
  error: string | null;
  /** For `pending`: when to try again. */
  next_attempt_at: Date | null;
  /** The body sent, kept for the retries; null when nothing was sent (`skipped`). */
  payload: string | null;
}

export interface Store {
  /** Applies pending numbered migrations; safe when two processes start at once. */
  migrate(): Promise<void>;
  close(): Promise<void>;

  createTask(task: NewTask, actor: Actor): Promise<Task>;
  getTask(id: number): Promise<Task | undefined>;
  listTasks(query: TaskQuery): Promise<TaskPage>;
  listAttempts(taskId: number): Promise<Attempt[]>;
  countByStatus(): Promise<StatusCounts>;

  /** One transaction: ready tasks (`queued`, run_after <= now) by priority desc, then id asc. */
  claimTasks(request: ClaimRequest): Promise<ClaimedTask[]>;
  /** Records the latest action of a running attempt (not a transition: no event row). */
  recordProgress(taskId: number, attempt: number, progress: Progress): Promise<void>;
  /**
   * Records the Claude Code process of a running attempt (shown in its Attempt as child_pid, child_start,
   * child_host), so a later start on that host can stop it if it outlives its worker. Not a transition: no event.
   * Applies only while that attempt is running.
   */
  recordChild(taskId: number, attempt: number, child: AttemptChild): Promise<void>;
  /**
   * An attempt's process outlived its worker and was stopped: one transaction stamps the attempt's
   * `orphan_stopped_at` and appends an `orphan_stopped` event (task status unchanged) with `data` (pid, host, …).
   */
  recordOrphanStopped(
    taskId: number,
    attempt: number,
    data: Record<string, unknown>,
    actor: Actor,
  ): Promise<void>;
  /** Ends attempts, several per transaction. Returns the tasks as they are after (fenced-out finishes omitted). */
  finishAttempts(finishes: AttemptFinish[]): Promise<Task[]>;
  /**
   * finishAttempts, then claimTasks for the slots those finishes freed, in ONE transaction (group commit: the hot
   * loop of a busy worker commits once per batch instead of twice).
   */
  finishAndClaim(
    finishes: AttemptFinish[],
    claim: ClaimRequest | null,
  ): Promise<{ finished: Task[]; claimed: ClaimedTask[] }>;
  renewLeases(workerId: string, taskIds: number[], leaseMs: number): Promise<LeaseRenewal>;
  /** Earliest `run_after` of a queued task in the future, so a worker can sleep until then. */
  nextRunAfter(): Promise<Date | null>;

  /**
   * waiting/queued → cancelled at once; running → `cancel_requested` (the worker aborts, then finishes it as
   * cancelled). Throws `conflict` for a finished task, `not_found` for an unknown id.
   */
  requestCancel(id: number, actor: Actor): Promise<Task>;
  /**
   * failed/cancelled/skipped → queued (one more attempt allowed), with `changes` applied to the task and recorded
   * in its `task_retried` event. Throws `conflict` otherwise.
   */
  retryTask(id: number, actor: Actor, changes?: TaskRetryChanges): Promise<Task>;
  /**
   * Running tasks whose worker is gone: attempt → interrupted (not counted), task → queued; cancelled when a cancel
   * was requested, failed (`worker_lost`) at max_interruptions in a row (domain/rules/recovery.ts).
   */
  recoverTasks(request: RecoveryRequest): Promise<Task[]>;

  /**
   * One transaction: the orchestration, its tasks, their dependency edges and events. Tasks whose dependencies are
   * all satisfied (none, for a new graph) are `queued` with run_after = now + initial_delay; the rest `waiting`.
   */
  createOrchestration(
    orchestration: NewOrchestration,
    tasks: NewOrchestrationTask[],
    actor: Actor,
  ): Promise<OrchestrationDetail>;
  /**
   * Adds tasks to an existing orchestration (they may depend on its finished tasks; trigger rules apply at once).
   * Throws `conflict` when the orchestration was cancelled, `not_found` for an unknown id.
   */
  addOrchestrationTasks(
    orchestrationId: number,
    tasks: NewOrchestrationTask[],
    actor: Actor,
  ): Promise<OrchestrationDetail>;
  getOrchestration(id: number): Promise<OrchestrationDetail | undefined>;
  listOrchestrations(query: OrchestrationQuery): Promise<OrchestrationPage>;
  /** waiting/queued tasks → cancelled, running ones → cancel requested. Throws `conflict` when already finished. */
  cancelOrchestration(id: number, actor: Actor): Promise<OrchestrationDetail>;

  /**
   * Stages one task in a group; returns the group's staged tasks, oldest first. Throws `conflict` when the
   * identifier is already staged in that group, or the group was submitted already (naming its orchestration).
   */
  stageTask(
    group: string,
    identifier: string,
    document: Record<string, unknown>,
    actor: Actor,
  ): Promise<StagedTask[]>;
  /** The tasks staged in a group, oldest first (stamped with the orchestration once submitted); empty when none. */
  listStagedTasks(group: string): Promise<StagedTask[]>;
  /**
   * Records that a group became orchestration `orchestrationId`. Throws `not_found` when nothing is staged in it and
   * `conflict` when it was submitted already (naming the existing orchestration).
   */
  markGroupSubmitted(group: string, orchestrationId: number, actor: Actor): Promise<StagedTask[]>;

  listModelGates(): Promise<ModelGate[]>;
  /** Extends a model's cool-down to at least `until` (never shortens it). */
  setModelCooldown(model: string, until: Date, reason: string): Promise<ModelGate>;
  /** A transient API failure: counts it; at the threshold, or when a probe failed, the breaker opens for cool_ms. */
  recordModelFailure(model: string, settings: BreakerSettings, reason: string): Promise<ModelGate>;
  /** A success: the breaker closes and the count resets. */
  recordModelSuccess(model: string): Promise<ModelGate | null>;
  /** Takes the one probe of a model whose breaker cool period is over; false when another worker holds it. */
  acquireProbe(model: string, workerId: string, ttlMs: number): Promise<boolean>;
  releaseProbe(model: string, workerId: string): Promise<void>;
  /** Attempts that ended since `since`, counted by hour, model and failure code. */
  attemptStats(since: Date): Promise<AttemptStatsRow[]>;
  /** Tasks that finished since `since` by UTC day, model and status; failed attempts by UTC day and failure code. */
  dailyStats(since: Date): Promise<{ tasks: DailyTaskRow[]; failures: DailyFailureRow[] }>;

  /**
   * Dashboard sign-in (secrets arrive hashed; times are epoch ms). `createDashboardLink` also deletes links and
   * sessions that expired. `redeemDashboardLink` marks a valid link used, once, in one transaction, and says what
   * the link was (domain/dashboard-access.ts `linkState`).
   */
  createDashboardLink(codeHash: string, createdAt: number, expiresAt: number): Promise<void>;
  redeemDashboardLink(codeHash: string, now: number): Promise<LinkState>;
  createDashboardSession(idHash: string, createdAt: number, expiresAt: number): Promise<void>;
  getDashboardSession(idHash: string): Promise<DashboardSessionRecord | undefined>;
  extendDashboardSession(idHash: string, expiresAt: number): Promise<void>;
  /** False when no such session was stored. */
  deleteDashboardSession(idHash: string): Promise<boolean>;
  /** The figures of `/metrics`, aggregated in SQL; workers count as alive within `worker_lease_ms`. */
  metricsSnapshot(workerLeaseMs: number): Promise<MetricsSnapshot>;

  /**
   * Worker nodes. `registerWorker` records (or re-records) a worker at start, heartbeat now; `heartbeatWorker`
   * renews its heartbeat (false when its row is gone: register again); `stopWorker` marks a graceful stop.
   * `listWorkers` lists every worker ever registered and not pruned, oldest first, each with its count of running
   * tasks; whether it is alive is derived from the heartbeat (domain/workers.ts), not stored.
   */
  registerWorker(worker: NewWorker): Promise<WorkerRecord>;
  heartbeatWorker(workerId: string): Promise<boolean>;
  stopWorker(workerId: string): Promise<void>;
  listWorkers(): Promise<WorkerRecord[]>;
  /**
   * Deletes (or, dry run, counts) workers gone since before `gone_before`: stopped then, or silent since then, and
   * holding no running task. Returns how many. A live worker whose row was deleted registers again at its heartbeat.
   */
  pruneWorkers(goneBefore: Date, dryRun: boolean): Promise<number>;

  /** Appends output chunks (any tasks), in order, in one transaction. Not a transition: no event. */
  appendOutput(chunks: OutputChunk[]): Promise<void>;
  /** Reads a task's stored output: whole, a tail, or what came after a chunk. */
  readOutput(query: OutputQuery): Promise<OutputRead>;

  /**
   * Mirrors Claude Code session transcript entries (so a task interrupted on one machine resumes on another).
   * Entries with a `uuid` already stored for that session are ignored (retries and replays do not duplicate).
   */
  appendSessionEntries(key: SessionKey, entries: SessionEntry[]): Promise<void>;
  /** The session's entries in the order they were appended; null when none is stored. */
  loadSessionEntries(key: SessionKey): Promise<SessionEntry[] | null>;
  /** Subpaths (subagent transcripts) stored under a session, besides its main transcript. */
  listSessionSubkeys(projectKey: string, sessionId: string): Promise<string[]>;

  /** Deletes (or, dry run, counts) finished work older than a cut-off, in batches; see PruneRequest. */
  prune(request: PruneRequest): Promise<PruneResult>;

  /**
   * Webhook subscriptions. `upsertWebhook` with a `managed_key` replaces that subscription in place (the
   * configuration's Slack and Discord URLs); `deleteWebhook` removes a subscription and its delivery log (false when
   * unknown). The outbox rows themselves are written by every transaction that appends an event standing for a
   * webhook type (see store/shared/outbox.ts).
   */
  createWebhook(subscription: NewWebhookSubscription): Promise<WebhookSubscriptionWithSecret>;
  listWebhooks(): Promise<WebhookSubscription[]>;
  getWebhook(id: number): Promise<WebhookSubscriptionWithSecret | undefined>;
  deleteWebhook(id: number): Promise<boolean>;
  /** Removes the managed subscriptions whose key is not in `keep` (a Slack URL taken out of the configuration). */
  pruneManagedWebhooks(keep: string[]): Promise<void>;
  /** A subscription's deliveries, newest first. */
  listWebhookDeliveries(subscriptionId: number, limit: number): Promise<WebhookDelivery[]>;
  /**
   * Takes up to `limit` pending deliveries due now, oldest due first, for one try each: their attempts count goes
   * up and their next try moves `lease_ms` ahead (if this process dies while sending, another takes them then).
   * PostgreSQL: `FOR UPDATE SKIP LOCKED`, so two nodes never take the same delivery.
   */
  claimWebhookDeliveries(limit: number, leaseMs: number): Promise<ClaimedDelivery[]>;
  /** Records a try (fenced by its attempt number; a delivered one stays delivered). */
  recordWebhookAttempt(attempt: DeliveryAttempt): Promise<void>;
  /** When the next pending delivery is due (null: none pending), so the loop can sleep until then. */
  nextWebhookDue(): Promise<Date | null>;

  listEvents(query: EventQuery): Promise<TaskEvent[]>;
  /** Called after every commit that appended events, with those events, in order. */
  onEvents(listener: EventListener): () => void;
}

export type { AttemptStatus };
