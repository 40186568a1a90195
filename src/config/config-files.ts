/**
 * Configuration files: the user file in the home folder (`config.json`, `config.yaml` or `config.yml`) and the
 * project file (`.claude-worker.json`, `.yaml` or `.yml`) found upward from the working directory, nearest wins.
 * Reads and parses them, remembering the line of each setting so errors can point at it. A malformed file is a
 * `config` error naming the file and the line. Checking the settings themselves is the loader's job.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { yaml } from '../platform/yaml-library.js';
import { ClaudeWorkerError } from '../domain/errors.js';

export type ConfigFileKind = 'user' | 'project';

export interface ConfigFile {
  kind: ConfigFileKind;
  path: string;
  values: Record<string, unknown>;
  /** 1-based line of each top-level setting, when known. */
  lines: Record<string, number>;
}

export const USER_FILE_NAMES = ['config.json', 'config.yaml', 'config.yml'] as const;
export const PROJECT_FILE_NAMES = [
  '.claude-worker.json',
  '.claude-worker.yaml',
  '.claude-worker.yml',
] as const;

/** The one file among `names` present in `dir`, or null. Two at once is an error: which one counts is unclear. */
function pickFile(dir: string, names: readonly string[]): string | null {
  const present = names.map((name) => join(dir, name)).filter((path) => isFile(path));
  if (present.length > 1) {
    throw new ClaudeWorkerError(
      'config',
      `Found ${present.join(' and ')}; only one configuration file per folder is read. Merge them into one and delete the other.`,
      { data: { files: present } },
    );
  }
  return present[0] ?? null;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export function findUserFile(home: string): string | null {
  return existsSync(home) ? pickFile(home, USER_FILE_NAMES) : null;
}

/** The nearest project file from `cwd` upward to the file-system root, or null. */
export function findProjectFile(cwd: string): string | null {
  let dir = cwd;
  for (;;) {
    const found = pickFile(dir, PROJECT_FILE_NAMES);
    if (found) return found;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

export function readConfigFile(path: string, kind: ConfigFileKind): ConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new ClaudeWorkerError(
      'config',
      `Cannot read the configuration file ${path} (${code}). Check its permissions.`,
      {
        cause: err,
      },
    );
  }
  const parsed = path.endsWith('.json') ? parseJson(path, text) : parseYaml(path, text);
  if (parsed.values === null || parsed.values === undefined) return { kind, path, values: {}, lines: {} };
  if (typeof parsed.values !== 'object' || Array.isArray(parsed.values)) {
    throw new ClaudeWorkerError(
      'config',
      `${path}: must contain an object of settings such as {"concurrency": 2}, not ${Array.isArray(parsed.values) ? 'a list' : typeof parsed.values}.`,
    );
  }
  return { kind, path, ...liftNotifySection(parsed.values as Record<string, unknown>, parsed.lines) };
}

/** Settings that may also be written under `notify:` in a file (`notify: {slack_webhook_url: …}`). */
export const NOTIFY_SECTION_KEYS = [
  'sound',
  'sound_player',
  'desktop_notify',
  'slack_webhook_url',
  'discord_webhook_url',
  'webhook_retry_base_seconds',
];

/**
 * `notify: {slack_webhook_url: …}` → `slack_webhook_url: …` (the settings are flat everywhere else: env
 * CLAUDE_WORKER_SLACK_WEBHOOK_URL). A key under `notify` that is not a notification setting stays as `notify.<key>`,
 * so the loader reports it as unknown with its full name.
 */
function liftNotifySection(
  values: Record<string, unknown>,
  lines: Record<string, number>,
): { values: Record<string, unknown>; lines: Record<string, number> } {
  const section = values['notify'];
  if (section === undefined || section === null || typeof section !== 'object' || Array.isArray(section)) {
    return { values, lines };
  }
  const lifted: Record<string, unknown> = { ...values };
  const liftedLines: Record<string, number> = { ...lines };
  delete lifted['notify'];
  for (const [key, value] of Object.entries(section as Record<string, unknown>)) {
    const name = NOTIFY_SECTION_KEYS.includes(key) ? key : `notify.${key}`;
    lifted[name] = value;
    const line = lines[`notify.${key}`] ?? lines['notify'];
    if (line !== undefined) liftedLines[name] = line;
  }
  return { values: lifted, lines: liftedLines };
}

interface Parsed {
  values: unknown;
  lines: Record<string, number>;
}

function parseJson(path: string, text: string): Parsed {
  let values: unknown;
  try {
    values = JSON.parse(text) as unknown;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const position = /position (\d+)/.exec(message);
    const offset = position ? Number(position[1]) : text.length;
    const { line, column } = lineAt(text, offset);
    throw new ClaudeWorkerError(
      'config',
      `${path}:${line}:${column}: not valid JSON (${message.replace(/ in JSON at position \d+.*$/, '')}). Fix the file, or delete it to use the defaults.`,
      { data: { file: path, line, column }, cause: err },
    );
  }
  const lines: Record<string, number> = {};
  text.split('\n').forEach((content, index) => {
    const match = /^\s*"([^"]+)"\s*:/.exec(content);
    if (match?.[1] && lines[match[1]] === undefined) lines[match[1]] = index + 1;
  });
  return { values, lines };
}

function parseYaml(path: string, text: string): Parsed {
  const { LineCounter, isMap, isScalar, parseDocument } = yaml();
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false });
  const first = doc.errors[0];
  if (first) {
    const line = first.linePos?.[0].line ?? 1;
    const column = first.linePos?.[0].col ?? 1;
    const reason = first.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? first.code;
    throw new ClaudeWorkerError(
      'config',
      `${path}:${line}:${column}: not valid YAML (${reason}). Fix the file, or delete it to use the defaults.`,
      { data: { file: path, line, column } },
    );
  }
  const lines: Record<string, number> = {};
  if (isMap(doc.contents)) {
    for (const pair of doc.contents.items) {
      if (isScalar(pair.key) && pair.key.range)
        lines[String(pair.key.value)] = counter.linePos(pair.key.range[0]).line;
    }
  }
  return { values: doc.toJS() as unknown, lines };
}

function lineAt(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.min(offset, text.length));
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return { line, column };
}
