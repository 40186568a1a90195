/**
 * A complete `Task` for executor tests: every field set to what a freshly claimed task would carry, so a test only
 * names what it is about.
 */
import type { Task } from '../../src/domain/vocabulary.js';
import { taskOptions } from '../helpers/task-options.js';

export function makeTask(overrides: Partial<Task> = {}): Task {
  const now = new Date().toISOString();
  return {
    id: 1,
    status: 'running',
    ...taskOptions({ working_directory: process.cwd() }),
    orchestration_id: null,
    identifier: null,
    trigger_rule: 'all_success',
    initial_delay_seconds: 0,
    pending_dependencies: 0,
    attempt_count: 1,
    uncounted_attempts: 0,
    interruptions: 0,
    run_after: null,
    worker_id: 'test-worker',
    lease_expires_at: null,
    cancel_requested: false,
    created_at: now,
    updated_at: now,
    started_at: now,
    finished_at: null,
    last_action: null,
    last_action_at: null,
    num_turns: null,
    cost_usd: null,
    usage: null,
    session_id: null,
    result: null,
    error: null,
    status_reason: null,
    log_path: null,
    transcript_path: null,
    ...overrides,
  };
}
