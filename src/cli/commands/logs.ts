/**
 * `claude-worker logs <id>`: the task's human log (one line per step), or with `--raw` its JSONL transcript (every
 * Claude Code message). `-f` keeps following as lines are written, until the task has ended.
 */
import type { Command } from 'commander';
import { parseTaskId } from '../args.js';
import { connect } from '../connect.js';
import type { CliRun } from '../context.js';

interface LogsOptions {
  follow?: boolean;
  raw?: boolean;
}

export function registerLogs(program: Command, run: CliRun): void {
  program
    .command('logs')
    .description("Print a task's log; -f follows it until the task ends")
    .argument('<id>', 'task id')
    .option('-f, --follow', 'keep printing new lines until the task has ended')
    .option('--raw', 'the JSONL transcript (every Claude Code message) instead of the human log')
    .addHelpText('after', '\nExit codes: 0 printed, 2 unknown task id, 3 server unreachable.')
    .action(async (id: string, options: LogsOptions, command: Command) => {
      const taskId = parseTaskId(id);
      const context = run.context(command);
      const client = await connect(context);
      const format = options.raw ? 'jsonl' : 'text';
      if (!options.follow) {
        context.io.stdout.write(await client.logs(taskId, { format }));
        return;
      }
      for await (const chunk of client.followLogs(taskId, { format })) context.io.stdout.write(chunk);
    });
}
