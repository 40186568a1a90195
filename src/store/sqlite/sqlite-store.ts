/**
 * The embedded SQLite store: one file, one better-sqlite3 connection per process, WAL so readers and the writer do
 * not block each other. This class only wires the parts: the connection (connection.ts), migrations, and one module
 * per operation, each with its own prepared statements. Work is synchronous inside; the async methods are the
 * `Store` seam so a networked database fits the same interface.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { ClaudeWorkerError } from '../../domain/errors.js';
import type {
  Actor,
  Attempt,
  AttemptChild,
  OrchestrationDetail,
  Task,
  TaskEvent,
} from '../../domain/vocabulary.js';
import type { WorkerRecord } from '../../domain/workers.js';
import type { LinkState } from '../../domain/dashboard-access.js';
import type {
  WebhookDelivery,
  WebhookSubscription,
  WebhookSubscriptionWithSecret,
} from '../../domain/webhooks.js';
import type {
  AttemptFinish,
  AttemptStatsRow,
  DailyFailureRow,
  DailyTaskRow,
  DashboardSessionRecord,
  ClaimedDelivery,
  DeliveryAttempt,
  NewWebhookSubscription,
  MetricsSnapshot,
  BreakerSettings,
  ModelGate,
  ClaimedTask,
  ClaimRequest,
  EventListener,
  EventQuery,
  LeaseRenewal,
  NewOrchestration,
  NewOrchestrationTask,
  NewTask,
  NewWorker,
  TaskRetryChanges,
  OrchestrationPage,
  OutputChunk,
  OutputQuery,
  OutputRead,
  OrchestrationQuery,
  Progress,
  PruneRequest,
  PruneResult,
  RecoveryRequest,
  SessionEntry,
  SessionKey,
  StagedTask,
  StatusCounts,
  Store,
  TaskPage,
  TaskQuery,
} from '../store.js';
import { prepareRequestCancel } from './cancel.js';
import { BACKSTOP_AUTOCHECKPOINT_PAGES, Checkpointer } from './checkpointer.js';
import { prepareChildren } from './children.js';
import { prepareClaimTasks } from './claim.js';
import { openDatabase } from './connection.js';
import { taskRowReader, type StoreContext } from './context.js';
import { prepareCreateTask } from './create.js';
import { prepareFinishAttempts } from './finish.js';
import { prepareRenewLeases } from './leases.js';
import { migrate } from './migrations.js';
import { prepareOrchestrations, prepareResolver } from './orchestrations/operations.js';
import { prepareOutput } from './output.js';
import { prepareRecordProgress } from './progress.js';
import { preparePrune } from './prune.js';
import { prepareQueries } from './queries.js';
import { prepareRecoverTasks } from './recovery.js';
import { prepareRetryTask } from './retry.js';
import { prepareSessions } from './sessions.js';
import { prepareDashboard } from './dashboard.js';
import { prepareDailyStats } from './daily-stats.js';
import { SqlRunner } from './sql-runner.js';
import { prepareModelGates } from './model-gates.js';
import { prepareMetrics } from './metrics.js';
import { prepareMetricsSeal } from './metrics-seal.js';
import { prepareStaging } from './staging.js';
import { EventListeners, Transactions } from './transactions.js';
import { prepareWebhooks } from './webhooks.js';
import { prepareWorkers } from './workers.js';

type Operations = ReturnType<typeof prepareOperations>;

function prepareOperations(ctx: StoreContext) {
  // Dependency resolution runs inside the transactions of finish, cancel, recovery and retry.
  const resolver = prepareResolver(ctx);
  // Scrapes seal when due; prune seals and folds what it deletes, so the counters never drop.
  const seal = prepareMetricsSeal(ctx);
  return {
    create: prepareCreateTask(ctx),
    claim: prepareClaimTasks(ctx),
    finish: prepareFinishAttempts(ctx, resolver),
    progress: prepareRecordProgress(ctx),
    children: prepareChildren(ctx),
    renew: prepareRenewLeases(ctx),
    cancel: prepareRequestCancel(ctx, resolver),
    retry: prepareRetryTask(ctx, resolver),
    recover: prepareRecoverTasks(ctx, resolver),
    orchestrations: prepareOrchestrations(ctx, resolver),
    queries: prepareQueries(ctx),
    staging: prepareStaging(ctx),
    gates: prepareModelGates(ctx),
    metrics: prepareMetrics(ctx, seal),
    workers: prepareWorkers(ctx),
    prune: preparePrune(ctx, seal),
    output: prepareOutput(ctx),
    sessions: prepareSessions(ctx),
    dashboard: prepareDashboard(ctx),
    dailyStats: prepareDailyStats(ctx),
    webhooks: prepareWebhooks(ctx),
  };
}

export class SqliteStore implements Store {
  private readonly db: BetterSqlite3.Database;
  private readonly sql: SqlRunner;
  private readonly listeners = new EventListeners();
  private prepared: Operations | null = null;
  private transactions!: Transactions;
  private readonly checkpointer: Checkpointer | null = null;

  /** Opens (and creates) the database file; call `migrate()` before anything else. */
  constructor(readonly filePath: string) {
    this.db = openDatabase(filePath);
    this.sql = new SqlRunner(this.db);
    if (filePath !== ':memory:' && filePath !== '') {
      this.checkpointer = new Checkpointer(filePath);
      this.db.pragma(`wal_autocheckpoint = ${BACKSTOP_AUTOCHECKPOINT_PAGES}`);
    }
  }

  async migrate(): Promise<void> {
    migrate(this.db, this.sql, this.filePath);
    if (!this.prepared) {
      const checkpointer = this.checkpointer;
      this.transactions = new Transactions(
        this.db,
        this.listeners,
        checkpointer ? () => checkpointer.ensureStarted() : null,
      );
      this.prepared = prepareOperations({
        db: this.db,
        tx: this.transactions,
        sql: this.sql,
        taskRow: taskRowReader(this.db),
      });
    }
  }

  async close(): Promise<void> {
    await this.checkpointer?.stop();
    if (this.db.open) this.db.close();
  }

  async createTask(task: NewTask, actor: Actor): Promise<Task> {
    return this.ops.create(task, actor);
  }

  async getTask(id: number): Promise<Task | undefined> {
    return this.ops.queries.getTask(id);
  }

  async listTasks(query: TaskQuery): Promise<TaskPage> {
    return this.ops.queries.listTasks(query);
  }

  async listAttempts(taskId: number): Promise<Attempt[]> {
    return this.ops.queries.listAttempts(taskId);
  }

  async countByStatus(): Promise<StatusCounts> {
    return this.ops.queries.countByStatus();
  }

  async claimTasks(request: ClaimRequest): Promise<ClaimedTask[]> {
    return this.ops.claim(request);
  }

  async recordProgress(taskId: number, attempt: number, progress: Progress): Promise<void> {
    this.ops.progress(taskId, attempt, progress);
  }

  async recordChild(taskId: number, attempt: number, child: AttemptChild): Promise<void> {
    this.ops.children.recordChild(taskId, attempt, child);
  }

  async recordOrphanStopped(
    taskId: number,
    attempt: number,
    data: Record<string, unknown>,
    actor: Actor,
  ): Promise<void> {
    this.ops.children.recordOrphanStopped(taskId, attempt, data, actor);
  }

  async finishAttempts(finishes: AttemptFinish[]): Promise<Task[]> {
    return this.ops.finish(finishes);
  }

  async finishAndClaim(
    finishes: AttemptFinish[],
    claim: ClaimRequest | null,
  ): Promise<{ finished: Task[]; claimed: ClaimedTask[] }> {
    const ops = this.ops;
    return this.transactions.write(() => ({
      finished: ops.finish(finishes),
      claimed: claim && claim.limit > 0 ? ops.claim(claim) : [],
    }));
  }

  async renewLeases(workerId: string, taskIds: number[], leaseMs: number): Promise<LeaseRenewal> {
    return this.ops.renew(workerId, taskIds, leaseMs);
  }

  async nextRunAfter(): Promise<Date | null> {
    return this.ops.queries.nextRunAfter();
  }

  async requestCancel(id: number, actor: Actor): Promise<Task> {
    return this.ops.cancel(id, actor);
  }

  async retryTask(id: number, actor: Actor, changes: TaskRetryChanges = {}): Promise<Task> {
    return this.ops.retry(id, actor, changes);
  }

  async recoverTasks(request: RecoveryRequest): Promise<Task[]> {
    return this.ops.recover(request);
  }

  async createOrchestration(
    orchestration: NewOrchestration,
    tasks: NewOrchestrationTask[],
    actor: Actor,
  ): Promise<OrchestrationDetail> {
    return this.ops.orchestrations.create(orchestration, tasks, actor);
  }

  async addOrchestrationTasks(
    orchestrationId: number,
    tasks: NewOrchestrationTask[],
    actor: Actor,
  ): Promise<OrchestrationDetail> {
    return this.ops.orchestrations.addTasks(orchestrationId, tasks, actor);
  }

  async getOrchestration(id: number): Promise<OrchestrationDetail | undefined> {
    return this.ops.orchestrations.get(id);
  }

  async listOrchestrations(query: OrchestrationQuery): Promise<OrchestrationPage> {
    return this.ops.orchestrations.list(query);
  }

  async cancelOrchestration(id: number, actor: Actor): Promise<OrchestrationDetail> {
    return this.ops.orchestrations.cancel(id, actor);
  }

  async stageTask(
    group: string,
    identifier: string,
    document: Record<string, unknown>,
    actor: Actor,
  ): Promise<StagedTask[]> {
    return this.ops.staging.stage(group, identifier, document, actor);
  }

  async listStagedTasks(group: string): Promise<StagedTask[]> {
    return this.ops.staging.list(group);
  }

  async markGroupSubmitted(group: string, orchestrationId: number, _actor: Actor): Promise<StagedTask[]> {
    return this.ops.staging.markSubmitted(group, orchestrationId);
  }

  async listModelGates(): Promise<ModelGate[]> {
    return this.ops.gates.list();
  }

  async setModelCooldown(model: string, until: Date, reason: string): Promise<ModelGate> {
    return this.ops.gates.setCooldown(model, until.getTime(), reason);
  }

  async recordModelFailure(model: string, settings: BreakerSettings, reason: string): Promise<ModelGate> {
    return this.ops.gates.recordFailure(model, settings, reason);
  }

  async recordModelSuccess(model: string): Promise<ModelGate | null> {
    return this.ops.gates.recordSuccess(model);
  }

  async acquireProbe(model: string, workerId: string, ttlMs: number): Promise<boolean> {
    return this.ops.gates.acquireProbe(model, workerId, ttlMs);
  }

  async releaseProbe(model: string, workerId: string): Promise<void> {
    this.ops.gates.releaseProbe(model, workerId);
  }

  async attemptStats(since: Date): Promise<AttemptStatsRow[]> {
    return this.ops.gates.attemptStats(since.getTime());
  }

  async dailyStats(since: Date): Promise<{ tasks: DailyTaskRow[]; failures: DailyFailureRow[] }> {
    return this.ops.dailyStats(since.getTime());
  }

  async createDashboardLink(codeHash: string, createdAt: number, expiresAt: number): Promise<void> {
    this.ops.dashboard.createLink(codeHash, createdAt, expiresAt);
  }

  async redeemDashboardLink(codeHash: string, now: number): Promise<LinkState> {
    return this.ops.dashboard.redeemLink(codeHash, now);
  }

  async createDashboardSession(idHash: string, createdAt: number, expiresAt: number): Promise<void> {
    this.ops.dashboard.createSession(idHash, createdAt, expiresAt);
  }

  async getDashboardSession(idHash: string): Promise<DashboardSessionRecord | undefined> {
    return this.ops.dashboard.getSession(idHash);
  }

  async extendDashboardSession(idHash: string, expiresAt: number): Promise<void> {
    this.ops.dashboard.extendSession(idHash, expiresAt);
  }

  async deleteDashboardSession(idHash: string): Promise<boolean> {
    return this.ops.dashboard.deleteSession(idHash);
  }

  async metricsSnapshot(workerLeaseMs: number): Promise<MetricsSnapshot> {
    return this.ops.metrics(workerLeaseMs);
  }

  async registerWorker(worker: NewWorker): Promise<WorkerRecord> {
    return this.ops.workers.register(worker);
  }

  async heartbeatWorker(workerId: string): Promise<boolean> {
    return this.ops.workers.heartbeat(workerId);
  }

  async stopWorker(workerId: string): Promise<void> {
    this.ops.workers.stop(workerId);
  }

  async listWorkers(): Promise<WorkerRecord[]> {
    return this.ops.workers.list();
  }

  async pruneWorkers(goneBefore: Date, dryRun: boolean): Promise<number> {
    return this.ops.workers.prune(goneBefore.getTime(), dryRun);
  }

  async appendOutput(chunks: OutputChunk[]): Promise<void> {
    this.ops.output.append(chunks);
  }

  async readOutput(query: OutputQuery): Promise<OutputRead> {
    return this.ops.output.read(query);
  }

  async appendSessionEntries(key: SessionKey, entries: SessionEntry[]): Promise<void> {
    this.ops.sessions.append(key, entries);
  }

  async loadSessionEntries(key: SessionKey): Promise<SessionEntry[] | null> {
    return this.ops.sessions.load(key);
  }

  async listSessionSubkeys(projectKey: string, sessionId: string): Promise<string[]> {
    return this.ops.sessions.subkeys(projectKey, sessionId);
  }

  async prune(request: PruneRequest): Promise<PruneResult> {
    return this.ops.prune(request);
  }

  async createWebhook(subscription: NewWebhookSubscription): Promise<WebhookSubscriptionWithSecret> {
    return this.ops.webhooks.create(subscription);
  }

  async listWebhooks(): Promise<WebhookSubscription[]> {
    return this.ops.webhooks.list();
  }

  async getWebhook(id: number): Promise<WebhookSubscriptionWithSecret | undefined> {
    return this.ops.webhooks.get(id);
  }

  async deleteWebhook(id: number): Promise<boolean> {
    return this.ops.webhooks.delete(id);
  }

  async pruneManagedWebhooks(keep: string[]): Promise<void> {
    this.ops.webhooks.pruneManaged(keep);
  }

  async listWebhookDeliveries(subscriptionId: number, limit: number): Promise<WebhookDelivery[]> {
    return this.ops.webhooks.deliveries(subscriptionId, limit);
  }

  async claimWebhookDeliveries(limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    return this.ops.webhooks.claim(limit, leaseMs);
  }

  async recordWebhookAttempt(attempt: DeliveryAttempt): Promise<void> {
    this.ops.webhooks.record(attempt);
  }

  async nextWebhookDue(): Promise<Date | null> {
    return this.ops.webhooks.nextDue();
  }

  async listEvents(query: EventQuery): Promise<TaskEvent[]> {
    return this.ops.queries.listEvents(query);
  }

  onEvents(listener: EventListener): () => void {
    return this.listeners.add(listener);
  }

  /** The operations, prepared once the tables exist. */
  private get ops(): Operations {
    if (!this.prepared) {
      throw new ClaudeWorkerError(
        'internal',
        `The SQLite store at ${this.filePath} is used before migrate(); open it with \`await store.migrate()\` first.`,
      );
    }
    return this.prepared;
  }
}
