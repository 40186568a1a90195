/**
 * The engine: one worker's pool. It claims ready tasks from the store (several per transaction, up to its free
 * slots), runs each attempt through the executor, and commits outcomes in batches. It owns the in-memory handles of
 * the attempts it runs (abort controllers, timeouts) and nothing else: every state change is a store transaction,
 * so a crash loses only work in progress, which recovery requeues.
 *
 * Wake-ups are immediate (a task created, retried or made ready; a slot freed); a slow poll is the safety net, and a
 * timer waits for the earliest delayed task. Heartbeats renew leases, deliver cancels from other processes and
 * recover tasks whose worker disappeared.
 */
import { NO_TRACING, type Tracing } from '../observability/tracing.js';
import { hostname } from 'node:os';
import type { Config } from '../config/schema.js';
import type { Executor } from '../executor/executor.js';
import { stderrLogger, type Logger } from '../observability/logger.js';
import type { ClaimedTask, ClaimRequest, Store } from '../store/store.js';
import { runAttempt, type RunningAttempt } from './attempt-runner.js';
import type { EventBus, LiveEvent } from './event-bus.js';
import type { TaskOutput } from './task-output.js';
import { FinishBatcher } from './finish-batcher.js';
import { MemoryMonitor, type MemoryReading } from './memory-monitor.js';
import { ModelGates } from './model-gates.js';
import type { ModelGate } from '../store/store.js';
import { recoverExpired, recoverOrphans } from './recovery.js';
import { retrySettingsFrom, type RetrySettings } from './retry-policy.js';
import { attemptTimeoutSeconds } from './timeouts.js';
import { newWorkerId } from './worker-id.js';

export interface EngineOptions {
  store: Store;
  executor: Executor;
  bus: EventBus;
  output: TaskOutput;
  config: Config;
  logger?: Logger;
  retry?: RetrySettings;
  workerId?: string;
  /** This worker's labels: it claims tasks whose `runs_on` labels it all has (and tasks without any). */
  labels?: string[];
  /** The version recorded in the workers table (the composition root passes the package version). */
  version?: string;
  /** Spans per attempt and tool call (default none: the caller's context still reaches Claude Code). */
  tracing?: Tracing;
}

export interface EngineStats {
  worker_id: string;
  labels: string[];
  state: EngineState;
  running: number;
  concurrency: number;
  running_task_ids: number[];
  memory: MemoryReading;
  models: ModelGate[];
}

type EngineState = 'idle' | 'running' | 'stopping' | 'stopped';

/** Events after which there may be a task to claim. */
const WAKE_EVENTS = new Set([
  'task_created',
  'task_retried',
  'task_rearmed',
  'task_requeued',
  'task_ready',
  'task_recovered',
]);

