/**
 * Reading fields of Claude Code messages without trusting their shape: newer CLIs add kinds and fields the SDK
 * types do not describe yet, and older ones omit some. Returns null instead of throwing.
 */

export type Fields = Record<string, unknown>;

export function asFields(value: unknown): Fields | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : null;
}

export function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

export function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
