/**
 * `claude-worker retry <id>`: a failed, cancelled or skipped task is queued again with one more attempt. Any other
 * state is refused (exit 1, the server says why). `--model`, `--permission-mode` and `--timeout` change the task's
 * settings from its next attempt on (the way out of a task that failed because of them, e.g. bypassPermissions as
 * root); the `task_retried` event records what changed.
 */
import type { Command } from 'commander';
import type { RetryTaskRequest } from '../../client/http-client.js';
import type { PermissionMode, Task } from '../../domain/vocabulary.js';
import { durationSeconds, parseTaskId } from '../args.js';
import { connect } from '../connect.js';
import type { CliRun } from '../context.js';
import { nextAttempt } from '../task-view.js';

interface RetryOptions {
  model?: string;
  permissionMode?: string;
  timeout?: number;
  json?: boolean;
}

export function registerRetry(program: Command, run: CliRun): void {
  program
    .command('retry')
    .description(
      'Run a failed, cancelled or skipped task again, optionally with another model, mode or timeout',
    )
    .argument('<id>', 'task id')
    .option(
      '-m, --model <model>',
      'run it with this model from now on (sonnet, opus, haiku or a claude-… id)',
    )
    .option(
      '--permission-mode <mode>',
      'run it in this mode from now on: default, acceptEdits, bypassPermissions, plan, dontAsk or auto',
    )
    .option('-t, --timeout <duration>', 'new limit per attempt: seconds, or 90s, 30m, 2h', durationSeconds)
    .option('--json', 'print the task after the request as JSON')
    .addHelpText(
      'after',
      `
Examples:
  claude-worker retry 7
  claude-worker retry 7 --permission-mode acceptEdits   # as root, where bypassPermissions is refused
  claude-worker retry 7 --model opus --timeout 2h

Exit codes: 0 queued again, 1 not failed/cancelled/skipped, 2 unknown task id or invalid setting, 3 server
unreachable.`,
    )
    .action(async (id: string, options: RetryOptions, command: Command) => {
      const taskId = parseTaskId(id);
      const context = run.context(command);
      const client = await connect(context);
      const task = await client.retryTask(taskId, changesOf(options));
      if (options.json) context.json(task);
      else context.print(retriedLine(task, options));
    });
}

function changesOf(options: RetryOptions): RetryTaskRequest {
  const changes: RetryTaskRequest = {};
  if (options.model !== undefined) changes.model = options.model;
  if (options.permissionMode !== undefined)
    changes.permission_mode = options.permissionMode as PermissionMode;
  if (options.timeout !== undefined) changes.timeout_seconds = options.timeout;
  return changes;
}

function retriedLine(task: Task, options: RetryOptions): string {
  const settings = [
    options.model !== undefined ? `model ${task.model}` : null,
    options.permissionMode !== undefined ? `permission mode ${task.permission_mode}` : null,
    options.timeout !== undefined ? `timeout ${task.timeout_seconds ?? 'default'} s` : null,
  ].filter((s): s is string => s !== null);
  const withSettings = settings.length > 0 ? `, now with ${settings.join(', ')}` : '';
  return (
    `Task ${task.id} ${task.status} again (${nextAttempt(task)})` +
    `${withSettings}. Follow it: claude-worker watch ${task.id}`
  );
}