export class Engine {
  readonly workerId: string;
  private readonly labels: string[];
  private readonly running = new Map<number, RunningAttempt>();
  /** Attempts superseded by a new claim of the same task (lease lost meanwhile): aborted, awaited until they end. */
  private readonly draining = new Set<RunningAttempt>();
  private readonly finisher: FinishBatcher;
  private readonly logger: Logger;
  private readonly retry: RetrySettings;
  private state: EngineState = 'idle';
  private claimScheduled = false;
  private claiming = false;
  private claimAgain = false;
  /** Slots held by claims under way (see freeSlots). */
  private held = 0;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private delayedTimer: NodeJS.Timeout | null = null;
  private memoryTimer: NodeJS.Timeout | null = null;
  private readonly memory: MemoryMonitor;
  private readonly gates: ModelGates;
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly options: EngineOptions) {
    this.workerId = options.workerId ?? newWorkerId();
    this.labels = [...new Set(options.labels ?? [])];
    this.logger = options.logger ?? stderrLogger;
    this.retry = options.retry ?? retrySettingsFrom(options.config);
    this.gates = new ModelGates(options.store, options.config, this.workerId, this.logger);
    this.memory = new MemoryMonitor(
      options.config,
      () => [...this.running.values()].map((r) => ({ taskId: r.task.id, pid: r.pid })),
      (taskId, usedMb) => {
        this.logger.warn({ task_id: taskId, used_mb: usedMb }, 'task over its memory limit; stopping it');
        this.abort(taskId, 'memory_limit');
      },
    );
    this.finisher = new FinishBatcher(
      options.store,
      (err, attempt) =>
        this.logger.error({ err: String(err), attempt }, 'could not record attempt outcomes; retrying'),
      {
        // The finishing attempts still count in `running`; their slots are what this batch may fill, with any
        // free slot no other claim under way holds.
        request: (finishing) => {
          const free = this.freeSlots() + finishing;
          if (this.state !== 'running' || free <= 0 || this.memory.last.admission_blocked) return null;
          this.held += free;
          return this.claimRequest(free);
        },
        launch: (claimed) => {
          for (const task of claimed) this.launch(task);
        },
        release: (request) => {
          this.held -= request.limit;
        },
      },
      () => this.state !== 'running',
    );
  }

  /**
   * Registers this worker in the store, recovers tasks orphaned by a dead process of this host (and expired leases
   * of any node), then starts claiming.
   */
  async start(): Promise<void> {
    if (this.state !== 'idle') throw new Error(`engine already ${this.state}`);
    this.state = 'running';
    this.unsubscribe = this.options.bus.subscribe((event) => this.onLiveEvent(event));
    await this.register();
    await this.gates.refresh();
    const recovered = await recoverOrphans(
      this.options.store,
      this.workerId,
      this.options.output,
      this.logger,
      this.options.config.max_interruptions,
    );
    if (recovered.length > 0) {
      this.logger.warn(
        { task_ids: recovered.map((t) => t.id) },
        'recovered tasks left running by a stopped worker',
      );
    }
    const { heartbeat_seconds, poll_seconds } = this.options.config;
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), heartbeat_seconds * 1000);
    this.pollTimer = setInterval(() => this.wake(), poll_seconds * 1000);
    this.memoryTimer = setInterval(
      () => this.sampleMemory(),
      this.options.config.memory_sample_seconds * 1000,
    );
    this.heartbeatTimer.unref();
    this.pollTimer.unref();
    this.memoryTimer.unref();
    this.wake();
  }

  /**
   * Stops claiming. Running attempts get `graceMs` to finish; the rest are interrupted and requeued (their Claude
   * sessions resume on the next start). Resolves when every attempt's outcome is recorded.
   */
  async stop(options: { graceMs?: number } = {}): Promise<void> {
    if (this.state !== 'running') return;
    this.state = 'stopping';
    // Heartbeats go on until the last attempt ends: its lease must not expire during the grace period.
    for (const timer of [this.pollTimer, this.delayedTimer, this.memoryTimer]) if (timer) clearTimeout(timer);
    const allDone = () => Promise.all([...this.running.values(), ...this.draining].map((r) => r.done));
    if (options.graceMs && options.graceMs > 0 && this.running.size > 0) {
      await Promise.race([allDone(), sleep(options.graceMs)]);
    }
    for (const attempt of this.running.values()) attempt.controller.abort('shutdown');
    await allDone();
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.unsubscribe?.();
    // Said in the store, so `workers` shows it gone at once rather than after its lease window.
    await this.options.store.stopWorker(this.workerId).catch((err: unknown) => {
      this.logger.warn({ err: String(err) }, 'could not record this worker as stopped');
    });
    this.state = 'stopped';
  }

  /** Asks for a claim pass soon (coalesced). Safe to call often. */
  wake(): void {
    if (this.state !== 'running' || this.claimScheduled) return;
    this.claimScheduled = true;
    setImmediate(() => {
      this.claimScheduled = false;
      void this.claimPass();
    });
  }

  stats(): EngineStats {
    return {
      worker_id: this.workerId,
      labels: this.labels,
      state: this.state,
      running: this.running.size,
      concurrency: this.options.config.concurrency,
      running_task_ids: [...this.running.keys()],
      memory: this.memory.last,
      models: this.gates.list(),
    };
  }

  /** Aborts a task this worker runs (cancel, timeout). Returns false when it does not run here. */
  abort(taskId: number, reason: 'cancelled' | 'timeout' | 'lease_lost' | 'memory_limit'): boolean {
    const attempt = this.running.get(taskId);
    if (!attempt) return false;
    attempt.controller.abort(reason);
    return true;
  }

  private async claimPass(): Promise<void> {
    if (this.claiming) {
      this.claimAgain = true;
      return;
    }
    this.claiming = true;
    try {
      do {
        this.claimAgain = false;
        const free = this.freeSlots();
        if (free <= 0 || this.state !== 'running' || this.memory.last.admission_blocked) break;
        const claimed = await this.holding(free, async () => {
          const tasks = await this.options.store.claimTasks(this.claimRequest(free));
          for (const task of tasks) this.launch(task);
          return tasks;
        });
        if (claimed.length < free) {
          await this.claimProbes();
          await this.armDelayedTimer();
        }
      } while (this.claimAgain);
    } catch (err) {
      this.logger.error({ err: String(err) }, 'claiming tasks failed; the poll will try again');
    } finally {
      this.claiming = false;
    }
  }

  /**
   * Slots neither running an attempt nor held by a claim under way. A claim pass and a finish batch's claim may be
   * in flight at once (on PostgreSQL a transaction takes a few round trips): each holds the slots it asked for
   * until its tasks are launched, so the two never fill one slot twice.
   */
  private freeSlots(): number {
    return this.options.config.concurrency - this.running.size - this.held;
  }

  /** Runs a claim that launches what it claims, holding `slots` until it is over (see freeSlots). */
  private async holding<T>(slots: number, claim: () => Promise<T>): Promise<T> {
    this.held += slots;
    try {
      return await claim();
    } finally {
      this.held -= slots;
    }
  }

  private claimRequest(limit: number): ClaimRequest {
    return {
      worker_id: this.workerId,
      limit,
      lease_ms: this.options.config.lease_seconds * 1000,
      exclude_models: this.gates.excluded(),
      labels: this.labels,
    };
  }

  /** For each model whose open breaker has cooled, runs one probe task (if this worker wins the probe). */
  private async claimProbes(): Promise<void> {
    for (const model of this.gates.probeCandidates()) {
      if (this.freeSlots() <= 0) return;
      await this.holding(1, () => this.claimProbe(model));
    }
  }

  private async claimProbe(model: string): Promise<void> {
    const ttlMs = attemptTimeoutSeconds({ model, timeout_seconds: null }, this.options.config) * 1000;
    if (!(await this.gates.acquireProbe(model, ttlMs))) return;
    const [probe] = await this.options.store.claimTasks({
      worker_id: this.workerId,
      limit: 1,
      lease_ms: this.options.config.lease_seconds * 1000,
      only_models: [model],
      labels: this.labels,
    });
    if (probe) {
      this.gates.probeTask(model, probe.task.id);
      this.logger.info({ model, task_id: probe.task.id }, 'circuit breaker half-open: probing with one task');
      this.launch(probe);
    } else {
      await this.gates.releaseProbe(model);
    }
  }

  private launch(claimed: ClaimedTask): void {
    const { options } = this;
    if (!options.config.resume_on_retry) claimed = { ...claimed, resume_session_id: null };
    const attempt = runAttempt(claimed, {
      store: options.store,
      executor: options.executor,
      bus: options.bus,
      output: options.output,
      finisher: this.finisher,
      gates: this.gates,
      workerId: this.workerId,
      retry: this.retry,
      timeoutMs: attemptTimeoutSeconds(claimed.task, options.config) * 1000,
      logger: this.logger,
      tracing: options.tracing ?? NO_TRACING,
      onDone: (ended) => {
        // The same task may already run again (requeued and re-claimed in the batch that recorded this attempt).
        if (this.running.get(ended.task.id) === ended) this.running.delete(ended.task.id);
        this.draining.delete(ended);
        this.wake();
      },
    });
    // A task this worker still tracks was claimed again: its earlier attempt has ended (re-claimed in the batch that
    // recorded it) or lost its lease meanwhile. Either way it must not go on; abort it and wait for it at shutdown.
    const previous = this.running.get(claimed.task.id);
    if (previous) {
      previous.controller.abort('lease_lost');
      this.draining.add(previous);
    }
    this.running.set(claimed.task.id, attempt);
  }

  private sampleMemory(): void {
    const wasBlocked = this.memory.last.admission_blocked;
    const reading = this.memory.sample();
    if (reading.admission_blocked && !wasBlocked)
      this.logger.warn({ reason: reading.admission_blocked }, 'admission paused');
    if (!reading.admission_blocked && wasBlocked) {
      this.logger.info({ available_mb: reading.available_mb }, 'admission resumed');
      this.wake();
    }
  }

  private async armDelayedTimer(): Promise<void> {
    const next = await this.options.store.nextRunAfter();
    if (this.delayedTimer) clearTimeout(this.delayedTimer);
    this.delayedTimer = null;
    if (!next || this.state !== 'running') return;
    const delay = Math.max(0, next.getTime() - Date.now()) + 1;
    // Past the poll interval the poll wakes us anyway; a shorter timer makes short delays precise.
    if (delay > this.options.config.poll_seconds * 1000) return;
    this.delayedTimer = setTimeout(() => this.wake(), delay);
    this.delayedTimer.unref();
  }

  private async register(): Promise<void> {
    const [host = '', pidText = ''] = this.workerId.split('/');
    await this.options.store.registerWorker({
      id: this.workerId,
      host: host || hostname(),
      pid: Number(pidText) || process.pid,
      labels: this.labels,
      concurrency: this.options.config.concurrency,
      version: this.options.version ?? 'unknown',
    });
  }

  /**
   * Every heartbeat: this worker's own heartbeat (re-registering if its row was pruned), its leases, the model
   * gates, and a recovery pass that requeues the tasks of any node whose lease expired (a dead node's tasks are
   * taken up by whichever live node passes first; the store makes that happen once).
   */
  private async heartbeat(): Promise<void> {
    const { store, config } = this.options;
    try {
      if (!(await store.heartbeatWorker(this.workerId)) && this.state === 'running') await this.register();
      const ids = [...this.running.keys()];
      if (ids.length > 0) {
        const renewal = await store.renewLeases(this.workerId, ids, config.lease_seconds * 1000);
        for (const id of renewal.cancel_requested) this.abort(id, 'cancelled');
        for (const id of renewal.lost) this.abort(id, 'lease_lost');
      }
      await this.gates.refresh();
      const recovered = await recoverExpired(store, this.options.output, config.max_interruptions);
      if (recovered.length > 0) {
        this.logger.warn({ task_ids: recovered.map((t) => t.id) }, 'recovered tasks whose lease expired');
      }
    } catch (err) {
      this.logger.error({ err: String(err) }, 'heartbeat failed');
    }
  }

  private onLiveEvent(event: LiveEvent): void {
    if (event.type === 'task_cancel_requested' && event.task_id !== null)
      this.abort(event.task_id, 'cancelled');
    else if (WAKE_EVENTS.has(event.type)) this.wake();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
