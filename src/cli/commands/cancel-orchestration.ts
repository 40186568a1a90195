/**
 * `claude-worker cancel-orchestration <id>`: its waiting and queued tasks are cancelled at once, running ones are
 * asked to stop (their Claude Code processes end within seconds), and nothing new starts. A finished orchestration
 * cannot be cancelled (exit 1, the server says why).
 */
import type { Command } from 'commander';
import { connect } from '../connect.js';
import type { CliRun } from '../context.js';
import { countsText, isFinished, parseOrchestrationId } from '../orchestration-view.js';

export function registerCancelOrchestration(program: Command, run: CliRun): void {
  program
    .command('cancel-orchestration')
    .description('Cancel an orchestration: running tasks stop, waiting and queued ones are cancelled')
    .argument('<id>', 'orchestration id')
    .option('--json', 'print the orchestration after the request as JSON')
    .addHelpText(
      'after',
      '\nExit codes: 0 cancelled or cancel requested, 1 already finished, 2 unknown id, 3 server unreachable.',
    )
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      const orchestrationId = parseOrchestrationId(id);
      const context = run.context(command);
      const client = await connect(context);
      const detail = await client.cancelOrchestration(orchestrationId);
      if (options.json) {
        context.json(detail);
        return;
      }
      if (isFinished(detail)) {
        context.print(`Orchestration ${detail.id} ${detail.status}: ${countsText(detail)}.`);
        return;
      }
      const running = detail.counts.running;
      context.print(
        `Orchestration ${detail.id}: cancel requested; ${running} running task${running === 1 ? ' is' : 's are'} being stopped ` +
          `(${countsText(detail)}). Follow it: claude-worker orchestration-status ${detail.id} --watch`,
      );
    });
}
