/**
 * Column values ↔ record values, for every store. A store keeps times as epoch milliseconds (SQLite INTEGER,
 * PostgreSQL bigint — which its driver may hand back as a string — or timestamptz as a Date), JSON as text or as
 * an already parsed value (jsonb), and flags as 0/1 or booleans. Records (domain/vocabulary.ts) use ISO-8601 times,
 * parsed JSON and booleans.
 */

/** A time as a store returns it: epoch milliseconds (number or digit string) or a Date. */
export type TimeValue = number | string | Date;
/** JSON as a store returns it: text, or a value its driver already parsed. */
export type JsonValue = string | object;
/** A flag as a store returns it. */
export type FlagValue = number | boolean;
/** An integer as a store returns it (PostgreSQL bigint may come back as a string). */
export type IntValue = number | string;

export function epochMs(value: TimeValue): number {
  if (typeof value === 'number') return value;
  if (value instanceof Date) return value.getTime();
  return /^-?\d+$/.test(value) ? Number(value) : Date.parse(value);
}

export function isoTime(value: TimeValue): string {
  return new Date(epochMs(value)).toISOString();
}

export function isoOrNull(value: TimeValue | null): string | null {
  return value === null ? null : isoTime(value);
}

export function parseJson<T>(value: JsonValue | null): T | null {
  if (value === null) return null;
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

/** JSON text for a nullable value (undefined and null both store NULL). */
export function jsonOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

export function flag(value: FlagValue): boolean {
  return value === true || (value !== false && value !== 0);
}

export function int(value: IntValue): number {
  return typeof value === 'number' ? value : Number(value);
}

export function intOrNull(value: IntValue | null): number | null {
  return value === null ? null : int(value);
}
