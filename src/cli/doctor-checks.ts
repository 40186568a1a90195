/**
 * The checks of `claude-worker doctor`, each with what it found and, when something is wrong, how to fix it:
 * Node.js, configuration, the Claude Code executable (probeClaude), credentials, the home folder, the database,
 * the server, and whether Claude Code has the MCP server registered. A check never throws; a broken part is a
 * `fail` with a fix. The database is checked by the running server when one answers, else through the App: the CLI
 * never opens a store itself.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { displayPath, resolveHome } from '../config/load.js';
import { homePaths } from '../config/paths.js';
import { DEFAULTS, type Config } from '../config/schema.js';
import { credentialsPresent, probeClaude } from '../executor/claude-probe.js';
import { commandNotOnPath, findRegistrations, missingPaths } from '../mcp/install.js';
import { childGuardSupport } from '../platform/child-guard.js';
import type { CliContext } from './context.js';
import { findLocalServer, probeHealth } from './server-info.js';
import { readTokenFile } from '../api/token.js';
import { makePrivateDir, PRIVATE_FILE_MODE } from '../platform/private-files.js';
import { ClaudeWorkerClient } from '../client/http-client.js';
import type { HealthDetailed } from '../api/wire-schemas.js';
import { alertChecks } from './doctor-alerts.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface Check {
  name: string;
  status: CheckStatus;
  message: string;
  fix: string | null;
  /** Set on the database check when the configured PostgreSQL cannot be reached (doctor then exits 3). */
  unreachable?: true;
}

const MIN_NODE_MAJOR = 20;

export async function runChecks(context: CliContext): Promise<Check[]> {
  const checks: Check[] = [nodeCheck()];
  const { config, check } = configCheck(context);
  checks.push(check);
  checks.push(await claudeCheck(config));
  checks.push(childGuardCheck(config));
  checks.push(credentialsCheck(context));
  const root = rootCheck(config, context.io.env);
  if (root) checks.push(root);
  const home = homeCheck(config);
  checks.push(home);
  const detail = await serverDetail(config);
  if (home.status === 'ok' || detail) checks.push(await databaseCheck(config, detail));
  checks.push(await serverCheck(context, config));
  if (detail) checks.push(...gateChecks(detail));
  checks.push(mcpCheck(context));
  checks.push(...alertChecks(context, config));
  return checks;
}

function nodeCheck(): Check {
  const major = Number(process.versions.node.split('.')[0]);
  return major >= MIN_NODE_MAJOR
    ? { name: 'Node.js', status: 'ok', message: process.versions.node, fix: null }
    : {
        name: 'Node.js',
        status: 'fail',
        message: `${process.versions.node} is too old`,
        fix: `Install Node.js ${MIN_NODE_MAJOR} or newer.`,
      };
}

/** The configuration, or the defaults (with the home folder from flag or environment) when it is invalid. */
function configCheck(context: CliContext): { config: Config; check: Check } {
  try {
    const { config, files, warnings } = context.loaded;
    const read = [files.user, files.project]
      .filter((f): f is string => f !== null)
      .map((f) => displayPath(f, context.io.env));
    const message = `valid${read.length ? ` (read ${read.join(', ')})` : ' (defaults and environment)'}`;
    return {
      config,
      check: warnings.length
        ? {
            name: 'configuration',
            status: 'warn',
            message: `${message}; ${warnings.join('; ')}`,
            fix: 'Correct the variable name.',
          }
        : { name: 'configuration', status: 'ok', message, fix: null },
    };
  } catch (err) {
    const options = { cwd: context.io.cwd, env: context.io.env, flags: { home: context.globals.home } };
    const config: Config = { ...DEFAULTS, home: resolveHome(options).home };
    const message = err instanceof Error ? err.message : String(err);
    return {
      config,
      check: {
        name: 'configuration',
        status: 'fail',
        message,
        fix: 'See `claude-worker config` once it is corrected; the other checks use the defaults.',
      },
    };
  }
}

/**
 * Claude Code refuses bypassPermissions (our default) when it runs as root, unless IS_SANDBOX=1 (or its bubblewrap
 * sandbox) says the machine is disposable: every task would fail at once.
 */
function rootCheck(config: Config, env: NodeJS.ProcessEnv): Check | null {
  if (process.platform === 'win32' || process.getuid?.() !== 0) return null;
  if (config.permission_mode !== 'bypassPermissions') return null;
  if (env['IS_SANDBOX'] === '1' || env['CLAUDE_CODE_BUBBLEWRAP'] === '1') return null;
  return {
    name: 'permissions',
    status: 'fail',
    message:
      'running as root with permission_mode bypassPermissions: Claude Code refuses that, so tasks would fail',
    fix: 'Run claude-worker as a normal user; or set permission_mode (e.g. CLAUDE_WORKER_PERMISSION_MODE=acceptEdits); or, only on a disposable sandbox, set IS_SANDBOX=1 for the server.',
  };
}

