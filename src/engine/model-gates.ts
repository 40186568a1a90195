/**
 * The worker's view of model gates (rate-limit cool-downs and circuit breakers, kept in the store so every worker
 * obeys them). Claim passes ask which models must not start; attempt outcomes update the gates:
 * - a 429 puts the model in a cool-down (the API's retry-after, else `rate_limit_cooldown_seconds`);
 * - overloaded / server error / network failures count toward the breaker, which opens at `breaker_threshold`
 *   consecutive ones; after `breaker_cool_seconds` one probe runs; its success closes the breaker.
 * The cache is refreshed on every heartbeat (other workers' changes) and on every change this worker makes.
 */
import type { Config } from '../config/schema.js';
import type { Failure, FailureCode } from '../domain/vocabulary.js';
import type { Logger } from '../observability/logger.js';
import type { ModelGate, Store } from '../store/store.js';

/** Failures that say something about the API's health for a model, not about the task. */
const BREAKER_CODES: ReadonlySet<FailureCode> = new Set(['overloaded', 'server_error', 'network']);

export class ModelGates {
  private gates = new Map<string, ModelGate>();
  /** Model → the task probing its breaker on this worker, until that attempt ends. */
  private readonly probing = new Map<string, number | null>();

  constructor(
    private readonly store: Store,
    private readonly config: Config,
    private readonly workerId: string,
    private readonly logger: Logger,
  ) {}

  async refresh(): Promise<void> {
    this.gates = new Map((await this.store.listModelGates()).map((g) => [g.model, g]));
  }

  /** Models no ordinary claim may start now. */
  excluded(now = Date.now()): string[] {
    const out: string[] = [];
    for (const gate of this.gates.values()) {
      if (gate.cooldown_until && Date.parse(gate.cooldown_until) > now) out.push(gate.model);
      else if (gate.breaker_state !== 'closed') out.push(gate.model);
    }
    return out;
  }

  /** Models whose breaker waits for a probe (cool period over), not cooling down, not probed by this worker. */
  probeCandidates(now = Date.now()): string[] {
    return [...this.gates.values()]
      .filter(
        (g) =>
          g.breaker_state !== 'closed' && g.breaker_open_until && Date.parse(g.breaker_open_until) <= now,
      )
      .filter((g) => !(g.cooldown_until && Date.parse(g.cooldown_until) > now))
      .filter((g) => !this.probing.has(g.model))
      .map((g) => g.model);
  }

  async acquireProbe(model: string, ttlMs: number): Promise<boolean> {
    const ok = await this.store.acquireProbe(model, this.workerId, ttlMs);
    if (ok) this.probing.set(model, null);
    return ok;
  }

  /** Names the task that runs as the model's probe (once claimed). */
  probeTask(model: string, taskId: number): void {
    if (this.probing.has(model)) this.probing.set(model, taskId);
  }

  async releaseProbe(model: string): Promise<void> {
    this.probing.delete(model);
    await this.store.releaseProbe(model, this.workerId);
  }

  /** When the task should wait for its model (a rate-limit cool-down), or null. */
  cooldownUntil(model: string): Date | null {
    const until = this.gates.get(model)?.cooldown_until;
    return until ? new Date(until) : null;
  }

  /** Updates the gates from how an attempt of `model` ended. Never throws: gates are advice, outcomes are truth. */
  async onAttemptEnd(model: string, taskId: number, failure: Failure | null): Promise<void> {
    // Only the probe's own attempt decides the breaker: another attempt of the model may still have been running.
    const wasProbe = this.probing.get(model) === taskId;
    if (wasProbe) this.probing.delete(model);
    try {
      let gate: ModelGate | null = null;
      if (failure?.code === 'rate_limit') {
        const waitMs = failure.retry_after_ms ?? this.config.rate_limit_cooldown_seconds * 1000;
        gate = await this.store.setModelCooldown(model, new Date(Date.now() + waitMs), failure.message);
        // A rate-limited probe proved nothing about the breaker; free the probe for after the cool-down.
        if (wasProbe) await this.store.releaseProbe(model, this.workerId);
        this.logger.warn({ model, until: gate.cooldown_until }, 'rate limited: model cooling down');
      } else if (failure && BREAKER_CODES.has(failure.code)) {
        gate = await this.store.recordModelFailure(
          model,
          { threshold: this.config.breaker_threshold, cool_ms: this.config.breaker_cool_seconds * 1000 },
          `${failure.code}: ${failure.message}`,
        );
        if (gate.breaker_state !== 'closed') {
          this.logger.warn(
            { model, until: gate.breaker_open_until, probe: wasProbe },
            'circuit breaker open',
          );
        }
      } else if (!failure) {
        const known = this.gates.get(model);
        if (wasProbe || (known && (known.consecutive_failures > 0 || known.breaker_state !== 'closed'))) {
          gate = await this.store.recordModelSuccess(model);
          if (known?.breaker_state !== 'closed') this.logger.info({ model }, 'circuit breaker closed');
        }
      } else if (wasProbe) {
        await this.store.releaseProbe(model, this.workerId);
      }
      if (gate) this.gates.set(model, gate);
    } catch (err) {
      this.logger.error({ model, err: String(err) }, 'could not update the model gate');
    }
  }

  list(): ModelGate[] {
    return [...this.gates.values()];
  }
}
