/**
 * Decides what an attempt's end means for its task: completed, failed, cancelled, or requeued to run again (with
 * when). Transient failures retry with exponential backoff and full jitter while attempts remain; an interrupted
 * attempt (shutdown, lost lease) is requeued at once. Permanent failures fail at once.
 */
import type { Config } from '../config/schema.js';
import type { Failure } from '../domain/vocabulary.js';
import type { AttemptOutcome } from '../store/store.js';

export interface RetrySettings {
  /** First backoff, in ms (doubles each attempt). */
  base_ms: number;
  /** Largest backoff, in ms. */
  cap_ms: number;
  /** Wait after a rate limit when the API did not say how long, in ms. */
  rate_limit_default_ms: number;
}

export function retrySettingsFrom(config: Config): RetrySettings {
  return {
    base_ms: config.retry_base_seconds * 1000,
    cap_ms: config.retry_cap_seconds * 1000,
    rate_limit_default_ms: config.rate_limit_cooldown_seconds * 1000,
  };
}

export function backoffMs(
  attempt: number,
  settings: RetrySettings,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(settings.cap_ms, settings.base_ms * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/**
 * Rate-limited attempts and attempts stopped by a shutdown do not count against max_attempts, up to this many
 * attempts in all: never forever. (Attempts whose worker died are requeued by recovery, bounded by
 * `max_interruptions` in a row.)
 */
export const RATE_LIMIT_ATTEMPT_CEILING = 20;

export interface OutcomeContext {
  now?: number;
  /** The model's cool-down, when it has one (a rate-limited task waits for it without spending an attempt). */
  cooldownUntil?: Date | null;
  /** The worker stopped the attempt to shut down: not the task's fault, so the attempt does not count. */
  shutdown?: boolean;
  /** Attempts of this task before this one that did not count against max_attempts. */
  uncounted?: number;
}

export function decideOutcome(
  failure: Failure | null,
  attempt: number,
  maxAttempts: number,
  settings: RetrySettings,
  context: OutcomeContext = {},
): AttemptOutcome {
  const now = context.now ?? Date.now();
  // Which counted attempt this is: the ones a stopped worker or a rate limit took are not the task's.
  const counted = attempt - (context.uncounted ?? 0);
  if (!failure) return { kind: 'completed' };
  if (failure.code === 'cancelled') return { kind: 'cancelled', failure };
  if (failure.code === 'rate_limit' && attempt < RATE_LIMIT_ATTEMPT_CEILING) {
    const waitMs = failure.retry_after_ms ?? settings.rate_limit_default_ms;
    const until = Math.max(now + waitMs, context.cooldownUntil?.getTime() ?? 0);
    return { kind: 'requeued', failure, run_after: new Date(until), not_counted: 'rate_limit' };
  }
  if (failure.code === 'interrupted' && context.shutdown && attempt < RATE_LIMIT_ATTEMPT_CEILING) {
    return { kind: 'requeued', failure, run_after: new Date(now), not_counted: 'worker_stopped' };
  }
  if (!failure.retryable || counted >= maxAttempts) return { kind: 'failed', failure };
  const delay = failure.code === 'interrupted' ? 0 : backoffMs(counted, settings);
  return { kind: 'requeued', failure, run_after: new Date(now + delay) };
}
