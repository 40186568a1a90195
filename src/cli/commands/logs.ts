/**
 * `claude-worker logs <id>`: the task's human log (one line per step), or with `--raw` its JSONL transcript (every
 * Claude Code message). `-f` keeps following as lines are written, until the task has ended. Terminal escape
 * sequences in the text are removed, except from `--raw` output that does not go to a terminal. `--json`: the same
 * as JSON (log-json.ts; JSON escapes control characters); with `-f`, one JSON object per line.
 */
import type { Command } from 'commander';
import { parseTaskId } from '../args.js';
import { connect } from '../connect.js';
import type { CliRun } from '../context.js';
import { LineSplitter, logDocument, logRecord } from '../log-json.js';
import { stripControl } from '../format.js';

interface LogsOptions {
  follow?: boolean;
  raw?: boolean;
  json?: boolean;
}

export function registerLogs(program: Command, run: CliRun): void {
  program
    .command('logs')
    .description("Print a task's log; -f follows it until the task ends")
    .argument('<id>', 'task id')
    .option('-f, --follow', 'keep printing new lines until the task has ended')
    .option('--raw', 'the JSONL transcript (every Claude Code message) instead of the human log')
    .option(
      '--json',
      'as JSON: {task_id, lines} ({task_id, messages} with --raw); with -f one object per line: {task_id, line}',
    )
    .addHelpText('after', '\nExit codes: 0 printed, 2 unknown task id, 3 server unreachable.')
    .action(async (id: string, options: LogsOptions, command: Command) => {
      const taskId = parseTaskId(id);
      const context = run.context(command);
      const client = await connect(context);
      const format = options.raw ? 'jsonl' : 'text';
      const raw = options.raw === true;
      if (options.json && !options.follow) {
        context.json(logDocument(taskId, await client.logs(taskId, { format }), raw));
        return;
      }
      if (options.json) {
        const lines = new LineSplitter();
        const write = (line: string) => context.io.stdout.write(`${logRecord(taskId, line, raw)}\n`);
        for await (const chunk of client.followLogs(taskId, { format })) lines.push(chunk).forEach(write);
        lines.end().forEach(write);
        return;
      }
      // Task output may hold terminal escapes (a model's text, a tool's colours): never sent to a terminal as they
      // are. Only the raw transcript piped elsewhere keeps its bytes.
      const keepBytes = options.raw === true && !context.io.stdout.isTTY;
      const out = (text: string): void => {
        context.io.stdout.write(keepBytes ? text : stripControl(text));
      };
      if (!options.follow) {
        out(await client.logs(taskId, { format }));
        return;
      }
      // Whole lines only, so an escape sequence split between two chunks is still recognised.
      let partial = '';
      for await (const chunk of client.followLogs(taskId, { format })) {
        const text = partial + chunk;
        const end = text.lastIndexOf('\n') + 1;
        partial = text.slice(end);
        if (end > 0) out(text.slice(0, end));
      }
      if (partial) out(partial);
    });
}
