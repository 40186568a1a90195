/**
 * The histogram buckets of `/metrics` (upper bounds in seconds). The stores count each bucket in SQL (an attempt
 * falls in every bucket whose bound is at least its value, as Prometheus' `le` means), so every node serves the same
 * histograms from the shared store. Changing a bound changes the series a dashboard sees: add, never rename.
 */

/** `claude_worker_attempt_duration_seconds`: agent attempts run from seconds to an hour. */
export const ATTEMPT_DURATION_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600] as const;

/** `claude_worker_queue_wait_seconds`: from an idle worker's few milliseconds to a long backlog. */
export const QUEUE_WAIT_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600] as const;
