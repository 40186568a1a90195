/**
 * How long an attempt may run: the task's own timeout, else its model family's default (haiku 10 min, sonnet 30
 * min, opus 60 min by default), else the general default.
 */
import type { Config } from '../config/schema.js';
import type { Task } from '../domain/vocabulary.js';

export function attemptTimeoutSeconds(task: Pick<Task, 'timeout_seconds' | 'model'>, config: Config): number {
  if (task.timeout_seconds !== null) return task.timeout_seconds;
  const model = task.model.toLowerCase();
  if (model.includes('haiku')) return config.timeout_haiku_seconds;
  if (model.includes('sonnet')) return config.timeout_sonnet_seconds;
  if (model.includes('opus')) return config.timeout_opus_seconds;
  return config.task_timeout_seconds;
}
