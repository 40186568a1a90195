/**
 * The options of a plain task with nothing set but its prompt and folder: what store and executor fixtures build
 * their tasks from, so a new task field is added in one place.
 */
import type { TaskOptions } from '../../src/domain/vocabulary.js';

export function taskOptions(overrides: Partial<TaskOptions> = {}): TaskOptions {
  return {
    execution_prompt: 'Add input validation to src/api/users.ts',
    working_directory: '/tmp/project',
    model: 'sonnet',
    system_prompt: null,
    permission_mode: 'bypassPermissions',
    allowed_tools: null,
    disallowed_tools: null,
    max_turns: null,
    max_budget_usd: null,
    env: {},
    timeout_seconds: null,
    priority: 0,
    tags: [],
    max_attempts: 3,
    retry_base_seconds: null,
    retry_cap_seconds: null,
    runs_on: [],
    notify: null,
    ...overrides,
  };
}
