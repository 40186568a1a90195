/**
 * The PostgreSQL store, for many nodes sharing one database: `new PostgresStore({ connectionString, poolSize?,
 * schema? })`, then `migrate()`. This class only wires the parts — the pool (connection.ts), migrations, the event
 * hub (LISTEN + ordered tail), the transaction runner — to one module per operation. Rules (what a finish means,
 * retries, skips, budgets, recovery) are the shared pure functions the SQLite store calls too; the modules here
 * hold SQL, row locks and transactions.
 */
import { sql, type Kysely } from 'kysely';
import type pg from 'pg';
import { maskDatabaseUrl } from '../../config/database-url.js';
import type { WorkerRecord } from '../../domain/workers.js';
import type { LinkState } from '../../domain/dashboard-access.js';
import type {
  WebhookDelivery,
  WebhookSubscription,
  WebhookSubscriptionWithSecret,
} from '../../domain/webhooks.js';
import { ClaudeWorkerError } from '../../domain/errors.js';
import type {
  Actor,
  Attempt,
  AttemptChild,
  OrchestrationDetail,
  Task,
  TaskEvent,
} from '../../domain/vocabulary.js';
import type {
  AttemptFinish,
  DailyFailureRow,
  DailyTaskRow,
  DashboardSessionRecord,
  AttemptStatsRow,
  ClaimedDelivery,
  DeliveryAttempt,
  NewWebhookSubscription,
  MetricsSnapshot,
  BreakerSettings,
  ClaimedTask,
  ClaimRequest,
  EventListener,
  EventQuery,
  LeaseRenewal,
  ModelGate,
  NewOrchestration,
  NewOrchestrationTask,
  NewTask,
  NewWorker,
  OrchestrationPage,
  OutputChunk,
  OutputQuery,
  OutputRead,
  PruneRequest,
  PruneResult,
  SessionEntry,
  SessionKey,
  OrchestrationQuery,
  Progress,
  RecoveryRequest,
  StagedTask,
  StatusCounts,
  Store,
  TaskPage,
  TaskQuery,
  TaskRetryChanges,
} from '../store.js';
import { requestCancel } from './cancel.js';
import * as children from './children.js';
import { claimTasks } from './claim.js';
import {
  connectionError,
  isConnectionError,
  isStaleConnection,
  openPool,
  STALE_CONNECTION_RETRIES,
  schemaOf,
  type PostgresOptions,
} from './connection.js';
import { createTask } from './create.js';
import { EventHub } from './event-hub.js';
import { finishAndClaim, finishAttempts } from './finish.js';
import { migratePostgres, PG_MIGRATIONS, type MigrationResult } from './migrations.js';
import { metricsSnapshot } from './metrics.js';
import { sealStep } from './metrics-seal.js';
import * as gates from './model-gates.js';
import { cancelOrchestration } from './orchestrations/cancel.js';
import { addOrchestrationTasks, createOrchestration } from './orchestrations/create.js';
import { getOrchestration, listOrchestrations } from './orchestrations/reads.js';
import { recordProgress, renewLeases } from './progress.js';
import * as output from './output.js';
import { PgQueries } from './queries.js';
import { prune } from './prune.js';
import { recoverTasks } from './recovery.js';
import { retryTask } from './retry.js';
import type { PgDatabase } from './schema.js';
import * as webhooks from './webhooks.js';
import * as workers from './workers.js';
import * as dashboard from './dashboard.js';
import { listStaged, markGroupSubmitted, stageTask } from './staging.js';
import { PgTransactions, type PgTx, type TxOptions } from './transactions.js';

export type { PostgresOptions };

export class PostgresStore implements Store {
  readonly schema: string;
  private readonly pool: pg.Pool;
  private readonly db: Kysely<PgDatabase>;
  private readonly hub: EventHub;
  private readonly tx: PgTransactions;
  private readonly queries: PgQueries;
  private migrated = false;

  constructor(private readonly options: PostgresOptions) {
    this.schema = schemaOf(options);
    ({ pool: this.pool, db: this.db } = openPool(options));
    this.hub = new EventHub(this.db, options, this.schema);
    this.tx = new PgTransactions(this.db, this.hub);
    this.queries = new PgQueries(this.db);
  }

  /** Where this store keeps its data, for people: the URL with its password masked, and the schema. */
  describe(): string {
    const url = maskDatabaseUrl(this.options.connectionString);
    return this.schema === 'public' ? url : `${url} (schema ${this.schema})`;
  }

