/**
 * `claude-worker config`: every effective setting, its value (the token masked) and where it came from, plus the
 * files that were read. `--json` prints `{ settings: { <key>: { value, source, env, description } }, files }`.
 */
import type { Command } from 'commander';
import { readServerInfo } from '../../api/server-info.js';
import { isAlive } from '../../platform/process-alive.js';
import { CONFIG_KEYS, displayPath, flagName } from '../../config/load.js';
import { maskDatabaseUrl } from '../../config/database-url.js';
import { ConfigSchema, envName, type Config, type ConfigKey } from '../../config/schema.js';
import type { CliRun } from '../context.js';
import { table } from '../format.js';
import { EXIT } from '../exit-codes.js';

interface ConfigOptions {
  json?: boolean;
}

/** Shows whether a token is set without showing it. */
export function maskToken(token: string | null): string | null {
  if (token === null) return null;
  return `${token.slice(0, 4)}…(${token.length} characters, masked)`;
}

function shownValue(config: Config, key: ConfigKey): unknown {
  if (key === 'token') return maskToken(config.token);
  if (key === 'database_url' && config.database_url !== null) return maskDatabaseUrl(config.database_url);
  return config[key];
}

interface StoreStatus {
  kind: 'sqlite' | 'postgres';
  location: string;
  reachable: boolean;
  detail: string;
}

/** Which store the settings name, and whether it opens (never with a password in sight). */
async function storeStatus(config: Config): Promise<StoreStatus> {
  const { probeStore, storeChoiceOf: storeChoice } = await import('../../app.js');
  try {
    const probe = await probeStore(config);
    const detail =
      probe.kind === 'sqlite'
        ? `${probe.tasks ?? 0} tasks`
        : probe.schema_version === null
          ? 'reachable; schema not created yet (run `claude-worker db migrate`, or start a server)'
          : `reachable; schema version ${probe.schema_version}, ${probe.tasks ?? 0} tasks`;
    return { kind: probe.kind, location: probe.location, reachable: true, detail };
  } catch (err) {
    return {
      ...storeChoice(config),
      reachable: false,
      detail: err instanceof Error ? err.message : String(err),
    };
  }
}

/** Exit 3 when the configured PostgreSQL cannot be reached (refused, missing database, wrong password), else 0. */
function exitCodeOf(store: { kind: string; reachable: boolean }): number {
  return store.kind === 'postgres' && !store.reachable ? EXIT.unreachable : EXIT.ok;
}

export function registerConfig(program: Command, run: CliRun): void {
  program
    .command('config')
    .description('Show every effective setting, its value and where it came from')
    .option('--json', 'print the settings as JSON')
    .addHelpText(
      'after',
      `
Settings come from, lowest to highest: defaults < user file (<home>/config.json or .yaml) < project file
(.claude-worker.json or .yaml, the nearest one upward from the current folder) < CLAUDE_WORKER_* environment
variables < flags. The home folder itself comes from --home, CLAUDE_WORKER_HOME or ~/.claude-worker.
Exit codes: 0, or 3 when the configured PostgreSQL cannot be reached (the settings are shown all the same).`,
    )
    .action(async (options: ConfigOptions, command: Command) => {
      const context = run.context(command);
      const { config, sources, files, warnings } = context.loaded;
      if (options.json) {
        const settings = Object.fromEntries(
          CONFIG_KEYS.map((key) => [
            key,
            {
              value: shownValue(config, key),
              source: sources[key],
              env: envName(key),
              description: ConfigSchema.shape[key].description ?? '',
            },
          ]),
        );
        const store = await storeStatus(config);
        context.json({ settings, files, store });
        run.exitCode = exitCodeOf(store);
        return;
      }
      const rows = CONFIG_KEYS.map((key) => [key, JSON.stringify(shownValue(config, key)), sources[key]]);
      for (const line of table(['SETTING', 'VALUE', 'SOURCE'], rows, context.width)) context.print(line);
      context.print();
      context.print(
        `user file:    ${files.user ? displayPath(files.user, context.io.env) : `none (${displayPath(context.paths.userConfig, context.io.env)} or config.yaml)`}`,
      );
      context.print(
        `project file: ${files.project ? displayPath(files.project, context.io.env) : 'none (.claude-worker.json or .yaml, searched upward)'}`,
      );
      context.print(
        `Each setting has an environment variable (${envName('concurrency')}) and a file key (concurrency);`,
      );
      context.print(
        `the flags are ${['home', 'url', 'port'].map((k) => flagName(k as ConfigKey)).join(', ')}.`,
      );
      const store = await storeStatus(config);
      context.print(
        `store:        ${store.kind === 'postgres' ? 'PostgreSQL' : 'SQLite'} ${store.location} ` +
          `(${store.reachable ? store.detail : `not reachable: ${store.detail}`})`,
      );
      run.exitCode = exitCodeOf(store);
      for (const warning of warnings) context.note(`warning: ${warning}`);
      const running = await readServerInfo(context.paths.serverInfo);
      if (running && isAlive(running.pid)) {
        context.print(
          `A server is running (pid ${running.pid}, since ${running.started_at}): it read its settings when it ` +
            'started. Restart it to apply changes: claude-worker server restart',
        );
      }
    });
}
