/**
 * The package version, read once from package.json: the nearest one above this file (one folder up from both
 * `src/` and `dist/`; two from the benchmarks' `dist-bench/src/`).
 */
import { existsSync, readFileSync } from 'node:fs';

function readVersion(): string {
  let url = new URL('../package.json', import.meta.url);
  for (let up = 0; up < 3 && !existsSync(url); up++) url = new URL('../package.json', url);
  const text = readFileSync(url, 'utf8');
  const parsed = JSON.parse(text) as { version?: unknown };
  if (typeof parsed.version !== 'string') throw new Error('package.json has no "version" field');
  return parsed.version;
}

export const VERSION: string = readVersion();
