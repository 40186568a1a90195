/**
 * `claude-worker stats`: what went wrong lately — attempts by failure class with what to do about each, by model,
 * and the models' rate-limit cool-downs and circuit breakers. `--json` prints the REST object.
 */
import type { Command } from 'commander';
import { wholeNumber } from '../args.js';
import { connect } from '../connect.js';
import type { CliRun } from '../context.js';
import { outputWidth, table } from '../format.js';

export function registerStats(program: Command, run: CliRun): void {
  program
    .command('stats')
    .description('Error metrics by failure class, model and hour; model cool-downs and circuit breakers')
    .option('--hours <n>', 'look back this many hours (1 to 2160)', wholeNumber, 24)
    .option('--json', 'print the REST object')
    .action(async (options: { hours: number; json?: boolean }, command: Command) => {
      const context = run.context(command);
      const client = await connect(context);
      const stats = await client.stats(options.hours);
      if (options.json) {
        context.json(stats);
        return;
      }
      context.print(
        `Last ${options.hours} h: ${stats.attempts} attempts, ${stats.succeeded} succeeded, ${stats.failed} did not.`,
      );
      if (stats.by_code.length > 0) {
        context.print('');
        for (const line of table(
          ['count', 'failure', 'retried', 'what to do'],
          stats.by_code.map((c) => [
            String(c.count),
            `${c.code} (${c.title})`,
            c.retryable ? 'yes' : 'no',
            c.suggestion,
          ]),
          outputWidth(),
        ))
          context.print(line);
      }
      if (stats.by_model.length > 0) {
        context.print('');
        const rows = stats.by_model.map((m) => [m.model, String(m.attempts), String(m.failed)]);
        for (const line of table(['model', 'attempts', 'failed'], rows, outputWidth())) context.print(line);
      }
      const gated = stats.models.filter((g) => g.cooldown_until || g.breaker_state !== 'closed');
      context.print('');
      if (gated.length === 0) context.print('Every model is open: no cool-down, no open breaker.');
      for (const gate of gated) {
        if (gate.cooldown_until)
          context.print(`${gate.model}: rate-limit cool-down until ${gate.cooldown_until}`);
        if (gate.breaker_state !== 'closed') {
          const until = gate.breaker_open_until ? ` until ${gate.breaker_open_until}` : '';
          context.print(
            `${gate.model}: breaker ${gate.breaker_state}${until} (${gate.consecutive_failures} consecutive failures; last: ${gate.last_failure ?? 'unknown'})`,
          );
        }
      }
    });
}
