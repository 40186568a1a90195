/**
 * How configuration problems read: `concurrency: must be a positive whole number (got "0" from env
 * CLAUDE_WORKER_CONCURRENCY). Change CLAUDE_WORKER_CONCURRENCY or unset it.` — the key, a plain-words rule, the
 * value as written, where it came from and the fix. Pure.
 */
import { maskDatabaseUrl } from './database-url.js';
import type * as z from 'zod';
import { ClaudeWorkerError } from '../domain/errors.js';
import type { ConfigKey } from './schema.js';
import { describeKind, settingShape } from './setting-values.js';

/** Where a setting's value came from, for messages. */
export interface ValueOrigin {
  /** `default`, `user file …`, `project file …`, `env CLAUDE_WORKER_PORT`, `flag --port`. */
  source: string;
  /** The value as written (the text of an env variable, the JSON of a file value). */
  shown: string;
  /** What to do about a bad value there; empty for defaults. */
  fix: string;
}

/** `concurrency: must be a positive whole number (got "0" from env CLAUDE_WORKER_CONCURRENCY). Change … */
export function describeIssue(issue: z.core.$ZodIssue, origins: ReadonlyMap<ConfigKey, ValueOrigin>): string {
  const key = issue.path[0];
  const layer = typeof key === 'string' ? origins.get(key as ConfigKey) : undefined;
  if (typeof key !== 'string' || !layer) {
    if (issue.message !== GENERIC_ISSUE) return issue.message;
    return `${typeof key === 'string' ? key : 'the configuration'}: is not a valid value`;
  }
  // A database URL may carry a password: the message shows it masked.
  const shown = key === 'database_url' ? maskDatabaseUrl(layer.shown) : layer.shown;
  const what = `${plainMessage(issue, key as ConfigKey)} (got ${shown} from ${layer.source})`;
  return layer.fix ? `${key}: ${what}. ${layer.fix}` : `${key}: ${what}.`;
}

/**
 * The message of an issue the configuration schema has no words of its own for: parse with
 * `{ error: () => GENERIC_ISSUE }` and this module words it from the setting's shape.
 */
export const GENERIC_ISSUE = '\u0000generic';

function plainMessage(issue: z.core.$ZodIssue, key: ConfigKey): string {
  if (issue.message !== GENERIC_ISSUE)
    return issue.message.startsWith(`${key} `) ? issue.message.slice(key.length + 1) : issue.message;
  const shape = settingShape(key);
  switch (issue.code) {
    case 'invalid_type':
    case 'invalid_value':
      return `must be ${describeKind(shape)}`;
    case 'too_small': {
      const bound = `${issue.inclusive ? 'at least' : 'greater than'} ${String(issue.minimum)}`;
      return issue.origin === 'string' ? `must have ${bound} characters` : `must be ${bound}`;
    }
    case 'too_big': {
      const bound = `${issue.inclusive ? 'at most' : 'less than'} ${String(issue.maximum)}`;
      return issue.origin === 'string' ? `must have ${bound} characters` : `must be ${bound}`;
    }
    case 'invalid_format':
      return issue.format === 'url'
        ? 'must be a URL such as http://127.0.0.1:7420'
        : `must be a valid ${issue.format}`;
    default:
      return `must be ${describeKind(shape)}`;
  }
}

export function configError(problems: string[]): ClaudeWorkerError {
  const message =
    problems.length === 1
      ? `Invalid configuration: ${problems[0]}`
      : `The configuration has ${problems.length} problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`;
  return new ClaudeWorkerError('config', message, { data: { problems } });
}
