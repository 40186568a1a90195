/**
 * The `claude-worker` program: global flags, one registration per command (src/cli/commands/, each loaded only
 * when it runs, or all when help lists them), and the single place where an error becomes `error: <message>` on
 * stderr and an exit code (see exit-codes.ts). Stack traces only with CLAUDE_WORKER_DEBUG=1.
 */
import { Command, CommanderError } from 'commander';
import { VERSION } from '../api/version.js';
import { isClaudeWorkerError } from '../domain/errors.js';
import { createRun, type CliIo, type CliRun } from './context.js';
import { EXIT_CODES_HELP, exitCodeFor } from './exit-codes.js';
import { stripControl } from './format.js';

/** The program with every command, or with only `only` (the command about to run: see `commandOf`). */
export async function buildProgram(run: CliRun, only: string | null = null): Promise<Command> {
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
  for (const load of only ? [COMMANDS[only]!] : Object.values(COMMANDS)) (await load())(program, run);
  return program;
}

type Register = (program: Command, run: CliRun) => void;

/**
 * Every command, in the order help lists them, loaded on demand: a command's module (and what only it needs) loads
 * only when that command runs, so `status` does not pay for `doctor` or `mcp` at every start.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  run: async () => (await import('./commands/run.js')).registerRun,
  list: async () => (await import('./commands/list.js')).registerList,
  status: async () => (await import('./commands/status.js')).registerStatus,
  watch: async () => (await import('./commands/watch.js')).registerWatch,
  logs: async () => (await import('./commands/logs.js')).registerLogs,
  cancel: async () => (await import('./commands/cancel.js')).registerCancel,
  retry: async () => (await import('./commands/retry.js')).registerRetry,
  orchestrate: async () => (await import('./commands/orchestrate.js')).registerOrchestrate,
  'orchestration-status': async () =>
    (await import('./commands/orchestration-status.js')).registerOrchestrationStatus,
  'list-orchestrations': async () =>
    (await import('./commands/list-orchestrations.js')).registerListOrchestrations,
  'cancel-orchestration': async () =>
    (await import('./commands/cancel-orchestration.js')).registerCancelOrchestration,
  stats: async () => (await import('./commands/stats.js')).registerStats,
  prune: async () => (await import('./commands/prune.js')).registerPrune,
  server: async () => (await import('./commands/server.js')).registerServer,
  worker: async () => (await import('./commands/worker.js')).registerWorker,
  workers: async () => (await import('./commands/workers.js')).registerWorkers,
  dashboard: async () => (await import('./commands/dashboard.js')).registerDashboard,
  webhooks: async () => (await import('./commands/webhooks.js')).registerWebhooks,
  mcp: async () => (await import('./commands/mcp.js')).registerMcp,
  doctor: async () => (await import('./commands/doctor.js')).registerDoctor,
  config: async () => (await import('./commands/config.js')).registerConfig,
  db: async () => (await import('./commands/db.js')).registerDb,
};

export const GLOBAL_OPTIONS_WITH_VALUE = new Set(['--home', '--url', '--port']);
const HELP_OR_VERSION = new Set(['-h', '--help', '-V', '--version']);

/**
 * The command `argv` runs, when it names one (global options may come first); null when every command must be
 * known: no command, help or the version asked for before one, `help <command>`, or a word that is no command (so
 * commander can suggest the nearest).
 */
export function commandOf(argv: readonly string[]): string | null {
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (GLOBAL_OPTIONS_WITH_VALUE.has(token)) {
      i++;
      continue;
    }
    if (HELP_OR_VERSION.has(token)) return null;
    if (token.startsWith('-')) continue;
    return Object.hasOwn(COMMANDS, token) ? token : null;
  }
  return null;
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const run = createRun(io);
  try {
    await (await buildProgram(run, commandOf(argv))).parseAsync(argv, { from: 'user' });
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
