/**
 * The composition root: builds the object graph (store, live bus, log files, task service, engine with its executor)
 * from a configuration, in a private home folder (0700, files 0600; a looser existing one is tightened, and the log
 * says so). The server, the standalone MCP server, tests and benchmarks all start here; nothing else constructs
 * these parts.
 */
import { VERSION } from './api/version.js';
import type { Config } from './config/schema.js';
import type { CopyReport } from './store/copy-to-postgres.js';
import { homePaths, type HomePaths } from './config/paths.js';
import { DashboardAccess } from './engine/dashboard-access.js';
import { EventBus } from './engine/event-bus.js';
import { Engine } from './engine/engine.js';
import { OrchestrationService } from './engine/orchestration-service.js';
import { PruneService } from './engine/prune-service.js';
import { StoreSessionMirror } from './engine/session-mirror.js';
import { OutputReader } from './engine/output-reader.js';
import { TaskOutput } from './engine/task-output.js';
import { StagingService } from './engine/staging-service.js';
import { TaskService } from './engine/task-service.js';
import { WebhookService } from './engine/webhook-service.js';
import { recordChannels } from './notify/channels.js';
import { DeliveryLoop } from './notify/delivery-loop.js';
import { ClaudeExecutor } from './executor/claude-executor.js';
import type { Executor } from './executor/executor.js';
import { stderrLogger, type Logger } from './observability/logger.js';
import type { Metrics } from './observability/metrics.js';
import { openTracing, type Tracing } from './observability/tracing.js';
import { TaskLogFiles } from './observability/task-log-files.js';
import { openStore, storeChoice, type StoreChoice } from './store/open-store.js';
import type { PostgresStore } from './store/postgres/postgres-store.js';
import { makePrivateDir, tightenHome } from './platform/private-files.js';
import type { Store } from './store/store.js';

export interface AppOptions {
  config: Config;
  /** Defaults to the Claude Code executor. Tests and benchmarks pass their own. */
  executor?: Executor;
  /** Run a worker in this process (default true). */
  worker?: boolean;
  /** The worker's labels (`worker --label`): it also takes tasks whose `runs_on` labels it all has. */
  labels?: string[];
  /** Use this store instead of the one the configuration names (database_url, else the SQLite file). */
  store?: Store;
  /** Write a log and transcript file per task (default true). Benchmarks turn it off to measure the engine alone. */
  taskLogFiles?: boolean;
  /** Where the engine reports what goes wrong (the server passes its pino file logger); default stderr. */
  logger?: Logger;
  /** Default: OpenTelemetry when the OTEL_* variables ask for it (observability/tracing.ts), else none. */
  tracing?: Tracing;
}

/** Which store a configuration names and where (the URL's password masked), for the edges to show. */
export const storeChoiceOf = storeChoice;

/** What `db migrate` did: the store, and for PostgreSQL the schema versions applied and the version now. */
export interface MigrationReport extends StoreChoice {
  applied: number[];
  version: number | null;
}

/** Creates or upgrades the configured store's schema (what every start does too), and says what it did. */
export async function migrateStore(config: Config): Promise<MigrationReport> {
  const store = await openStore(config);
  try {
    if (storeChoice(config).kind === 'postgres') {
      const result = await (store as PostgresStore).migrateSchema();
      return { ...storeChoice(config), applied: result.applied, version: result.version };
    }
    await store.migrate();
    return { ...storeChoice(config), applied: [], version: null };
  } finally {
    await store.close();
  }
}

export type { CopyReport } from './store/copy-to-postgres.js';

/** `db copy`: a machine's SQLite history into an empty PostgreSQL store, ids kept, in one transaction. */
export async function copyDatabase(from: string, to: string): Promise<CopyReport> {
  const { copySqliteToPostgres } = await import('./store/copy-to-postgres.js');
  return copySqliteToPostgres({ from, to });
}

/** What `doctor` and `config` report about the configured store. */
export interface StoreProbe extends StoreChoice {
  /** Tasks stored; null when the PostgreSQL schema is not created yet or is newer than this build. */
  tasks: number | null;
  /** For PostgreSQL: the schema version found (null: not created yet) and the one this build knows. */
  schema_version: number | null;
  known_version: number | null;
}

/**
 * Opens the configured store to check it: throws what a person needs to see (unreachable, refused, no such
 * database: exit 3). PostgreSQL is only read (a missing schema is reported, not created); the SQLite file is
 * created and migrated as any start would.
 */
export async function probeStore(config: Config): Promise<StoreProbe> {
  const store = await openStore(config);
  try {
    if (storeChoice(config).kind === 'postgres') {
      const found = await (store as PostgresStore).inspect();
      return {
        ...storeChoice(config),
        tasks: found.tasks,
        schema_version: found.version,
        known_version: found.known,
      };
    }
    await store.migrate();
    const counts = await store.countByStatus();
    const tasks = Object.values(counts).reduce((sum, n) => sum + n, 0);
    return { ...storeChoice(config), tasks, schema_version: null, known_version: null };
  } finally {
    await store.close();
  }
}

export class App {
  /** The server's URL once it listens (links in notifications when `dashboard_url` is not set). */
  publicUrl: string | null = null;
  readonly webhooks: WebhookService;
  /** Sends the webhook outbox (every server and worker process runs one; see notify/delivery-loop.ts). */
  readonly deliveries: DeliveryLoop;
  private metricsRegistry: Promise<Metrics> | null = null;

