/**
 * `claude-worker list-orchestrations`: orchestrations newest first, as a table (id, status, name, finished/total
 * tasks, age, cost, counts per task status), filtered by status. `--json` prints the REST page
 * `{ orchestrations, next_cursor }`.
 */
import type { Command } from 'commander';
import type { OrchestrationStatus } from '../../domain/vocabulary.js';
import { commaList, wholeNumber } from '../args.js';
import { connect } from '../connect.js';
import type { CliRun } from '../context.js';
import { table } from '../format.js';
import { LIST_HEADERS, listRow } from '../orchestration-view.js';

interface ListOptions {
  status?: OrchestrationStatus[];
  limit: number;
  cursor?: string;
  json?: boolean;
}

export function registerListOrchestrations(program: Command, run: CliRun): void {
  program
    .command('list-orchestrations')
    .description('List orchestrations, newest first')
    .option(
      '-s, --status <statuses>',
      'only these statuses, comma-separated (pending, running, completed, failed, cancelled)',
      commaList as (text: string) => OrchestrationStatus[],
    )
    .option('-n, --limit <n>', 'at most this many (1 to 500)', wholeNumber, 20)
    .option('--cursor <cursor>', 'continue after a previous page (its next_cursor)')
    .option('--json', 'print the page as the REST API returns it: { orchestrations, next_cursor }')
    .action(async (options: ListOptions, command: Command) => {
      const context = run.context(command);
      const client = await connect(context);
      const status = options.status;
      const page = await client.listOrchestrations({ status, limit: options.limit, cursor: options.cursor });
      if (options.json) {
        context.json(page);
        return;
      }
      if (page.orchestrations.length === 0) {
        const filtered = options.status !== undefined || options.cursor !== undefined;
        context.print(
          filtered
            ? 'No orchestrations match.'
            : 'No orchestrations yet. Submit one: claude-worker orchestrate workflow.yaml',
        );
        return;
      }
      const now = Date.now();
      const rows = page.orchestrations.map((orchestration) => listRow(orchestration, now));
      for (const line of table(LIST_HEADERS, rows, context.width)) context.print(line);
      if (page.next_cursor)
        context.note(`More: claude-worker list-orchestrations --cursor ${page.next_cursor}`);
    });
}
