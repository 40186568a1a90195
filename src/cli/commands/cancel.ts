/**
 * `claude-worker cancel <id>`: a waiting or queued task is cancelled at once; a running one is asked to stop and
 * its Claude Code process ends within seconds (`--wait` waits for that). A finished task cannot be cancelled
 * (exit 1, the server says why).
 */
import type { Command } from 'commander';
import { TERMINAL_STATUSES } from '../../domain/vocabulary.js';
import { parseTaskId } from '../args.js';
import { connect } from '../connect.js';
import type { CliRun } from '../context.js';
import { sleep } from '../server-info.js';

const WAIT_LIMIT_MS = 60_000;

interface CancelOptions {
  wait?: boolean;
  json?: boolean;
}

export function registerCancel(program: Command, run: CliRun): void {
  program
    .command('cancel')
    .description('Cancel a task; a running one stops within seconds')
    .argument('<id>', 'task id')
    .option('--wait', 'wait until a running task has stopped')
    .option('--json', 'print the task after the request as JSON')
    .addHelpText(
      'after',
      '\nExit codes: 0 cancelled or cancel requested, 1 already finished, 2 unknown task id, 3 server unreachable.',
    )
    .action(async (id: string, options: CancelOptions, command: Command) => {
      const taskId = parseTaskId(id);
      const context = run.context(command);
      const client = await connect(context);
      let task = await client.cancelTask(taskId);
      if (options.wait) {
        const deadline = Date.now() + WAIT_LIMIT_MS;
        while (!TERMINAL_STATUSES.includes(task.status) && Date.now() < deadline) {
          await sleep(200);
          task = await client.getTask(taskId);
        }
      }
      if (options.json) {
        context.json(task);
        return;
      }
      if (TERMINAL_STATUSES.includes(task.status)) context.print(`Task ${task.id} ${task.status}.`);
      else
        context.print(
          `Task ${task.id}: cancel requested; its Claude Code process is being stopped (claude-worker status ${task.id}).`,
        );
    });
}
