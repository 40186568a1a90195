/**
 * `claude-worker stats`: what went wrong lately — attempts by failure class with what to do about each (in full),
 * by model and by hour, and the models' rate-limit cool-downs and circuit breakers (stats-view.ts lays it out).
 * `--json` prints the REST object.
 */
import type { Command } from 'commander';
import { wholeNumber } from '../args.js';
import { connect } from '../connect.js';
import type { CliRun } from '../context.js';
import { statsLines } from '../stats-view.js';

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
      for (const line of statsLines(stats, options.hours, context.width)) context.print(line);
    });
}
