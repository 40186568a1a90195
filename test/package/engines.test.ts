/**
 * `npm ci` installs without an engine warning on the Node.js this project documents (README: Node.js ≥ 20): every
 * package in package-lock.json that names the Node versions it supports accepts the one running the tests. npm
 * prints `EBADENGINE` for exactly the packages this test lists.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// semver is what npm itself uses for the check; it is in the tree through fastify.
const semver = createRequire(import.meta.url)('semver') as {
  satisfies(version: string, range: string): boolean;
};

interface LockFile {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[] }>;
}

describe('package-lock.json', () => {
  it(`holds no package that refuses this Node.js (${process.version})`, () => {
    const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as LockFile;
    const refusing: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      const range = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
      if (path === '' || range === undefined) continue;
      if (!semver.satisfies(process.version, range))
        refusing.push(`${path.replace(/^.*node_modules\//, '')}@${entry.version} wants node ${range}`);
    }
    expect(refusing).toEqual([]);
  });
});