  async migrate(): Promise<void> {
    await this.migrateSchema();
  }

  /** Creates or upgrades the schema; says which versions it applied. Safe when many nodes start at once. */
  async migrateSchema(): Promise<MigrationResult> {
    const result = await this.guard(() => migratePostgres(this.db, this.schema, this.describe()));
    this.migrated = true;
    this.hub.markReady();
    return result;
  }

  /**
   * Connects without changing anything: the schema version found (null when the schema is not created yet), the
   * version this build knows, and the number of tasks when the schema exists.
   */
  async inspect(): Promise<{ version: number | null; known: number; tasks: number | null }> {
    return this.guard(async () => {
      const known = Math.max(...PG_MIGRATIONS.map((m) => m.version));
      const table = await sql<{
        t: string | null;
      }>`SELECT to_regclass(${`${this.schema}.migrations`})::text AS t`.execute(this.db);
      if (!table.rows[0]?.t) return { version: null, known, tasks: null };
      const version = await sql<{
        v: number | null;
      }>`SELECT max(version) AS v FROM ${sql.id(this.schema, 'migrations')}`.execute(this.db);
      const v = version.rows[0]?.v ?? null;
      if (v === null || v > known) return { version: v, known, tasks: null };
      const tasks = await sql<{
        n: number;
      }>`SELECT count(*) AS n FROM ${sql.id(this.schema, 'tasks')}`.execute(this.db);
      return { version: v, known, tasks: tasks.rows[0]?.n ?? 0 };
    });
  }

  async close(): Promise<void> {
    await this.hub.close();
    await this.db.destroy();
  }

  createTask(task: NewTask, actor: Actor): Promise<Task> {
    return this.write((tx) => createTask(tx, task, actor));
  }

  getTask(id: number): Promise<Task | undefined> {
    return this.read(() => this.queries.getTask(id));
  }

  listTasks(query: TaskQuery): Promise<TaskPage> {
    return this.read(() => this.queries.listTasks(query));
  }

  listAttempts(taskId: number): Promise<Attempt[]> {
    return this.read(() => this.queries.listAttempts(taskId));
  }

  countByStatus(): Promise<StatusCounts> {
    return this.read(() => this.queries.countByStatus());
  }

  claimTasks(request: ClaimRequest): Promise<ClaimedTask[]> {
    if (request.limit <= 0) return Promise.resolve([]);
    return this.write((tx) => claimTasks(tx, request), { hotPath: true });
  }

  recordProgress(taskId: number, attempt: number, progress: Progress): Promise<void> {
    return this.write((tx) => recordProgress(tx, taskId, attempt, progress));
  }

  finishAttempts(finishes: AttemptFinish[]): Promise<Task[]> {
    if (finishes.length === 0) return Promise.resolve([]);
    return this.write((tx) => finishAttempts(tx, finishes), { hotPath: true });
  }

  finishAndClaim(
    finishes: AttemptFinish[],
    claim: ClaimRequest | null,
  ): Promise<{ finished: Task[]; claimed: ClaimedTask[] }> {
    return this.write((tx) => finishAndClaim(tx, finishes, claim), { hotPath: true });
  }

  renewLeases(workerId: string, taskIds: number[], leaseMs: number): Promise<LeaseRenewal> {
    return this.write((tx) => renewLeases(tx, workerId, taskIds, leaseMs));
  }

  nextRunAfter(): Promise<Date | null> {
    return this.read(() => this.queries.nextRunAfter());
  }

  requestCancel(id: number, actor: Actor): Promise<Task> {
    return this.write((tx) => requestCancel(tx, id, actor));
  }

  retryTask(id: number, actor: Actor, changes?: TaskRetryChanges): Promise<Task> {
    return this.write((tx) => retryTask(tx, id, actor, changes));
  }

  recoverTasks(request: RecoveryRequest): Promise<Task[]> {
    return this.write((tx) => recoverTasks(tx, request));
  }

  createOrchestration(
    orchestration: NewOrchestration,
    tasks: NewOrchestrationTask[],
    actor: Actor,
  ): Promise<OrchestrationDetail> {
    return this.write((tx) => createOrchestration(tx, orchestration, tasks, actor));
  }

  addOrchestrationTasks(
    orchestrationId: number,
    tasks: NewOrchestrationTask[],
    actor: Actor,
  ): Promise<OrchestrationDetail> {
    return this.write((tx) => addOrchestrationTasks(tx, orchestrationId, tasks, actor));
  }