async function claudeCheck(config: Config): Promise<Check> {
  const probe = await probeClaude(config.claude_path);
  const where = probe.source === 'config' ? 'from claude_path' : 'bundled with the Agent SDK';
  if (probe.ok)
    return {
      name: 'Claude Code',
      status: 'ok',
      message: `${probe.version ?? '?'} at ${probe.path ?? '?'} (${where})`,
      fix: null,
    };
  return { name: 'Claude Code', status: 'fail', message: `not usable (${where})`, fix: probe.problem };
}

/** Whether a Claude Code child ends with a server that dies (setpriv --pdeathsig on Linux, the lifeline). */
function childGuardCheck(config: Config): Check {
  const name = 'orphan guard';
  if (!config.child_dies_with_server) {
    return {
      name,
      status: 'warn',
      message: 'off (child_dies_with_server: false): Claude Code may outlive a server that dies',
      fix: 'A restarted server stops such an orphan before its task runs again; set child_dies_with_server: true to stop it at once.',
    };
  }
  const support = childGuardSupport();
  if (support.pdeathsig && support.lifeline)
    return { name, status: 'ok', message: support.detail, fix: null };
  return {
    name,
    status: 'warn',
    message: support.detail,
    fix:
      process.platform === 'linux'
        ? 'Install util-linux (setpriv), e.g. `apt-get install util-linux`. Meanwhile a restarted server stops orphans before their tasks run again.'
        : 'Nothing to install: a restarted server stops orphans before their tasks run again.',
  };
}

function credentialsCheck(context: CliContext): Check {
  const found = credentialsPresent(context.io.env);
  if (found.present)
    return { name: 'credentials', status: 'ok', message: `found (${found.source ?? '?'})`, fix: null };
  return {
    name: 'credentials',
    status: 'warn',
    message: 'none found (no ANTHROPIC_API_KEY, CLAUDE_CODE_OAUTH_TOKEN or ~/.claude/.credentials.json)',
    fix: 'Run `claude` and /login once, or set ANTHROPIC_API_KEY for the server; tasks fail with "auth" until then.',
  };
}

function homeCheck(config: Config): Check {
  const probe = join(config.home, `.doctor-${process.pid}`);
  try {
    makePrivateDir(config.home);
    writeFileSync(probe, 'ok', { mode: PRIVATE_FILE_MODE });
    rmSync(probe, { force: true });
    return { name: 'home folder', status: 'ok', message: `${config.home} is writable`, fix: null };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    return {
      name: 'home folder',
      status: 'fail',
      message: `${config.home} is not writable (${code})`,
      fix: 'Fix its permissions, or choose another folder with CLAUDE_WORKER_HOME or --home.',
    };
  }
}

/** The running server's own view (GET /health/detailed), or null when none answers with our token. */
async function serverDetail(config: Config): Promise<HealthDetailed | null> {
  const paths = homePaths(config.home);
  const url = config.url ?? (await findLocalServer(paths))?.info.url;
  const token = config.token ?? (await readTokenFile(paths.token));
  if (!url || !token) return null;
  try {
    return await new ClaudeWorkerClient({ url, token }).healthDetailed();
  } catch {
    return null;
  }
}

/**
 * The database as the running server sees it; without a server, checked through the App (the SQLite file opened as
 * a server would open it; PostgreSQL only read: a missing schema is reported, not created). The CLI never opens a
 * store itself.
 */
async function databaseCheck(config: Config, detail: HealthDetailed | null): Promise<Check> {
  if (detail) {
    const total = Object.values(detail.counts).reduce((sum, n) => sum + n, 0);
    return {
      name: 'database',
      status: 'ok',
      message: `${detail.database} is open in the running server (${total} task${total === 1 ? '' : 's'})`,
      fix: null,
    };
  }
  const { probeStore, storeChoiceOf } = await import('../app.js');
  const choice = storeChoiceOf(config);
  try {
    const probe = await probeStore(config);
    const tasks = `${probe.tasks ?? 0} task${probe.tasks === 1 ? '' : 's'}`;
    if (probe.kind === 'sqlite') {
      return {
        name: 'database',
        status: 'ok',
        message: `SQLite ${probe.location} opens (${tasks})`,
        fix: null,
      };
    }
    if (probe.schema_version === null) {
      return {
        name: 'database',
        status: 'warn',
        message: `PostgreSQL ${probe.location} answers, but its schema is not created yet`,
        fix: 'Run `claude-worker db migrate` (a server or worker also creates it when it starts).',
      };
    }
    if (probe.known_version !== null && probe.schema_version > probe.known_version) {
      return {
        name: 'database',
        status: 'fail',
        message:
          `PostgreSQL ${probe.location} has schema version ${probe.schema_version}; this claude-worker knows up ` +
          `to ${probe.known_version}`,
        fix: 'Upgrade claude-worker on this machine to the version the other nodes run.',
      };
    }
    return {
      name: 'database',
      status: 'ok',
      message: `PostgreSQL ${probe.location} answers (schema version ${probe.schema_version}, ${tasks})`,
      fix: null,
    };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return {
      name: 'database',
      status: 'fail',
      message: choice.kind === 'sqlite' ? `${choice.location} does not open: ${message}` : message,
      ...(choice.kind === 'postgres' ? { unreachable: true as const } : {}),
      fix:
        choice.kind === 'sqlite'
          ? 'Check free disk space and the file’s permissions; if it is damaged, move it aside (a new one is created).'
          : 'Check database_url (CLAUDE_WORKER_DATABASE_URL), that PostgreSQL runs and that the database exists.',
    };
  }
}

