/**
 * `claude-worker db migrate`: creates or upgrades the schema of the configured store (PostgreSQL when
 * database_url is set, else the SQLite file) and says what it did. Every server and worker does the same at start;
 * many nodes starting at once is safe (an advisory lock in PostgreSQL, the write lock in SQLite).
 */
import type { Command } from 'commander';
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
}