  getOrchestration(id: number): Promise<OrchestrationDetail | undefined> {
    return this.write((tx) => getOrchestration(tx, id));
  }

  listOrchestrations(query: OrchestrationQuery): Promise<OrchestrationPage> {
    return this.write((tx) => listOrchestrations(tx, query));
  }

  cancelOrchestration(id: number, actor: Actor): Promise<OrchestrationDetail> {
    return this.write((tx) => cancelOrchestration(tx, id, actor));
  }

  stageTask(
    group: string,
    identifier: string,
    document: Record<string, unknown>,
    actor: Actor,
  ): Promise<StagedTask[]> {
    return this.write((tx) => stageTask(tx, group, identifier, document, actor));
  }

  listStagedTasks(group: string): Promise<StagedTask[]> {
    return this.write((tx) => listStaged(tx, group));
  }

  markGroupSubmitted(group: string, orchestrationId: number, _actor: Actor): Promise<StagedTask[]> {
    return this.write((tx) => markGroupSubmitted(tx, group, orchestrationId));
  }

  listModelGates(): Promise<ModelGate[]> {
    return this.write((tx) => gates.listModelGates(tx));
  }

  setModelCooldown(model: string, until: Date, reason: string): Promise<ModelGate> {
    return this.write((tx) => gates.setModelCooldown(tx, model, until.getTime(), reason));
  }

  recordModelFailure(model: string, settings: BreakerSettings, reason: string): Promise<ModelGate> {
    return this.write((tx) => gates.recordModelFailure(tx, model, settings, reason));
  }

  recordModelSuccess(model: string): Promise<ModelGate | null> {
    return this.write((tx) => gates.recordModelSuccess(tx, model));
  }

  acquireProbe(model: string, workerId: string, ttlMs: number): Promise<boolean> {
    return this.write((tx) => gates.acquireProbe(tx, model, workerId, ttlMs));
  }

  releaseProbe(model: string, workerId: string): Promise<void> {
    return this.write((tx) => gates.releaseProbe(tx, model, workerId));
  }

  attemptStats(since: Date): Promise<AttemptStatsRow[]> {
    return this.write((tx) => gates.attemptStats(tx, since.getTime()));
  }

  createWebhook(subscription: NewWebhookSubscription): Promise<WebhookSubscriptionWithSecret> {
    return this.write((tx) => webhooks.createWebhook(tx, subscription));
  }

  listWebhooks(): Promise<WebhookSubscription[]> {
    return this.write((tx) => webhooks.listWebhooks(tx));
  }

  getWebhook(id: number): Promise<WebhookSubscriptionWithSecret | undefined> {
    return this.write((tx) => webhooks.getWebhook(tx, id));
  }

  deleteWebhook(id: number): Promise<boolean> {
    return this.write((tx) => webhooks.deleteWebhook(tx, id));
  }

  pruneManagedWebhooks(keep: string[]): Promise<void> {
    return this.write((tx) => webhooks.pruneManagedWebhooks(tx, keep));
  }

  listWebhookDeliveries(subscriptionId: number, limit: number): Promise<WebhookDelivery[]> {
    return this.write((tx) => webhooks.listWebhookDeliveries(tx, subscriptionId, limit));
  }

  claimWebhookDeliveries(limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    return this.write((tx) => webhooks.claimWebhookDeliveries(tx, limit, leaseMs));
  }

  recordWebhookAttempt(attempt: DeliveryAttempt): Promise<void> {
    return this.write((tx) => webhooks.recordWebhookAttempt(tx, attempt));
  }

  nextWebhookDue(): Promise<Date | null> {
    return this.write((tx) => webhooks.nextWebhookDue(tx));
  }

  async metricsSnapshot(workerLeaseMs: number): Promise<MetricsSnapshot> {
    // A long catch-up seals in steps, one transaction each.
    while (await this.write((tx) => sealStep(tx))) continue;
    return this.write((tx) => metricsSnapshot(tx, workerLeaseMs));
  }

  listEvents(query: EventQuery): Promise<TaskEvent[]> {
    return this.read(() => this.queries.listEvents(query));
  }

  recordChild(taskId: number, attempt: number, child: AttemptChild): Promise<void> {
    return this.write((tx) => children.recordChild(tx, taskId, attempt, child));
  }