async function serverCheck(context: CliContext, config: Config): Promise<Check> {
  if (config.url) {
    const health = await probeHealth(config.url);
    return health
      ? {
          name: 'server',
          status: 'ok',
          message: `${config.url} answers (version ${health.version})`,
          fix: null,
        }
      : {
          name: 'server',
          status: 'fail',
          message: `nothing answers at ${config.url} (url setting)`,
          fix: 'Start that server, or correct or remove the url setting.',
        };
  }
  const local = await findLocalServer(homePaths(config.home));
  if (local)
    return {
      name: 'server',
      status: 'ok',
      message: `running at ${local.info.url} (pid ${local.info.pid})`,
      fix: null,
    };
  return {
    name: 'server',
    status: 'ok',
    message: 'not running; it starts by itself when a command needs it (or: claude-worker server start)',
    fix: null,
  };
}

/** Memory admission and each model's cool-down and breaker, as the running server sees them. */
function gateChecks(detail: HealthDetailed): Check[] {
  const gated = detail.models.filter((g) => g.cooldown_until || g.breaker_state !== 'closed');
  const models: Check =
    gated.length === 0
      ? {
          name: 'models',
          status: 'ok',
          message: 'no rate-limit cool-down, no open circuit breaker',
          fix: null,
        }
      : {
          name: 'models',
          status: 'warn',
          message: gated
            .map((g) =>
              g.cooldown_until
                ? `${g.model} cooling down until ${g.cooldown_until}`
                : `${g.model} breaker ${g.breaker_state}${g.breaker_open_until ? ` until ${g.breaker_open_until}` : ''} (last: ${g.last_failure ?? '?'})`,
            )
            .join('; '),
          fix: 'Tasks of these models wait and start by themselves; see `claude-worker stats` for the failures behind it.',
        };
  const admission: Check = detail.admission.blocked
    ? {
        name: 'memory',
        status: 'warn',
        message: detail.admission.blocked,
        fix: 'Free memory, or lower min_free_memory_mb.',
      }
    : {
        name: 'memory',
        status: 'ok',
        message: `${detail.admission.available_memory_mb ?? '?'} MB available`,
        fix: null,
      };
  return [models, admission];
}

/** Whether Claude Code sees the claude-worker MCP server from here (project .mcp.json, user or local scope). */
function mcpCheck(context: CliContext): Check {
  const name = 'MCP registered with Claude Code (project/user)';
  const env = context.io.env;
  let found;
  try {
    found = findRegistrations(context.io.cwd, env['HOME'] || homedir());
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return {
      name,
      status: 'warn',
      message: `could not read Claude Code's configuration: ${message}`,
      fix: null,
    };
  }
  if (found.length === 0) {
    return {
      name,
      status: 'warn',
      message: 'not registered (no claude-worker entry in ./.mcp.json or ~/.claude.json)',
      fix: 'Run `claude-worker mcp install` (every project) or `claude-worker mcp install --scope project` (this folder).',
    };
  }
  const where = found.map((r) => `${r.scope}: ${displayPath(r.path, env)} "${r.name}"`).join('; ');
  const stale = found.flatMap((r) => missingPaths(r));
  if (stale.length > 0) {
    return {
      name,
      status: 'warn',
      message: `registered (${where}) but it points at missing ${stale.join(', ')}`,
      fix: 'Run `claude-worker mcp install` again (with the same --scope) to point it at this installation.',
    };
  }
  const notOnPath = found.filter((r) => commandNotOnPath(r, env['PATH']) !== null);
  if (notOnPath.length > 0) {
    return {
      name,
      status: 'warn',
      message: `registered (${where}) but \`${String(notOnPath[0]!.entry['command'])}\` is not on PATH, so Claude Code cannot start it`,
      fix: 'Put claude-worker on PATH (`npm link` in its folder, or `npm install -g`), or register with `claude-worker mcp install` (user scope: absolute paths).',
    };
  }
  return { name, status: 'ok', message: `registered (${where})`, fix: null };
}
