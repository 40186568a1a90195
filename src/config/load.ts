/**
 * Loads the effective configuration: defaults < user file (<home>/config.json|yaml) < project file
 * (.claude-worker.json|yaml found upward from the cwd) < CLAUDE_WORKER_* environment < flags, validated with
 * ConfigSchema. Remembers where each value came from (`claude-worker config` shows it) and reports every problem
 * at once as a `config` error naming the key, the value, its source and the fix. Reads files; writes nothing.
 */
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { findProjectFile, findUserFile, readConfigFile, type ConfigFile } from './config-files.js';
import { didYouMean } from '../domain/did-you-mean.js';
import { ConfigSchema, DEFAULTS, envName, type Config, type ConfigKey } from './schema.js';
import { configError, describeIssue, GENERIC_ISSUE, type ValueOrigin } from './config-errors.js';
import { parseSettingText } from './setting-values.js';

export interface LoadOptions {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Values from command-line flags, by setting; text is parsed like the environment. Undefined means not given. */
  flags?: Partial<Record<ConfigKey, unknown>>;
}

export interface LoadedConfig {
  config: Config;
  /** Where each value came from: `default`, `user file …`, `project file …`, `env CLAUDE_WORKER_PORT`, `flag --port`. */
  sources: Record<ConfigKey, string>;
  files: { user: string | null; project: string | null };
  /** Things worth telling a person that are not errors (a CLAUDE_WORKER_* variable that looks misspelt). */
  warnings: string[];
}

export const CONFIG_KEYS = Object.keys(ConfigSchema.shape) as ConfigKey[];

/** Environment variables of claude-worker that are not settings (never reported as misspelt). */
const OTHER_ENV_NAMES = new Set(['CLAUDE_WORKER_DEBUG']);

interface Layered extends ValueOrigin {
  value: unknown;
}

/** `--max-attempts` for `max_attempts`. */
export function flagName(key: ConfigKey): string {
  return `--${key.replace(/_/g, '-')}`;
}

/** `/home/me/x` → `~/x` for display. */
export function displayPath(path: string, env: LoadOptions['env'] = process.env): string {
  const userHome = env['HOME'] || homedir();
  return path === userHome || path.startsWith(`${userHome}/`) ? `~${path.slice(userHome.length)}` : path;
}

function expandPath(path: string, base: string, env: LoadOptions['env']): string {
  const userHome = env['HOME'] || homedir();
  if (path === '~') return userHome;
  if (path.startsWith('~/')) return join(userHome, path.slice(2));
  return isAbsolute(path) ? path : resolve(base, path);
}

