/**
 * Ids and numbers at the edges, strictly: ids are positive whole numbers within JavaScript's safe range (beyond it
 * two ids would read as the same number), numbers are decimal, and nothing is coerced (`true`, `[16]`, `"0x10"`,
 * `"1e3"` and `" 7"` are refused). Query strings and URL paths are text by nature, so there only decimal digits are
 * read as a number.
 */
import * as z from 'zod';
import { DURATION_FORMS, describeSeconds, parseDurationSeconds } from '../domain/durations.js';
import { describeValue } from './zod-messages.js';

const DIGITS = /^[0-9]+$/;

/** True for a positive whole number JavaScript can hold exactly (≤ 9007199254740991). */
export function isSafeId(value: number): boolean {
  return Number.isSafeInteger(value) && value > 0;
}

function shown(text: string): string {
  return text.length > 30 ? `${text.slice(0, 27)}...` : text;
}

/** The problem with a text id (`"12"`), or null. */
export function idTextProblem(what: string, text: string): string | null {
  if (!DIGITS.test(text) || /^0+$/.test(text))
    return `${what} is a positive whole number such as 12, got "${shown(text)}"`;
  if (!isSafeId(Number(text)))
    return `${what} ${shown(text)} is too large: ids are at most ${Number.MAX_SAFE_INTEGER}`;
  return null;
}

/** An id in a URL path or a query string: decimal digits, positive, within the safe range. */
export function idText(what: string) {
  return z
    .string()
    .superRefine((text, ctx) => {
      const problem = idTextProblem(what, text);
      if (problem) ctx.addIssue({ code: 'custom', message: problem, input: text });
    })
    .transform(Number);
}

/** A whole number in a query string (`limit=50`): decimal digits only, between min and max. */
export function queryInt(what: string, min: number, max: number) {
  return z
    .string()
    .superRefine((text, ctx) => {
      const value = Number(text);
      if (!DIGITS.test(text) || !Number.isSafeInteger(value) || value < min || value > max)
        ctx.addIssue({
          code: 'custom',
          message: `${what} is a whole number from ${min} to ${max} (decimal digits), got "${shown(text)}"`,
          input: text,
        });
    })
    .transform(Number);
}

/**
 * An id in a JSON input (MCP tools): a positive whole number, or the same written in decimal digits (models
 * sometimes quote numbers). Booleans, lists, hex, exponents and fractions are refused.
 */
export function jsonId(what: string, example: number, from: string) {
  const message = (input: unknown) => {
    if (input === undefined) return `${what} is missing; pass the id (from ${from}), such as ${example}`;
    if (typeof input === 'number' && Number.isInteger(input) && input > Number.MAX_SAFE_INTEGER)
      return `${what} is too large: ids are at most ${Number.MAX_SAFE_INTEGER}`;
    return `${what} is a positive whole number such as ${example} (from ${from})`;
  };
  return z
    .union([z.number(), z.string()], { error: (iss) => message(iss.input) })
    .superRefine((value, ctx) => {
      const ok = typeof value === 'number' ? isSafeId(value) : idTextProblem(what, value) === null;
      if (!ok) ctx.addIssue({ code: 'custom', message: message(value), input: value });
    })
    .transform((value) => Number(value));
}

export interface DurationRule {
  min: number;
  max: number;
  /** Only whole seconds (a timeout); otherwise fractions are kept. */
  whole?: boolean;
}

/**
 * Seconds in a workflow document: a number, or the CLI's duration forms as text (`90`, `90s`, `30m`, `2h`).
 * Messages are relative to the field's place (`tasks[0].timeout: must be …`).
 */
export function durationField(rule: DurationRule) {
  const forms = `${DURATION_FORMS}`;
  return z
    .union([z.number(), z.string()], {
      error: (iss) => `must be ${forms}, not ${describeValue(iss.input)}`,
    })
    .transform((value, ctx) => {
      const seconds = typeof value === 'number' ? value : parseDurationSeconds(value);
      if (seconds === null || !Number.isFinite(seconds)) {
        ctx.addIssue({
          code: 'custom',
          message: `must be ${forms}, not ${describeValue(value)}`,
          input: value,
        });
        return z.NEVER;
      }
      if (rule.whole && !Number.isInteger(seconds)) {
        ctx.addIssue({ code: 'custom', message: `must be whole seconds, not ${seconds}`, input: value });
        return z.NEVER;
      }
      if (seconds < rule.min || seconds > rule.max) {
        const got = typeof value === 'string' ? `; "${value}" is ${seconds} seconds` : '';
        const limit =
          seconds > rule.max
            ? `must be at most ${rule.max} seconds (${describeSeconds(rule.max)})`
            : rule.min === 0
              ? 'must not be negative'
              : `must be at least ${rule.min} second${rule.min === 1 ? '' : 's'}`;
        ctx.addIssue({ code: 'custom', message: `${limit}${got}`, input: value });
        return z.NEVER;
      }
      return seconds;
    });
}