  private constructor(
    readonly config: Config,
    readonly paths: HomePaths,
    readonly store: Store,
    readonly bus: EventBus,
    readonly logFiles: TaskLogFiles,
    readonly tasks: TaskService,
    readonly orchestrations: OrchestrationService,
    readonly staging: StagingService,
    readonly engine: Engine | null,
    readonly pruning: PruneService,
    readonly output: TaskOutput,
    readonly outputReader: OutputReader,
    readonly tracing: Tracing,
    logger: Logger,
  ) {
    this.webhooks = new WebhookService(store, () => this.deliveries.subscriptionsChanged());
    this.deliveries = new DeliveryLoop({
      store,
      logger,
      retryBaseSeconds: config.webhook_retry_base_seconds,
      dashboardBase: () => config.dashboard_url ?? this.publicUrl,
    });
  }

  static async open(options: AppOptions): Promise<App> {
    const { config } = options;
    const paths = homePaths(config.home);
    makePrivateDir(paths.logs);
    const tightened = tightenHome(paths.home);
    if (tightened.length > 0) {
      (options.logger ?? stderrLogger).warn(
        { home: paths.home, count: tightened.length, paths: tightened.slice(0, 20) },
        'tightened the home folder: other local users could read it; its folders are now 0700 and its files 0600',
      );
    }
    const store = options.store ?? (await openStore(config));
    await store.migrate();
    const bus = new EventBus();
    store.onEvents((events) => {
      for (const event of events) bus.publish(event);
    });
    const tracing = options.tracing ?? (await openTracing());
    const logFiles = new TaskLogFiles(paths.logs);
    const output = new TaskOutput(store, logFiles, options.logger ?? null);
    let engine: Engine | null = null;
    const tasks = new TaskService(
      store,
      config,
      options.taskLogFiles === false ? null : logFiles,
      () => engine?.stats().memory.admission_blocked ?? null,
      tracing,
    );
    const orchestrations = new OrchestrationService(store, tasks);
    const staging = new StagingService(store, orchestrations, tasks);
    if (options.worker !== false) {
      // Claude Code retries API errors itself inside an attempt; bound that, so the worker's own retries across
      // attempts (with the shared rate-limit cool-down) decide, and a 429 does not hide for minutes in one attempt.
      const executor =
        options.executor ??
        new ClaudeExecutor({
          claudePath: config.claude_path,
          childEnvOverrides: { CLAUDE_CODE_MAX_RETRIES: String(config.claude_max_retries) },
          childDiesWithServer: config.child_dies_with_server,
          allowedRoots: config.allowed_roots,
          sessionMirror: config.session_mirror ? new StoreSessionMirror(store) : null,
        });
      engine = new Engine({
        store,
        executor,
        bus,
        output,
        config,
        logger: options.logger,
        labels: options.labels,
        version: VERSION,
        tracing,
      });
    }
    const pruning = new PruneService(store, config.lease_seconds * 1000);
    return new App(
      config,
      paths,
      store,
      bus,
      logFiles,
      tasks,
      orchestrations,
      staging,
      engine,
      pruning,
      output,
      new OutputReader(store),
      tracing,
      options.logger ?? stderrLogger,
    );
  }

  /**
   * Opens the store as a server would (migrations included), counts its tasks and closes it: how `doctor` checks
   * the database when no server runs (the CLI never opens a store itself). Throws what opening it threw.
   */
  static async checkDatabase(config: Config): Promise<{ location: string; tasks: number }> {
    const app = await App.open({ config, worker: false, taskLogFiles: false });
    try {
      const counts = await app.store.countByStatus();
      return { location: app.storeLocation, tasks: Object.values(counts).reduce((sum, n) => sum + n, 0) };
    } finally {
      await app.close();
    }
  }

  private dashboardAccess: DashboardAccess | null = null;

  /** Dashboard sign-in: one-time links and browser sessions. */
  get dashboard(): DashboardAccess {
    this.dashboardAccess ??= new DashboardAccess(this.store);
    return this.dashboardAccess;
  }

  /** The `/metrics` registry, built (and prom-client loaded) at the first scrape: an unscraped server pays nothing. */
  metrics(): Promise<Metrics> {
    this.metricsRegistry ??= import('./observability/metrics.js').then(
      ({ Metrics }) => new Metrics(() => this.store.metricsSnapshot(this.config.lease_seconds * 1000)),
    );
    return this.metricsRegistry;
  }

  /** Where the store keeps its data, for people: the SQLite file, or the PostgreSQL URL with its password masked. */
  get storeLocation(): string {
    return storeChoice(this.config).location;
  }

  /** Recovers orphaned tasks, starts claiming and sending webhook deliveries. */
  async start(): Promise<void> {
    await this.engine?.start();
    await recordChannels(this.store, this.config);
    this.deliveries.start();
  }

  /** Stops claiming, interrupts running attempts (requeued for later), flushes logs, closes the store. */
  async close(options: { graceMs?: number } = {}): Promise<void> {
    await this.engine?.stop(options);
    await this.deliveries.stop();
    await this.output.closeAll();
    await this.store.close();
    await this.tracing.shutdown();
  }
}
