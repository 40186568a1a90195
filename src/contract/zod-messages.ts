/**
 * Our words for every kind of problem zod can report, so no edge (REST, MCP, workflow files, the CLI) ever shows the
 * validation library's own wording. Schemas that know better set their own message; this map fills in the rest.
 * It is installed once, process-wide, when the contract is loaded (`z.config`): the MCP SDK parses tool input with
 * our schemas itself, so a per-call map would not reach it.
 *
 * Messages are relative to the place the caller prints before them (`tasks[2].priority: must be …`).
 */
import * as z from 'zod';
import { didYouMean } from '../domain/did-you-mean.js';

/** Names people often use for our fields. */
export const FIELD_ALIASES: Readonly<Record<string, string>> = {
  prompt: 'execution_prompt',
  cwd: 'working_directory',
  dir: 'working_directory',
  directory: 'working_directory',
  workdir: 'working_directory',
  id: 'identifier',
  dependencies: 'depends_on',
  needs: 'depends_on',
  after: 'depends_on',
  delay: 'initial_delay',
  timeout_s: 'timeout',
};

/** `unknown field "nmae"; did you mean "name"?`, else the list of known fields. */
export function unknownFieldMessage(key: string, knownFields: readonly string[]): string {
  const alias = FIELD_ALIASES[key.toLowerCase()];
  const guess = alias !== undefined && knownFields.includes(alias) ? alias : didYouMean(key, knownFields);
  const shown = key.length > 60 ? `${key.slice(0, 57)}...` : key;
  if (guess) return `unknown field "${shown}"; did you mean "${guess}"?`;
  if (knownFields.length === 0) return `unknown field "${shown}"; this object takes no fields`;
  return `unknown field "${shown}"; the known fields are ${knownFields.join(', ')}`;
}

/** `"x"` for strings, `42`, `true`, `a list`, `an object`, `null`, for messages that say what was received. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return value.length > 40 ? `text "${value.slice(0, 37)}..."` : `text "${value}"`;
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'undefined':
      return 'nothing';
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

const EXPECTED: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  bigint: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  record: 'an object',
  map: 'an object',
  null: 'null',
  date: 'a date',
  nan: 'a number',
  tuple: 'a list',
  literal: 'a fixed value',
  enum: 'one of the allowed values',
  union: 'one of the allowed forms',
};

function quoted(values: readonly unknown[]): string {
  const shown = values.slice(0, 12).map((v) => (typeof v === 'string' ? `"${v}"` : String(v)));
  return values.length > 12 ? `${shown.join(', ')}, …` : shown.join(', ');
}

function sizeWord(origin: string | undefined): { unit: string } {
  if (origin === 'string') return { unit: 'characters' };
  if (origin === 'array' || origin === 'set') return { unit: 'items' };
  if (origin === 'file') return { unit: 'bytes' };
  return { unit: '' };
}

function knownKeys(inst: unknown): string[] {
  const def = (inst as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)?._zod?.def;
  return def?.shape ? Object.keys(def.shape) : [];
}

/** `unknown status "runing"; did you mean "running"? (one of …)` for a value outside a fixed list. */
export function choiceMessage(noun: string, input: unknown, values: readonly unknown[]): string {
  const strings = values.filter((v): v is string => typeof v === 'string');
  const guess = typeof input === 'string' ? didYouMean(input, strings) : null;
  const head =
    typeof input === 'string'
      ? `unknown ${noun} "${input.length > 40 ? `${input.slice(0, 37)}...` : input}"`
      : `${noun} must be one of the names below, not ${describeValue(input)}`;
  return `${head}${guess ? `; did you mean "${guess}"?` : ''} (one of ${quoted(values)})`;
}

/** A zod enum error option in those words. */
export function choiceError(noun: string, values: readonly unknown[]) {
  return (issue: { input?: unknown }) => choiceMessage(noun, issue.input, values);
}

/** Our message for one raw zod issue. Exported for tests; installed below for every parse. */
export function ourMessage(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return 'missing; this field is required';
      const expected = EXPECTED[issue.expected] ?? issue.expected;
      return `must be ${expected}, not ${describeValue(issue.input)}`;
    }
    case 'invalid_value': {
      const values = issue.values;
      if (values.length === 1) return `must be ${quoted(values)}, not ${describeValue(issue.input)}`;
      return choiceMessage('value', issue.input, values);
    }
    case 'too_big': {
      const { unit } = sizeWord(issue.origin);
      const limit = String(issue.maximum);
      if (unit) return `is too long: at most ${limit} ${unit}`;
      return issue.inclusive === false ? `must be below ${limit}` : `must be at most ${limit}`;
    }
    case 'too_small': {
      const { unit } = sizeWord(issue.origin);
      const limit = String(issue.minimum);
      if (unit) {
        if (Number(issue.minimum) === 1)
          return unit === 'characters' ? 'must not be empty' : 'must not be empty (at least 1 item)';
        return `is too short: at least ${limit} ${unit}`;
      }
      return issue.inclusive === false ? `must be more than ${limit}` : `must be at least ${limit}`;
    }
    case 'invalid_format': {
      if (issue.format === 'regex') return 'is not in the expected form';
      if (issue.format === 'starts_with' || issue.format === 'ends_with' || issue.format === 'includes')
        return 'is not in the expected form';
      return `must be a valid ${issue.format}`;
    }
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    case 'unrecognized_keys': {
      const known = knownKeys(issue.inst);
      return issue.keys.map((key) => unknownFieldMessage(key, known)).join('; ');
    }
    case 'invalid_key':
      return 'has a name that is not allowed';
    case 'invalid_union':
      return `${describeValue(issue.input)} is not allowed here`;
    case 'invalid_element':
      return 'has a value that is not allowed';
    case 'custom':
      return 'is not valid';
    default:
      return 'is not valid';
  }
}

z.config({ customError: (issue) => ourMessage(issue) });
