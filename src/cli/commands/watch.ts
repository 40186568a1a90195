/**
 * `claude-worker watch <id>`: live progress (status, last action, turns, cost, elapsed) until the task ends, then
 * its result or its error with a suggestion. Exit 0 completed, 1 failed, cancelled or skipped.
 */
import type { Command } from 'commander';
import { parseTaskId } from '../args.js';
import { connect } from '../connect.js';
import type { CliRun } from '../context.js';
import { followTask } from '../watch-view.js';

export function registerWatch(program: Command, run: CliRun): void {
  program
    .command('watch')
    .description('Follow a task live until it ends, then show its result or error')
    .argument('<id>', 'task id')
    .option('--json', 'print only the finished task, as JSON')
    .addHelpText(
      'after',
      '\nExit codes: 0 completed, 1 failed/cancelled/skipped, 2 unknown task id, 3 server unreachable.',
    )
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      const taskId = parseTaskId(id);
      const context = run.context(command);
      const client = await connect(context);
      run.exitCode = await followTask(context, client, taskId, {
        json: options.json === true,
        reconnect: () => connect(context),
      });
    });
}
