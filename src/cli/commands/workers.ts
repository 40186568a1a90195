/**
 * `claude-worker workers [--json]`: every worker node registered in the store (this server's own worker and each
 * `claude-worker worker` process, on any machine), alive or gone, read from the server (`GET /api/v1/workers`).
 */
import type { Command } from 'commander';
import { connect } from '../connect.js';
import type { CliRun } from '../context.js';
import { formatAge, outputWidth, table } from '../format.js';

export function registerWorkers(program: Command, run: CliRun): void {
  program
    .command('workers')
    .description(
      'Every worker node: host, pid, labels, concurrency, running tasks, last heartbeat, alive or gone',
    )
    .option('--json', 'print the rows as JSON (the REST objects)')
    .addHelpText(
      'after',
      `
A worker is alive while its heartbeat is within the lease window (lease_seconds) and it has not stopped; a gone
worker stays listed (its tasks were requeued when its lease expired).

Exit codes: 0 listed, 3 server unreachable.`,
    )
    .action(async (options: { json?: boolean }, command: Command) => {
      const context = run.context(command);
      const client = await connect(context);
      const workers = await client.listWorkers();
      if (options.json) {
        context.json(workers);
        return;
      }
      if (workers.length === 0) {
        context.print(
          'No worker has registered yet. The server runs one unless started with --no-worker; start more with `claude-worker worker`.',
        );
        return;
      }
      const now = Date.now();
      const rows = workers.map((w) => [
        w.status,
        w.host,
        String(w.pid),
        w.labels.length > 0 ? w.labels.join(',') : '-',
        `${w.running}/${w.concurrency}`,
        formatAge(w.last_heartbeat_at, now),
        w.status === 'alive' ? formatAge(w.started_at, now).replace(' ago', '') : '-',
        w.version,
        w.id,
      ]);
      const headers = ['status', 'host', 'pid', 'labels', 'running', 'heartbeat', 'up', 'version', 'id'];
      for (const line of table(headers, rows, outputWidth())) context.print(line);
      const alive = workers.filter((w) => w.status === 'alive').length;
      context.print('');
      context.print(`${alive} alive, ${workers.length - alive} gone.`);
    });
}
