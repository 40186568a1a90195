/**
 * `claude-worker prune --older-than 30d [--dry-run]`: deletes finished tasks (and whole finished orchestrations)
 * with their attempts, events and log files, once they finished longer ago than the given age. Unfinished work is
 * never touched. Prints how many of each it deleted, or would delete.
 */
import type { Command } from 'commander';
import type { PruneReport } from '../../engine/prune-service.js';
import { durationSeconds } from '../args.js';
import { connect } from '../connect.js';
import type { CliRun } from '../context.js';

interface Age {
  /** As typed: `30d`. */
  text: string;
  seconds: number;
}

interface PruneCliOptions {
  olderThan: Age;
  dryRun?: boolean;
  json?: boolean;
}

const plural = (n: number, one: string, many: string) =>
  `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

export function describePrune(report: PruneReport, age: string): string {
  const what =
    `${plural(report.tasks, 'task', 'tasks')}, ${plural(report.attempts, 'attempt', 'attempts')}, ` +
    `${plural(report.events, 'event', 'events')} and ${plural(report.orchestrations, 'orchestration', 'orchestrations')}`;
  const when = `finished before ${report.finished_before} (older than ${age})`;
  const workers =
    report.workers > 0 ? ` and ${plural(report.workers, 'worker', 'workers')} gone since then` : '';
  if (report.dry_run) return `Would delete ${what} ${when}${workers}. Nothing was deleted (--dry-run).`;
  const files =
    report.files_removed > 0 ? `; removed ${plural(report.files_removed, 'log file', 'log files')}` : '';
  return `Deleted ${what} ${when}${workers}${files}.`;
}

export function registerPrune(program: Command, run: CliRun): void {
  program
    .command('prune')
    .description('Delete finished tasks and orchestrations (with attempts, events, logs) older than an age')
    .requiredOption(
      '--older-than <duration>',
      'age of finished work to delete: 30d, 12h, 90m, 3600 (seconds)',
      (text: string): Age => ({ text: text.trim(), seconds: durationSeconds(text) }),
    )
    .option('--dry-run', 'count what would be deleted; delete nothing')
    .option('--json', 'print the REST object')
    .addHelpText(
      'after',
      '\nOnly work that has finished is deleted: tasks completed, failed, cancelled or skipped, and orchestrations\n' +
        'whose every task finished, as a whole. Exit codes: 0 done, 2 bad duration, 3 server unreachable.',
    )
    .action(async (options: PruneCliOptions, command: Command) => {
      const context = run.context(command);
      const client = await connect(context);
      const report = await client.prune({
        older_than_seconds: options.olderThan.seconds,
        dry_run: options.dryRun === true,
      });
      if (options.json) {
        context.json(report);
        return;
      }
      context.print(describePrune(report, options.olderThan.text));
    });
}
