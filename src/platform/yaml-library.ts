/**
 * The yaml library, loaded on first use. Most commands never read YAML (no config file, no workflow file), and
 * loading it costs every CLI start about 0.07 s of CPU; `yaml()` loads it synchronously the first time it is needed.
 * The package's Node entry is CommonJS, so `require` gives the same module instance an `import` would.
 */
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';

let library: typeof Yaml | null = null;

export function yaml(): typeof Yaml {
  library ??= createRequire(import.meta.url)('yaml') as typeof Yaml;
  return library;
}
