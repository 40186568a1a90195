/**
 * Token kinds, as metrics name them (`claude_worker_tokens_total{kind}`), read from the usage object an attempt's
 * result message reports (Anthropic API field names). A kind the usage does not report is null, not zero.
 */
import type { Usage } from './vocabulary.js';

export const TOKEN_KINDS = ['input', 'output', 'cache_read', 'cache_creation'] as const;
export type TokenKind = (typeof TOKEN_KINDS)[number];

const FIELDS: Record<TokenKind, string> = {
  input: 'input_tokens',
  output: 'output_tokens',
  cache_read: 'cache_read_input_tokens',
  cache_creation: 'cache_creation_input_tokens',
};

export type TokenCounts = Record<TokenKind, number | null>;

/** The attempt's tokens by kind; a missing or non-numeric field is null. */
export function tokenCounts(usage: Usage | null): TokenCounts {
  const read = (kind: TokenKind): number | null => {
    const value = usage?.[FIELDS[kind]];
    return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.round(value) : null;
  };
  return {
    input: read('input'),
    output: read('output'),
    cache_read: read('cache_read'),
    cache_creation: read('cache_creation'),
  };
}
