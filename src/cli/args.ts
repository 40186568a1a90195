/**
 * Parsers for command-line values: task ids, whole numbers, durations (`90`, `90s`, `30m`, `2h`), repeatable
 * flags, `KEY=VALUE` pairs and tool lists. They throw commander's InvalidArgumentError, so a bad value is a usage
 * error (exit 2) with commander's "option '--x <n>' argument 'y' is invalid" framing.
 */
import { InvalidArgumentError } from 'commander';
import { didYouMean } from '../domain/did-you-mean.js';
import { NOTIFY_CHANNELS } from '../domain/vocabulary.js';
import { idTextProblem } from '../contract/numbers.js';
import { DURATION_FORMS, parseDurationSeconds } from '../domain/durations.js';
import { ClaudeWorkerError } from '../domain/errors.js';
import { reservedEnvName } from '../domain/task-env.js';

/** A task id argument; a usage error (exit 2) otherwise. */
export function parseTaskId(text: string): number {
  const problem = idTextProblem('A task id', text.trim());
  if (problem)
    throw new ClaudeWorkerError('validation', `${problem}. List tasks with \`claude-worker list\`.`);
  return Number(text.trim());
}

export function wholeNumber(text: string): number {
  if (!/^-?\d+$/.test(text.trim())) throw new InvalidArgumentError('expected a whole number.');
  return Number(text);
}

export function positiveNumber(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0)
    throw new InvalidArgumentError('expected a number above 0.');
  return value;
}

/** `90` or `90s` → 90; `30m` → 1800; `2h` → 7200. */
export function durationSeconds(text: string): number {
  const parsed = parseDurationSeconds(text);
  if (parsed === null) throw new InvalidArgumentError(`expected ${DURATION_FORMS}.`);
  const seconds = Math.round(parsed);
  if (seconds <= 0) throw new InvalidArgumentError('expected a duration above 0.');
  return seconds;
}

/** For `--status a,b`: the names, trimmed. The server checks them and names the valid ones. */
export function commaList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** For `--label a,b` and `--runs-on a,b` (comma-separated and repeatable); each label is checked by its user. */
export function collectLabels(text: string, previous: string[] = []): string[] {
  return [...previous, ...commaList(text)];
}

/** For repeatable flags: `--tag a --tag b`. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** For `--env KEY=VALUE` (repeatable). */
export function collectEnv(text: string, previous: Record<string, string> = {}): Record<string, string> {
  const index = text.indexOf('=');
  if (index <= 0) throw new InvalidArgumentError('expected KEY=VALUE, e.g. --env NODE_ENV=test.');
  const reserved = reservedEnvName(text.slice(0, index));
  if (reserved) throw new InvalidArgumentError(reserved);
  return { ...previous, [text.slice(0, index)]: text.slice(index + 1) };
}

/**
 * Tool lists: comma-separated and repeatable, keeping commas inside parentheses (`Bash(git diff:*),Edit`).
 */
export function collectTools(text: string, previous: string[] = []): string[] {
  const tools: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '(') depth += 1;
    if (char === ')') depth = Math.max(0, depth - 1);
    if (char === ',' && depth === 0) {
      tools.push(current.trim());
      current = '';
    } else {
      current += char;
    }
  }
  tools.push(current.trim());
  return [...previous, ...tools.filter((tool) => tool !== '')];
}

/**
 * `--notify slack=off,sound=on` (repeatable): each people-facing channel on or off for this task; `--notify off`
 * (or `on`) sets all four. Values are checked by the server, with the same message as every other edge.
 */
export function collectNotify(text: string, previous: Record<string, string> = {}): Record<string, string> {
  const settings = { ...previous };
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')) {
    const index = part.indexOf('=');
    if (index < 0) {
      if (part !== 'on' && part !== 'off') {
        throw new InvalidArgumentError(
          `expected CHANNEL=on|off (channels: ${NOTIFY_CHANNELS.join(', ')}) or on/off for all, e.g. --notify slack=off,sound=on.`,
        );
      }
      for (const channel of NOTIFY_CHANNELS) settings[channel] = part;
      continue;
    }
    const channel = part.slice(0, index).trim();
    if (!(NOTIFY_CHANNELS as readonly string[]).includes(channel)) {
      const guess = didYouMean(channel, NOTIFY_CHANNELS);
      throw new InvalidArgumentError(
        `"${channel}" is not a notify channel${guess ? `; did you mean "${guess}"?` : ''} (channels: ${NOTIFY_CHANNELS.join(', ')}).`,
      );
    }
    settings[channel] = part.slice(index + 1).trim();
  }
  return settings;
}
