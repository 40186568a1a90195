/**
 * `claude-worker mcp [--standalone]`: the MCP server over stdio, as Claude Code and Claude Desktop launch it (stdout
 * carries only MCP frames; notes go to stderr). Proxy mode (default) talks to the server, starting it when needed;
 * standalone runs the engine in this process. `claude-worker mcp install [--scope user|project]` registers it with
 * Claude Code and prints the Claude Desktop snippet. The MCP modules load only when these commands run.
 */
import { homedir } from 'node:os';
import type { Command } from 'commander';
import { displayPath } from '../../config/load.js';
import { ClaudeWorkerError } from '../../domain/errors.js';
import { connect } from '../connect.js';
import type { CliContext, CliRun } from '../context.js';
import { EXIT } from '../exit-codes.js';
import {
  configPathFor,
  desktopSnippet,
  INSTALL_SCOPES,
  installEntry,
  mcpEntry,
  type InstallScope,
} from '../../mcp/install.js';

interface ServeOptions {
  standalone?: boolean;
}

interface InstallOptions {
  scope: string;
  standalone?: boolean;
  name: string;
}

export function registerMcp(program: Command, run: CliRun): void {
  const mcp = program
    .command('mcp')
    .description(
      'MCP server on stdio, so Claude Code or Claude Desktop can delegate tasks (see `mcp install`)',
    )
    .option(
      '--standalone',
      'run tasks inside this process (embedded engine and the SQLite store), without a server',
    )
    .addHelpText(
      'after',
      `
Modes:
  proxy (default)  tools call the claude-worker server (started when needed); tasks outlive the MCP process
  --standalone     no server: tasks run in this process and are recovered at its next start if it exits

Register it with Claude Code:  claude-worker mcp install [--scope user|project]`,
    )
    .action(async (options: ServeOptions, command: Command) => {
      run.exitCode = await serve(run.context(command), options.standalone === true);
    });

  mcp
    .command('install')
    .description(
      "Register the MCP server with Claude Code (merging into its config; a backup is kept) and print Claude Desktop's snippet",
    )
    .option(
      '--scope <scope>',
      'user: ~/.claude.json, every project; project: .mcp.json in this folder',
      'user',
    )
    .option('--standalone', 'register the standalone mode (no server process)')
    .option('--name <name>', 'the server name Claude Code shows', 'claude-worker')
    .action((_options: InstallOptions, command: Command) => {
      // `--standalone` is also an option of `mcp` itself, which takes it first: read both levels.
      run.exitCode = install(run.context(command), command.optsWithGlobals<InstallOptions>());
    });
}

async function serve(context: CliContext, standalone: boolean): Promise<number> {
  const { config } = context.loaded;
  const [{ createMcpServer }, { serveStdio }] = await Promise.all([
    import('../../mcp/server.js'),
    import('../../mcp/stdio.js'),
  ]);
  let backend;
  if (standalone) {
    const { openStandaloneBackend } = await import('../../mcp/standalone.js');
    backend = await openStandaloneBackend(config);
  } else {
    const { ProxyBackend } = await import('../../mcp/proxy-backend.js');
    backend = new ProxyBackend({ connect: () => connect(context, { actor: 'mcp' }) });
  }
  context.note(`claude-worker MCP server (${backend.mode} mode, home ${config.home}) is ready on stdio.`);
  await serveStdio(createMcpServer(backend), backend);
  return EXIT.ok;
}

function install(context: CliContext, options: InstallOptions): number {
  if (!(INSTALL_SCOPES as readonly string[]).includes(options.scope)) {
    throw ClaudeWorkerError.validation(
      [
        {
          path: '--scope',
          message: `unknown scope "${options.scope}"; use user (every project) or project (.mcp.json in this folder)`,
        },
      ],
      'The command',
    );
  }
  const scope = options.scope as InstallScope;
  const { config, sources } = context.loaded;
  const env = context.io.env;
  // User scope: a home folder other than the default is part of the registration, so the MCP server finds the same
  // tasks. Project scope: nothing of this machine goes into the shared file (see mcp/install.ts).
  const standalone = options.standalone === true;
  const homeEnv: Record<string, string> =
    sources.home === 'default' ? {} : { CLAUDE_WORKER_HOME: config.home };
  const entry = mcpEntry({ standalone, scope, env: homeEnv });
  const path = configPathFor(scope, context.io.cwd, env['HOME'] || homedir());
  const result = installEntry(path, options.name, entry);
  const shown = displayPath(path, env);
  if (result.changed) {
    context.print(
      `Registered the MCP server "${options.name}" with Claude Code (${scope} scope) in ${shown}.`,
    );
    if (result.backup) context.print(`The file as it was is kept in ${displayPath(result.backup, env)}.`);
  } else {
    context.print(
      `The MCP server "${options.name}" is already registered in ${shown} (${scope} scope); nothing changed.`,
    );
  }
  context.print(`It runs: ${[entry.command, ...entry.args].join(' ')}`);
  if (scope === 'project') {
    context.print(
      'The entry holds no path of this machine, so .mcp.json can be committed: on each machine `claude-worker` must ' +
        'be on the PATH Claude Code starts with (`npm link` in a clone, or `npm install -g`).',
    );
    if (sources.home !== 'default')
      context.print(
        `Your home folder (${displayPath(config.home, env)}, from ${sources.home}) is not written there: Claude Code ` +
          'must start with the same CLAUDE_WORKER_HOME, or register with --scope user instead.',
      );
    context.print(
      'Start Claude Code in this folder (it asks once to approve servers from .mcp.json); /mcp lists it.',
    );
  } else {
    context.print('Restart Claude Code; /mcp lists it in every project.');
  }
  context.print(
    '\nFor Claude Desktop, merge this into claude_desktop_config.json (macOS: ~/Library/Application Support/Claude/, ' +
      'Windows: %APPDATA%\\Claude\\), then restart Claude Desktop:',
  );
  // Claude Desktop starts servers without a shell's PATH: its snippet always has this machine's absolute paths.
  const desktop = mcpEntry({ standalone, scope: 'user', env: homeEnv });
  context.print(desktopSnippet(options.name, desktop));
  return EXIT.ok;
}
