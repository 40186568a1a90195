/**
 * Why a queued task has not started, in plain words: its model cools down after a rate limit, its model's breaker is
 * open, its next attempt (backoff or initial delay) is later, or free memory is too low for new tasks.
 */
import type { Task } from '../domain/vocabulary.js';
import type { ModelGate } from '../store/store.js';

export function waitReason(
  task: Task,
  gates: ReadonlyMap<string, ModelGate>,
  admissionBlocked: string | null,
  now = Date.now(),
): string | null {
  if (task.status !== 'queued') return null;
  const gate = gates.get(task.model);
  if (gate?.cooldown_until && Date.parse(gate.cooldown_until) > now) {
    return `waiting: ${task.model} rate-limit cool-down until ${gate.cooldown_until}`;
  }
  if (gate && gate.breaker_state === 'open') {
    const why = gate.last_failure
      ? ` after ${gate.consecutive_failures} failures (last: ${gate.last_failure})`
      : '';
    return `waiting: ${task.model} breaker open until ${gate.breaker_open_until}${why}`;
  }
  if (gate && gate.breaker_state === 'half_open')
    return `waiting: ${task.model} breaker half-open, one probe task runs first`;
  if (task.run_after && Date.parse(task.run_after) > now) {
    return task.attempt_count > 0
      ? `next attempt at ${task.run_after}`
      : `starts at ${task.run_after} (initial delay)`;
  }
  if (admissionBlocked) return `waiting: ${admissionBlocked}`;
  return task.status_reason;
}
