/**
 * The `claude-worker` program: global flags, one registration per command (src/cli/commands/), and the single
 * place where an error becomes `error: <message>` on stderr and an exit code (see exit-codes.ts). Stack traces
 * only with CLAUDE_WORKER_DEBUG=1.
 */
import { Command, CommanderError } from 'commander';
import { VERSION } from '../api/version.js';
import { isClaudeWorkerError } from '../domain/errors.js';
import { registerCancel } from './commands/cancel.js';
import { registerCancelOrchestration } from './commands/cancel-orchestration.js';
import { registerConfig } from './commands/config.js';
import { registerDashboard } from './commands/dashboard.js';
import { registerDb } from './commands/db.js';
import { registerDoctor } from './commands/doctor.js';
import { registerList } from './commands/list.js';
import { registerListOrchestrations } from './commands/list-orchestrations.js';
import { registerLogs } from './commands/logs.js';
import { registerMcp } from './commands/mcp.js';
import { registerOrchestrate } from './commands/orchestrate.js';
import { registerOrchestrationStatus } from './commands/orchestration-status.js';
import { registerPrune } from './commands/prune.js';
import { registerRetry } from './commands/retry.js';
import { registerRun } from './commands/run.js';
import { registerServer } from './commands/server.js';
import { registerStats } from './commands/stats.js';
import { registerStatus } from './commands/status.js';
import { registerWatch } from './commands/watch.js';
import { registerWorker } from './commands/worker.js';
import { registerWebhooks } from './commands/webhooks.js';
import { registerWorkers } from './commands/workers.js';
import { createRun, type CliIo, type CliRun } from './context.js';
import { EXIT_CODES_HELP, exitCodeFor } from './exit-codes.js';
import { stripControl } from './format.js';

export function buildProgram(run: CliRun): Command {
  const program = new Command('claude-worker');
  program
    .description('Run Claude Code tasks in the background: durable, observable, retried.')
    .version(VERSION, '-V, --version')
    .option('--home <dir>', 'home folder (database, logs, server.json, token); default ~/.claude-worker')
    .option('--url <url>', 'talk to the server at this URL instead of the local one')
    .option('--port <port>', 'port of the local server when it is started')
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({
      writeOut: (text) => run.io.stdout.write(text),
      writeErr: (text) => run.io.stderr.write(text),
    })
    .addHelpText(
      'after',
      `
Examples:
  claude-worker run "Add input validation to src/api/users.ts" --dir ~/proj --model opus
  git diff | claude-worker run "Review these changes"
  claude-worker watch 1
  claude-worker logs 1 -f
  claude-worker orchestrate release.yaml --watch
${EXIT_CODES_HELP}`,
    );
  registerRun(program, run);
  registerList(program, run);
  registerStatus(program, run);
  registerWatch(program, run);
  registerLogs(program, run);
  registerCancel(program, run);
  registerRetry(program, run);
  registerOrchestrate(program, run);
  registerOrchestrationStatus(program, run);
  registerListOrchestrations(program, run);
  registerCancelOrchestration(program, run);
  registerStats(program, run);
  registerPrune(program, run);
  registerServer(program, run);
  registerWorker(program, run);
  registerWorkers(program, run);
  registerDashboard(program, run);
  registerWebhooks(program, run);
  registerMcp(program, run);
  registerDoctor(program, run);
  registerConfig(program, run);
  registerDb(program, run);
  return program;
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const run = createRun(io);
  try {
    await buildProgram(run).parseAsync(argv, { from: 'user' });
    return run.exitCode;
  } catch (err) {
    return reportError(err, io);
  }
}

function reportError(err: unknown, io: CliIo): number {
  const code = exitCodeFor(err);
  if (err instanceof CommanderError) return code; // commander has printed its message already
  const message = err instanceof Error ? err.message : String(err);
  // Messages quote input and server text: no terminal escapes reach the terminal through them.
  io.stderr.write(`error: ${stripControl(message)}\n`);
  if (isClaudeWorkerError(err)) {
    for (const issue of err.issues) {
      const line = issue.path ? `${issue.path}: ${issue.message}` : issue.message;
      if (!message.includes(issue.message)) io.stderr.write(`  - ${stripControl(line)}\n`);
    }
  } else if (io.env['CLAUDE_WORKER_DEBUG'] !== '1') {
    io.stderr.write(
      'This was unexpected. Run again with CLAUDE_WORKER_DEBUG=1 to see the details, and report it.\n',
    );
  }
  if (io.env['CLAUDE_WORKER_DEBUG'] === '1' && err instanceof Error) {
    io.stderr.write(`${err.stack ?? ''}\n`);
    if (err.cause !== undefined)
      io.stderr.write(
        `caused by: ${err.cause instanceof Error ? (err.cause.stack ?? err.cause.message) : String(err.cause)}\n`,
      );
  }
  return code;
}