  recordOrphanStopped(
    taskId: number,
    attempt: number,
    data: Record<string, unknown>,
    actor: Actor,
  ): Promise<void> {
    return this.write((tx) => children.recordOrphanStopped(tx, taskId, attempt, data, actor));
  }

  registerWorker(worker: NewWorker): Promise<WorkerRecord> {
    return this.write((tx) => workers.registerWorker(tx, worker));
  }

  heartbeatWorker(workerId: string): Promise<boolean> {
    return this.write((tx) => workers.heartbeatWorker(tx, workerId));
  }

  stopWorker(workerId: string): Promise<void> {
    return this.write((tx) => workers.stopWorker(tx, workerId));
  }

  listWorkers(): Promise<WorkerRecord[]> {
    return this.write((tx) => workers.listWorkers(tx));
  }

  dailyStats(since: Date): Promise<{ tasks: DailyTaskRow[]; failures: DailyFailureRow[] }> {
    return this.write((tx) => dashboard.dailyStats(tx, since.getTime()));
  }

  createDashboardLink(codeHash: string, createdAt: number, expiresAt: number): Promise<void> {
    return this.write((tx) => dashboard.createLink(tx, codeHash, createdAt, expiresAt));
  }

  redeemDashboardLink(codeHash: string, now: number): Promise<LinkState> {
    return this.write((tx) => dashboard.redeemLink(tx, codeHash, now));
  }

  createDashboardSession(idHash: string, createdAt: number, expiresAt: number): Promise<void> {
    return this.write((tx) => dashboard.createSession(tx, idHash, createdAt, expiresAt));
  }

  getDashboardSession(idHash: string): Promise<DashboardSessionRecord | undefined> {
    return this.write((tx) => dashboard.getSession(tx, idHash));
  }

  extendDashboardSession(idHash: string, expiresAt: number): Promise<void> {
    return this.write((tx) => dashboard.extendSession(tx, idHash, expiresAt));
  }

  deleteDashboardSession(idHash: string): Promise<boolean> {
    return this.write((tx) => dashboard.deleteSession(tx, idHash));
  }

  pruneWorkers(goneBefore: Date, dryRun: boolean): Promise<number> {
    return this.write((tx) => workers.pruneWorkers(tx, goneBefore.getTime(), dryRun));
  }

  appendOutput(chunks: OutputChunk[]): Promise<void> {
    if (chunks.length === 0) return Promise.resolve();
    return this.write((tx) => output.appendOutput(tx, chunks));
  }

  readOutput(query: OutputQuery): Promise<OutputRead> {
    return this.write((tx) => output.readOutput(tx, query));
  }

  appendSessionEntries(key: SessionKey, entries: SessionEntry[]): Promise<void> {
    if (entries.length === 0) return Promise.resolve();
    return this.write((tx) => output.appendSessionEntries(tx, key, entries));
  }

  loadSessionEntries(key: SessionKey): Promise<SessionEntry[] | null> {
    return this.write((tx) => output.loadSessionEntries(tx, key));
  }

  listSessionSubkeys(projectKey: string, sessionId: string): Promise<string[]> {
    return this.write((tx) => output.listSessionSubkeys(tx, projectKey, sessionId));
  }

  async prune(request: PruneRequest): Promise<PruneResult> {
    this.assertMigrated();
    return this.guard(() => prune(this.tx, request));
  }

  onEvents(listener: EventListener): () => void {
    return this.hub.add(listener);
  }

  /** One transaction (reads that need several statements use it too, for one consistent view). */
  private async write<T>(work: (tx: PgTx) => Promise<T>, options?: TxOptions): Promise<T> {
    this.assertMigrated();
    return this.guard(() => this.tx.run(work, options));
  }

  private async read<T>(work: () => Promise<T>): Promise<T> {
    this.assertMigrated();
    return this.guard(async () => {
      for (let retry = 0; ; retry++) {
        try {
          return await work();
        } catch (err) {
          if (retry >= STALE_CONNECTION_RETRIES || !isStaleConnection(err)) throw err;
        }
      }
    });
  }

  /** Connection failures become one clear error naming host and database; other errors pass unchanged. */
  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (err instanceof ClaudeWorkerError || !isConnectionError(err)) throw err;
      throw connectionError(err, this.options.connectionString);
    }
  }

  private assertMigrated(): void {
    if (!this.migrated) {
      throw new ClaudeWorkerError(
        'internal',
        `The PostgreSQL store at ${this.describe()} is used before migrate(); open it with \`await store.migrate()\` first.`,
      );
    }
  }
}
