/**
 * `claude-worker list`: tasks newest first, as a table (id, status, model, age, elapsed, cost, then the prompt's
 * first line and, where the width allows, the outcome: result, error, last action or why it waits), filtered by
 * status and tag, fitted to the terminal's width. `--json` prints the REST page `{ tasks, next_cursor }`.
 */
import type { Command } from 'commander';
import type { TaskStatus } from '../../domain/vocabulary.js';
import { commaList, wholeNumber } from '../args.js';
import { connect } from '../connect.js';
import type { CliRun } from '../context.js';
import { table } from '../format.js';
import { LIST_HEADERS, listRow } from '../task-view.js';

interface ListOptions {
  status?: TaskStatus[];
  tag?: string;
  limit: number;
  cursor?: string;
  json?: boolean;
}

export function registerList(program: Command, run: CliRun): void {
  program
    .command('list')
    .description('List tasks, newest first')
    .option(
      '-s, --status <statuses>',
      'only these statuses, comma-separated (waiting, queued, running, completed, failed, cancelled, skipped)',
      commaList as (text: string) => TaskStatus[],
    )
    .option('--tag <tag>', 'only tasks with this tag')
    .option('-n, --limit <n>', 'at most this many (1 to 500)', wholeNumber, 20)
    .option('--cursor <cursor>', 'continue after a previous page (its next_cursor)')
    .option('--json', 'print the page as the REST API returns it: { tasks, next_cursor }')
    .action(async (options: ListOptions, command: Command) => {
      const context = run.context(command);
      const client = await connect(context);
      const status = options.status;
      const page = await client.listTasks({
        status,
        tag: options.tag,
        limit: options.limit,
        cursor: options.cursor,
      });
      if (options.json) {
        context.json(page);
        return;
      }
      if (page.tasks.length === 0) {
        const filtered =
          options.status !== undefined || options.tag !== undefined || options.cursor !== undefined;
        context.print(
          filtered ? 'No tasks match.' : 'No tasks yet. Queue one: claude-worker run "Fix the failing tests"',
        );
        return;
      }
      const now = Date.now();
      const rows = page.tasks.map((task) => listRow(task, now));
      for (const line of table(LIST_HEADERS, rows, context.width)) context.print(line);
      if (page.next_cursor) context.note(`More: claude-worker list --cursor ${page.next_cursor}`);
    });
}
