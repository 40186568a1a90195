/**
 * `claude-worker orchestration-status <id>`: the orchestration as a tree of its tasks (indented by dependency
 * level: id, status, elapsed, cost, last action or skip reason) with its counts and total cost. `--watch` follows it
 * until it ends; `--json` prints the REST object (the orchestration with its tasks).
 */
import type { Command } from 'commander';
import { connect } from '../connect.js';
import type { CliRun } from '../context.js';
import { endLines, isFinished, parseOrchestrationId, treeLines } from '../orchestration-view.js';
import { followOrchestration } from '../orchestration-watch.js';

interface StatusOptions {
  watch?: boolean;
  json?: boolean;
}

export function registerOrchestrationStatus(program: Command, run: CliRun): void {
  program
    .command('orchestration-status')
    .description('Show an orchestration as a tree of its tasks; --watch follows it until it ends')
    .argument('<id>', 'orchestration id')
    .option('-w, --watch', 'follow it live until it ends; exit 0 if it completed, 1 otherwise')
    .option(
      '--json',
      'print the orchestration with its tasks as the REST API returns it (--watch: once it has ended)',
    )
    .addHelpText(
      'after',
      '\nExit codes: 0 shown (--watch: completed), 1 with --watch: failed or cancelled, 2 unknown id, 3 server unreachable.',
    )
    .action(async (id: string, options: StatusOptions, command: Command) => {
      const orchestrationId = parseOrchestrationId(id);
      const context = run.context(command);
      const client = await connect(context);
      if (options.watch) {
        run.exitCode = await followOrchestration(context, client, orchestrationId, {
          json: options.json === true,
          reconnect: () => connect(context),
        });
        return;
      }
      const detail = await client.getOrchestration(orchestrationId);
      if (options.json) {
        context.json(detail);
        return;
      }
      for (const line of treeLines(detail, { width: context.width })) context.print(line);
      if (isFinished(detail)) {
        context.print('');
        for (const line of endLines(detail)) context.print(line);
      }
    });
}
