/**
 * `claude-worker status <id>`: everything about one task — prompt, directory, model, times, usage, result or
 * error with its suggestion, and every attempt. `--json` prints the REST object (the task with `attempts`).
 */
import type { Command } from 'commander';
import { parseTaskId } from '../args.js';
import { connect } from '../connect.js';
import type { CliRun } from '../context.js';
import { statusLines } from '../task-view.js';

export function registerStatus(program: Command, run: CliRun): void {
  program
    .command('status')
    .description('Show one task in full, with its attempts')
    .argument('<id>', 'task id')
    .option('--json', 'print the task as the REST API returns it')
    .addHelpText(
      'after',
      '\nExit codes: 0 shown (whatever the task status), 2 unknown task id, 3 server unreachable.',
    )
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      const taskId = parseTaskId(id);
      const context = run.context(command);
      const client = await connect(context);
      const task = await client.getTask(taskId);
      if (options.json) context.json(task);
      else for (const line of statusLines(task)) context.print(line);
    });
}
