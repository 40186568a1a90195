/**
 * The package version, read once from package.json (one folder up from both `src/` and `dist/`).
 */
import { readFileSync } from 'node:fs';

function readVersion(): string {
  const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
  const parsed = JSON.parse(text) as { version?: unknown };
  if (typeof parsed.version !== 'string') throw new Error('package.json has no "version" field');
  return parsed.version;
}

export const VERSION: string = readVersion();
