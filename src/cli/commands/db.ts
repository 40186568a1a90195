/**
 * `claude-worker db migrate`: creates or upgrades the schema of the configured store (PostgreSQL when
 * database_url is set, else the SQLite file) and says what it did. Every server and worker does the same at start;
 * many nodes starting at once is safe (an advisory lock in PostgreSQL, the write lock in SQLite).
 * `claude-worker db copy --from FILE --to URL`: a machine's SQLite history into an empty PostgreSQL store.
 */
import type { Command } from 'commander';
import { homePaths } from '../../config/paths.js';
import { maskDatabaseUrl } from '../../config/database-url.js';
import { ClaudeWorkerError } from '../../domain/errors.js';
import type { CliRun } from '../context.js';

export const DATABASE_URL_FLAG = '--database-url <url>';
export const DATABASE_URL_HELP =
  'PostgreSQL shared by every node (postgres://user@host/db); overrides CLAUDE_WORKER_DATABASE_URL';

export function registerDb(program: Command, run: CliRun): void {
  const db = program.command('db').description('The database: create or upgrade its schema');
  db.command('migrate')
    .description('Create or upgrade the schema of the configured store (every start does it too)')
    .option(DATABASE_URL_FLAG, DATABASE_URL_HELP)
    .option('--json', 'print what was done as JSON')
    .addHelpText(
      'after',
      '\nExit codes: 0 the schema is up to date, 2 the database is newer than this claude-worker, ' +
        '3 the database cannot be reached.',
    )
    .action(async (options: { databaseUrl?: string; json?: boolean }, command: Command) => {
      const context = run.context(command, { database_url: options.databaseUrl });
      // Loaded on use: the other commands do not need the stores in memory.
      const { migrateStore } = await import('../../app.js');
      const report = await migrateStore(context.loaded.config);
      if (options.json) {
        context.json(report);
        return;
      }
      if (report.kind === 'sqlite') {
        context.print(`SQLite database ${report.location}: schema up to date.`);
      } else if (report.applied.length === 0) {
        context.print(
          `PostgreSQL ${report.location}: schema already at version ${report.version}; nothing to do.`,
        );
      } else {
        context.print(
          `PostgreSQL ${report.location}: applied migration${report.applied.length === 1 ? '' : 's'} ` +
            `${report.applied.join(', ')}; schema now at version ${report.version}.`,
        );
      }
    });

  db.command('copy')
    .description("Copy a machine's SQLite history (tasks, orchestrations, events, output) into PostgreSQL")
    .option('--from <file>', 'the SQLite file (default: the claude-worker.db of this home)')
    .option('--to <url>', 'the PostgreSQL URL (default: database_url / CLAUDE_WORKER_DATABASE_URL)')
    .option('--json', 'print what was copied as JSON')
    .addHelpText(
      'after',
      '\nThe target must be empty (every id is kept); the copy is one transaction: all of it or nothing. The\n' +
        'SQLite file is only read, so a server may keep running on it. Exit codes: 0 copied, 1 the target is not\n' +
        'empty, 2 a bad source file, 3 the database cannot be reached.',
    )
    .action(async (options: { from?: string; to?: string; json?: boolean }, command: Command) => {
      const context = run.context(command);
      const config = context.loaded.config;
      const from = options.from ?? homePaths(config.home).database;
      const to = options.to ?? config.database_url;
      if (!to) {
        throw new ClaudeWorkerError(
          'validation',
          'Say where to copy to: --to postgres://user@host/database, or set CLAUDE_WORKER_DATABASE_URL.',
        );
      }
      const { copyDatabase } = await import('../../app.js');
      const report = await copyDatabase(from, to);
      if (options.json) {
        context.json(report);
        return;
      }
      const parts = Object.entries(report.copied)
        .filter(([, n]) => n > 0)
        .map(([table, n]) => `${n.toLocaleString('en-US')} ${table.replaceAll('_', ' ')}`);
      context.print(
        `Copied ${from} into ${maskDatabaseUrl(to)}: ${parts.join(', ') || 'nothing (the file is empty)'}.`,
      );
      if (report.unfinished > 0) {
        context.print(
          `${report.unfinished} tasks were not finished in the file: workers on PostgreSQL take them on (running ` +
            'ones once their lease runs out). Stop the SQLite server (claude-worker server stop) so it does not run them too.',
        );
      }
    });
}
