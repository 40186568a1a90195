/**
 * Registering the MCP server with Claude Code: the entry, where each scope keeps it (project: `.mcp.json` in the project
 * folder; user: `mcpServers` at the top of `~/.claude.json`), a merge that leaves every other setting as it was
 * (idempotent; a timestamped backup before any change; written atomically), the Claude Desktop snippet, and
 * finding existing registrations for `doctor`.
 *
 * The entry differs by scope. User scope (`~/.claude.json`, this machine's own file): absolute paths to this Node.js
 * and this package's built CLI, so it works whatever PATH Claude Code has, plus the home folder when it is not the
 * default. Project scope (`.mcp.json`, a file people commit and share): the portable command `claude-worker mcp`,
 * found on each machine's PATH, and nothing of this machine (no paths, no home folder). Not `npx claude-worker`:
 * where the package is not installed, npx would download whatever the registry holds under that name.
 */
import { copyFileSync, existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { ClaudeWorkerError } from '../domain/errors.js';

export const SERVER_NAME = 'claude-worker';
export const INSTALL_SCOPES = ['user', 'project'] as const;
export type InstallScope = (typeof INSTALL_SCOPES)[number];

export interface McpEntry {
  type: 'stdio';
  command: string;
  args: string[];
  env: Record<string, string>;
}

/** The built CLI this code belongs to (dist/cli/main.js). */
export function cliMainPath(): string {
  return fileURLToPath(new URL('../cli/main.js', import.meta.url));
}

/** The command a portable (project) entry runs: found on PATH, like a person types it. */
export const PORTABLE_COMMAND = 'claude-worker';

export function mcpEntry(options: {
  standalone: boolean;
  scope: InstallScope;
  env?: Record<string, string>;
}): McpEntry {
  const mode = ['mcp', ...(options.standalone ? ['--standalone'] : [])];
  if (options.scope === 'project') return { type: 'stdio', command: PORTABLE_COMMAND, args: mode, env: {} };
  return { type: 'stdio', command: process.execPath, args: [cliMainPath(), ...mode], env: options.env ?? {} };
}

/** Where a scope's MCP servers live: `.mcp.json` in the project folder, or `~/.claude.json`. */
export function configPathFor(scope: InstallScope, projectDir: string, homeDir: string): string {
  return scope === 'project' ? join(projectDir, '.mcp.json') : join(homeDir, '.claude.json');
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The file as an object; `{}` when it does not exist. Refuses (changing nothing) what is not a JSON object. */
function readJsonObject(path: string): JsonObject | null {
  if (!existsSync(path)) return null;
  const text = readFileSync(path, 'utf8');
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ClaudeWorkerError(
      'config',
      `${path} is not valid JSON (${(err as Error).message}); nothing was changed. Fix or move the file, then run \`claude-worker mcp install\` again.`,
    );
  }
  if (!isObject(parsed)) {
    throw new ClaudeWorkerError(
      'config',
      `${path} does not hold a JSON object; nothing was changed. Fix or move the file first.`,
    );
  }
  return parsed;
}

export interface InstallResult {
  path: string;
  /** False when the same entry was there already (nothing written). */
  changed: boolean;
  /** The copy of the file as it was before, when there was one and it changed. */
  backup: string | null;
}

/** Puts `entry` under `mcpServers[name]` in the file, keeping everything else. */
export function installEntry(path: string, name: string, entry: McpEntry, now = new Date()): InstallResult {
  const existing = readJsonObject(path);
  const config: JsonObject = existing ?? {};
  const servers = config['mcpServers'] ?? {};
  if (!isObject(servers)) {
    throw new ClaudeWorkerError(
      'config',
      `"mcpServers" in ${path} is not an object; nothing was changed. Fix it first.`,
    );
  }
  if (isDeepStrictEqual(servers[name], entry)) return { path, changed: false, backup: null };
  const updated = { ...config, mcpServers: { ...servers, [name]: entry } };
  let backup: string | null = null;
  let mode = 0o644;
  if (existing !== null) {
    backup = `${path}.backup-${now
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.(\d{3})Z$/, '$1Z')}`;
    copyFileSync(path, backup);
    mode = statSync(path).mode & 0o777;
  }
  const temporary = `${path}.tmp-${process.pid}`;
  writeFileSync(temporary, `${JSON.stringify(updated, null, 2)}\n`, { mode });
  renameSync(temporary, path);
  return { path, changed: true, backup };
}

/** The JSON to put in Claude Desktop's claude_desktop_config.json (Desktop has no `type` field). */
export function desktopSnippet(name: string, entry: McpEntry): string {
  const { type: _stdio, ...desktop } = entry;
  return JSON.stringify({ mcpServers: { [name]: desktop } }, null, 2);
}

export interface Registration {
  scope: 'project' | 'user' | 'local';
  path: string;
  name: string;
  entry: JsonObject;
}

/** True for an entry that starts this package's MCP server (by name, or by `… main.js mcp`). */
function isOurs(name: string, entry: JsonObject): boolean {
  const args = Array.isArray(entry['args']) ? entry['args'].map(String) : [];
  const command = typeof entry['command'] === 'string' ? entry['command'] : '';
  const runsMcp = args.includes('mcp');
  return (
    name === SERVER_NAME ||
    (runsMcp && (command.endsWith('claude-worker') || args.some((a) => a.endsWith(join('cli', 'main.js')))))
  );
}

/** Every registration of the claude-worker MCP server that Claude Code would see from `projectDir`. */
export function findRegistrations(projectDir: string, homeDir: string): Registration[] {
  const found: Registration[] = [];
  const collect = (scope: Registration['scope'], path: string, servers: unknown) => {
    if (!isObject(servers)) return;
    for (const [name, entry] of Object.entries(servers)) {
      if (isObject(entry) && isOurs(name, entry)) found.push({ scope, path, name, entry });
    }
  };
  const project = configPathFor('project', projectDir, homeDir);
  const user = configPathFor('user', projectDir, homeDir);
  collect('project', project, readJsonObject(project)?.['mcpServers']);
  const userConfig = readJsonObject(user);
  collect('user', user, userConfig?.['mcpServers']);
  const projects = userConfig?.['projects'];
  if (isObject(projects))
    collect('local', user, (projects[projectDir] as JsonObject | undefined)?.['mcpServers']);
  return found;
}

/** Paths in a registration that do not exist any more (the package moved or Node.js was upgraded). */
export function missingPaths(registration: Registration): string[] {
  const { command, args } = registration.entry;
  const paths = [command, ...(Array.isArray(args) ? args : [])].filter(
    (p): p is string => typeof p === 'string' && isAbsolute(p),
  );
  return paths.filter((p) => !existsSync(p));
}

/** For a portable entry (`claude-worker mcp`): its command when no folder of `searchPath` (PATH) holds it. */
export function commandNotOnPath(registration: Registration, searchPath: string | undefined): string | null {
  const { command } = registration.entry;
  if (typeof command !== 'string' || command.includes('/') || command.includes('\\')) return null;
  const found = (searchPath ?? '')
    .split(delimiter)
    .filter(Boolean)
    .some((dir) => existsSync(join(dir, command)));
  return found ? null : command;
}
