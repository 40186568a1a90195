/**
 * `claude-worker retry <id>`: a failed, cancelled or skipped task is queued again with one more attempt. Any other
 * state is refused (exit 1, the server says why).
 */
import type { Command } from 'commander';
import { parseTaskId } from '../args.js';
import { connect } from '../connect.js';
import type { CliRun } from '../context.js';
import { nextAttempt } from '../task-view.js';

export function registerRetry(program: Command, run: CliRun): void {
  program
    .command('retry')
    .description('Run a failed, cancelled or skipped task again')
    .argument('<id>', 'task id')
    .option('--json', 'print the task after the request as JSON')
    .addHelpText(
      'after',
      '\nExit codes: 0 queued again, 1 not failed/cancelled/skipped, 2 unknown task id, 3 server unreachable.',
    )
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      const taskId = parseTaskId(id);
      const context = run.context(command);
      const client = await connect(context);
      const task = await client.retryTask(taskId);
      if (options.json) context.json(task);
      else
        context.print(
          `Task ${task.id} ${task.status} again (${nextAttempt(task)}). Follow it: claude-worker watch ${task.id}`,
        );
    });
}
