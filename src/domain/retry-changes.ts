/**
 * What a retry with overrides changes (`claude-worker retry 1 --permission-mode acceptEdits`): the settings given
 * replace the task's own for the next attempt and after. This names each change with its old and new value, the
 * way the `task_retried` event records it; a setting given with the value it already has is no change.
 */
import type { TaskOptions } from './vocabulary.js';

/** The settings a retry may change. */
export const RETRY_CHANGEABLE = ['model', 'permission_mode', 'timeout_seconds'] as const;
export type RetryChangeable = (typeof RETRY_CHANGEABLE)[number];

export type RetrySettings = Pick<TaskOptions, RetryChangeable>;

export type RetryChangeRecord = Partial<
  Record<RetryChangeable, { from: RetrySettings[RetryChangeable]; to: RetrySettings[RetryChangeable] }>
>;

/** The changes that differ from the task's settings, each with its old and new value. */
export function retryChangeRecord(task: RetrySettings, changes: Partial<RetrySettings>): RetryChangeRecord {
  const record: RetryChangeRecord = {};
  for (const key of RETRY_CHANGEABLE) {
    const to = changes[key];
    if (to === undefined || to === task[key]) continue;
    record[key] = { from: task[key], to };
  }
  return record;
}
