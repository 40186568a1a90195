/**
 * Turns text (an environment variable, a command-line flag) into a setting's value, by the kind of value the
 * setting's schema expects: numbers, booleans, `null` for nullable settings, lists as JSON arrays or comma lists.
 * Text that does not fit is passed through unchanged, so the schema reports it with the key and the value.
 */
import type * as z from 'zod';
import { ConfigSchema, type ConfigKey } from './schema.js';

export type SettingKind = 'string' | 'int' | 'number' | 'boolean' | 'enum' | 'list' | 'other';

export interface SettingShape {
  kind: SettingKind;
  nullable: boolean;
  /** For enums: the accepted values. */
  values: readonly string[];
}

interface DefLike {
  type: string;
  innerType?: z.ZodType;
  format?: string | null;
  entries?: Record<string, string>;
}

function defOf(schema: z.ZodType): DefLike {
  return (schema as unknown as { def: DefLike }).def;
}

/** The shape of a setting, read from the config schema (so settings added later need no table here). */
export function settingShape(key: ConfigKey): SettingShape {
  let schema: z.ZodType = ConfigSchema.shape[key];
  let nullable = false;
  for (;;) {
    const def = defOf(schema);
    if ((def.type === 'nullable' || def.type === 'optional' || def.type === 'default') && def.innerType) {
      if (def.type === 'nullable') nullable = true;
      schema = def.innerType;
      continue;
    }
    switch (def.type) {
      case 'string':
        return { kind: 'string', nullable, values: [] };
      case 'number':
        return {
          kind: def.format === 'safeint' || def.format === 'int32' ? 'int' : 'number',
          nullable,
          values: [],
        };
      case 'boolean':
        return { kind: 'boolean', nullable, values: [] };
      case 'enum':
        return { kind: 'enum', nullable, values: Object.values(def.entries ?? {}) };
      case 'array':
        return { kind: 'list', nullable, values: [] };
      default:
        return { kind: 'other', nullable, values: [] };
    }
  }
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Parses the text of an environment variable or flag for `key`. Returns the text itself when it does not fit. */
export function parseSettingText(key: ConfigKey, text: string): unknown {
  const shape = settingShape(key);
  const trimmed = text.trim();
  if (shape.nullable && (trimmed === '' || trimmed === 'null')) return null;
  switch (shape.kind) {
    case 'int':
    case 'number':
      return NUMBER.test(trimmed) ? Number(trimmed) : text;
    case 'boolean':
      if (/^(true|1|yes|on)$/i.test(trimmed)) return true;
      if (/^(false|0|no|off)$/i.test(trimmed)) return false;
      return text;
    case 'list':
      return parseList(trimmed);
    case 'other':
      if (/^[[{]/.test(trimmed)) return parseJsonOrText(trimmed);
      return text;
    default:
      return text;
  }
}

function parseList(text: string): unknown {
  if (text === '') return [];
  if (text.startsWith('[')) return parseJsonOrText(text);
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}

function parseJsonOrText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** How a kind of value is described to a person ("must be a whole number"). */
export function describeKind(shape: SettingShape): string {
  const base: Record<SettingKind, string> = {
    string: 'text',
    int: 'a whole number',
    number: 'a number',
    boolean: 'true or false',
    enum: `one of ${shape.values.join(', ')}`,
    list: 'a list (a JSON array, or comma-separated in the environment)',
    other: 'a valid value',
  };
  return shape.nullable ? `${base[shape.kind]} or null` : base[shape.kind];
}
