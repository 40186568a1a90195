/**
 * `claude-worker doctor`: checks the set-up and says how to fix what is wrong — Node.js version, configuration,
 * the Claude Code executable and its version, credentials, a writable home folder, the database, the server.
 * ✓ fine, ! worth knowing (not critical), ✗ broken. Exit 0 unless something critical failed, else 1; 3 when the
 * configured PostgreSQL cannot be reached.
 */
import type { Command } from 'commander';
import type { CliRun } from '../context.js';
import { runChecks, type CheckStatus } from '../doctor-checks.js';
import { EXIT } from '../exit-codes.js';

const MARK: Record<CheckStatus, string> = { ok: '✓', warn: '!', fail: '✗' };

export function registerDoctor(program: Command, run: CliRun): void {
  program
    .command('doctor')
    .description('Check the set-up: Claude Code, credentials, home folder, database, server')
    .option('--json', 'print the checks as JSON: { ok, checks: [{ name, status, message, fix }] }')
    .addHelpText(
      'after',
      '\nExit codes: 0 nothing critical failed, 1 something did (each ✗ line says how to fix it), 3 the configured\n' +
        'PostgreSQL cannot be reached.',
    )
    .action(async (options: { json?: boolean }, command: Command) => {
      const context = run.context(command);
      const checks = await runChecks(context);
      const ok = checks.every((check) => check.status !== 'fail');
      if (options.json) context.json({ ok, checks });
      else {
        for (const check of checks) {
          context.print(`${MARK[check.status]} ${check.name}: ${check.message}`);
          if (check.fix) context.print(`    fix: ${check.fix}`);
        }
        context.print(ok ? '\nReady.' : '\nSomething needs fixing (see the ✗ lines).');
      }
      run.exitCode = checks.some((check) => check.unreachable)
        ? EXIT.unreachable
        : ok
          ? EXIT.ok
          : EXIT.failed;
    });
}
