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

export function backoffMs(attempt: number, settings: RetrySettings, random: () => number = Math.random): number {
  const ceiling = Math.min(settings.cap_ms, settings.base_ms * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

export function decideOutcome(
  failure: Failure | null,
  attempt: number,
  maxAttempts: number,
  settings: RetrySettings,
  now: number = Date.now(),
): AttemptOutcome {
  if (!failure) return { kind: 'completed' };
  if (failure.code === 'cancelled') return { kind: 'cancelled', failure };
  if (!failure.retryable || attempt >= maxAttempts) return { kind: 'failed', failure };
  let delay: number;
  if (failure.code === 'interrupted') delay = 0;
  else if (failure.code === 'rate_limit') delay = failure.retry_after_ms ?? settings.rate_limit_default_ms;
  else delay = backoffMs(attempt, settings);
  return { kind: 'requeued', failure, run_after: new Date(now + delay) };
}