/** Path-valued settings are expanded (`~`) and made absolute against the cwd (env, flags) or the file's folder. */
function normalisePaths(key: ConfigKey, value: unknown, base: string, env: LoadOptions['env']): unknown {
  if (key === 'home' && typeof value === 'string' && value !== '') return expandPath(value, base, env);
  // A bare command name (`claude`) is looked up on PATH; only paths are resolved.
  if (key === 'claude_path' && typeof value === 'string' && /^~|\//.test(value))
    return expandPath(value, base, env);
  if (key === 'claude_path' && typeof value === 'string' && value.startsWith('.'))
    return expandPath(value, base, env);
  if (key === 'allowed_roots' && Array.isArray(value)) {
    return value.map((root: unknown) =>
      typeof root === 'string' && root !== '' ? expandPath(root, base, env) : root,
    );
  }
  return value;
}

/** The home folder: from a flag, else CLAUDE_WORKER_HOME, else ~/.claude-worker. Files cannot move it. */
export function resolveHome(options: LoadOptions): { home: string; source: string } {
  const flag = options.flags?.home;
  if (typeof flag === 'string' && flag !== '')
    return { home: expandPath(flag, options.cwd, options.env), source: 'flag --home' };
  const fromEnv = options.env[envName('home')];
  if (fromEnv)
    return { home: expandPath(fromEnv, options.cwd, options.env), source: `env ${envName('home')}` };
  return { home: join(options.env['HOME'] || homedir(), '.claude-worker'), source: 'default' };
}

export function loadConfig(options: LoadOptions): LoadedConfig {
  const { cwd, env } = options;
  const problems: string[] = [];
  const home = resolveHome(options);
  const layers = new Map<ConfigKey, Layered>();
  for (const key of CONFIG_KEYS) {
    if (key === 'home') continue;
    const value = DEFAULTS[key as Exclude<ConfigKey, 'home'>];
    layers.set(key, { value, source: 'default', shown: JSON.stringify(value), fix: '' });
  }
  layers.set('home', {
    value: home.home,
    source: home.source,
    shown: JSON.stringify(home.home),
    fix: fixFor(home.source),
  });

  const userPath = findUserFile(home.home);
  const projectPath = findProjectFile(cwd);
  for (const path of [userPath, projectPath]) {
    if (!path) continue;
    const file = readConfigFile(path, path === userPath ? 'user' : 'project');
    applyFile(file, layers, problems, env);
  }

  for (const key of CONFIG_KEYS) {
    if (key === 'home') continue;
    const name = envName(key);
    const text = env[name];
    if (text === undefined) continue;
    const value = normalisePaths(key, parseSettingText(key, text), cwd, env);
    layers.set(key, {
      value,
      source: `env ${name}`,
      shown: JSON.stringify(text),
      fix: `Change ${name} or unset it.`,
    });
  }

  for (const key of CONFIG_KEYS) {
    const given = options.flags?.[key];
    if (given === undefined || key === 'home') continue;
    const parsed = typeof given === 'string' ? parseSettingText(key, given) : given;
    const flag = flagName(key);
    layers.set(key, {
      value: normalisePaths(key, parsed, cwd, env),
      source: `flag ${flag}`,
      shown: JSON.stringify(given),
      fix: `Pass a valid ${flag}.`,
    });
  }

  const merged = Object.fromEntries([...layers].map(([key, layer]) => [key, layer.value]));
  const parsed = ConfigSchema.safeParse(merged, { error: () => GENERIC_ISSUE });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(describeIssue(issue, layers));
  }
  if (problems.length > 0) throw configError(problems);
  if (!parsed.success) throw configError(['the configuration is invalid']);

  const sources = Object.fromEntries([...layers].map(([key, layer]) => [key, layer.source])) as Record<
    ConfigKey,
    string
  >;
  return {
    config: parsed.data,
    sources,
    files: { user: userPath, project: projectPath },
    warnings: envWarnings(env),
  };
}

function applyFile(
  file: ConfigFile,
  layers: Map<ConfigKey, Layered>,
  problems: string[],
  env: LoadOptions['env'],
): void {
  const label = `${file.kind} file ${displayPath(file.path, env)}`;
  for (const [name, value] of Object.entries(file.values)) {
    const line = file.lines[name];
    const where = line === undefined ? file.path : `${file.path}:${line}`;
    if (!(CONFIG_KEYS as string[]).includes(name)) {
      const guess = didYouMean(name, CONFIG_KEYS);
      problems.push(
        `${where}: unknown setting "${name}"${guess ? `; did you mean "${guess}"?` : '.'} ` +
          'See every setting with `claude-worker config`.',
      );
      continue;
    }
    const key = name as ConfigKey;
    if (key === 'home') {
      problems.push(
        `${where}: "home" cannot be set in a configuration file (the user file lives inside it). ` +
          `Remove it and set ${envName('home')} or pass --home instead.`,
      );
      continue;
    }
    layers.set(key, {
      value: normalisePaths(key, value, dirname(file.path), env),
      source: label,
      shown: JSON.stringify(value),
      fix: `Correct it in ${where}.`,
    });
  }
}

function fixFor(source: string): string {
  if (source.startsWith('env ')) return `Change ${source.slice(4)} or unset it.`;
  if (source.startsWith('flag ')) return `Pass a valid ${source.slice(5)}.`;
  return '';
}

/** A CLAUDE_WORKER_* variable that is no setting but close to one is probably a typo. */
function envWarnings(env: LoadOptions['env']): string[] {
  const known = CONFIG_KEYS.map(envName);
  const warnings: string[] = [];
  for (const name of Object.keys(env)) {
    if (!name.startsWith('CLAUDE_WORKER_') || known.includes(name) || OTHER_ENV_NAMES.has(name)) continue;
    const guess = didYouMean(name, known);
    if (guess) warnings.push(`${name} is not a setting and is ignored; did you mean ${guess}?`);
  }
  return warnings;
}
