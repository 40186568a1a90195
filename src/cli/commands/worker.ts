/**
 * `claude-worker worker [--concurrency N] [--label a,b]`: a worker node in the foreground. No HTTP server: it opens
 * the store of the configured home (several workers may share it), claims and runs tasks (those without `runs_on`,
 * and those whose labels it all has), and stops gracefully on SIGTERM/SIGINT. It prints one start line; its log is
 * `<home>/logs/worker-<pid>.log`.
 */
import type { Command } from 'commander';
import { WorkerLabel } from '../../contract/task-schemas.js';
import { ClaudeWorkerError } from '../../domain/errors.js';
import { collectLabels, wholeNumber } from '../args.js';
import type { CliRun } from '../context.js';
import { DATABASE_URL_FLAG, DATABASE_URL_HELP } from './db.js';

export function registerWorker(program: Command, run: CliRun): void {
  program
    .command('worker')
    .description('Run a worker node in the foreground: claims and runs tasks, no HTTP server')
    .option('--concurrency <n>', 'tasks run at once (default: the concurrency setting)', wholeNumber)
    .option(
      '--label <labels>',
      'labels of this worker, comma-separated (repeatable): it also takes tasks whose runs_on it all has',
      collectLabels,
    )
    .option(DATABASE_URL_FLAG, DATABASE_URL_HELP)
    .addHelpText(
      'after',
      `
Examples:
  claude-worker worker --concurrency 8 --label repo-a,big
  claude-worker run "Fix the flaky test" --dir /srv/repo-a --runs-on repo-a   # only a worker labelled repo-a takes it

Stop it with Ctrl-C or SIGTERM: running tasks get shutdown_grace_seconds to finish, the rest are requeued.
Exit codes: 0 stopped, 2 invalid flags or settings.`,
    )
    .action(
      async (options: { concurrency?: number; label?: string[]; databaseUrl?: string }, command: Command) => {
        const labels = checkLabels(options.label ?? []);
        const context = run.context(command, {
          concurrency: options.concurrency,
          database_url: options.databaseUrl,
        });
        const { config } = context.loaded;
        const { runWorkerNode } = await import('../../worker-node.js');
        const worker = await runWorkerNode(config, { labels });
        context.print(
          `claude-worker worker ${worker.workerId} running: concurrency ${config.concurrency}, ` +
            `labels ${labels.length > 0 ? labels.join(',') : 'none'}, database ${context.paths.database}. ` +
            `Log: ${worker.logPath}. Stop it with Ctrl-C or SIGTERM.`,
        );
        // Runs until SIGTERM/SIGINT: runWorkerNode then stops gracefully and exits the process.
        await new Promise<never>(() => undefined);
      },
    );
}

function checkLabels(labels: string[]): string[] {
  const problems = labels.flatMap((label) => {
    const parsed = WorkerLabel.safeParse(label);
    return parsed.success ? [] : [{ path: '--label', message: parsed.error.issues[0]?.message ?? 'invalid' }];
  });
  if (problems.length > 0) throw ClaudeWorkerError.validation(problems, 'The worker labels');
  return [...new Set(labels)];
}
