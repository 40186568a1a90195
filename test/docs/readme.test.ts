/**
 * The README stays true: every setting appears in its configuration table with its environment variable and
 * default, and every CLI command is documented.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { createRun } from '../../src/cli/context.js';
import { ConfigSchema, DEFAULTS, envName, type ConfigKey } from '../../src/config/schema.js';

const readme = readFileSync('README.md', 'utf8');

describe('README', () => {
  it('documents every setting with its environment variable and default', () => {
    for (const key of Object.keys(ConfigSchema.shape) as ConfigKey[]) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${key}\` |`));
      expect(row, `README row for ${key}`).toBeDefined();
      expect(row).toContain(envName(key));
      if (key !== 'home')
        expect(row).toContain(`\`${JSON.stringify(DEFAULTS[key as Exclude<ConfigKey, 'home'>])}\``);
    }
  });

  it('mentions every CLI command', () => {
    const program = buildProgram(
      createRun({ cwd: process.cwd(), env: {}, stdout: process.stdout, stderr: process.stderr }),
    );
    for (const command of program.commands) {
      expect(readme, `claude-worker ${command.name()}`).toContain(`claude-worker ${command.name()}`);
    }
  });

  it('opens with the set-up command and the test command', () => {
    const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!.trim());
    expect(blocks[0]).toMatch(/^npm ci && npm run build/);
    expect(blocks[1]).toBe('npm test');
  });
});
