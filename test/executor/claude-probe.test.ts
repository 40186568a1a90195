import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bundledClaudePath, credentialsPresent, probeClaude } from '../../src/executor/claude-probe.js';
import { buildChildEnv } from '../../src/executor/child-env.js';
import { FAKE_CLAUDE } from './fake-claude-harness.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cw-probe-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('probeClaude', () => {
  it('runs a configured script with node and reports its version', async () => {
    expect(await probeClaude(FAKE_CLAUDE)).toEqual({
      path: FAKE_CLAUDE,
      version: '2.1.331 (Claude Code stand-in)',
      source: 'config',
      ok: true,
      problem: null,
    });
  });

  it('says plainly that a configured path does not exist', async () => {
    const missing = join(dir, 'claude');
    const probe = await probeClaude(missing);
    expect(probe).toMatchObject({ path: missing, version: null, ok: false, source: 'config' });
    expect(probe.problem).toContain(`There is no file at ${missing}`);
    expect(probe.problem).toContain('CLAUDE_WORKER_CLAUDE_PATH');
  });

  it('notices an executable that is not Claude Code', async () => {
    const impostor = join(dir, 'claude');
    writeFileSync(impostor, '#!/bin/sh\necho "hello from something else"\n');
    chmodSync(impostor, 0o755);
    const probe = await probeClaude(impostor);
    expect(probe.ok).toBe(false);
    expect(probe.problem).toContain('may not be Claude Code');
  });

  it('reports a failing executable with its exit code and stderr', async () => {
    const broken = join(dir, 'claude');
    writeFileSync(broken, '#!/bin/sh\necho "libfoo.so: cannot open shared object" >&2\nexit 127\n');
    chmodSync(broken, 0o755);
    const probe = await probeClaude(broken);
    expect(probe.ok).toBe(false);
    expect(probe.problem).toContain('exit code 127');
    expect(probe.problem).toContain('libfoo.so');
  });

  it('finds the binary bundled with the SDK when no path is configured', async () => {
    const bundled = bundledClaudePath();
    expect(bundled).toMatch(/claude-agent-sdk-linux-x64(-musl)?\/claude$/);
    const probe = await probeClaude(null);
    expect(probe).toMatchObject({ path: bundled, source: 'bundled', ok: true, problem: null });
    expect(probe.version).toMatch(/^\d+\.\d+\.\d+ \(Claude Code\)$/);
  });
});

describe('credentialsPresent', () => {
  it.each(['ANTHROPIC_API_KEY', 'CLAUDE_CODE_OAUTH_TOKEN'])('finds %s in the environment', (name) => {
    expect(credentialsPresent({ [name]: 'sk-something' }, dir)).toEqual({ present: true, source: name });
  });

  it('finds the login file of Claude Code', () => {
    mkdirSync(join(dir, '.claude'));
    writeFileSync(join(dir, '.claude', '.credentials.json'), '{}');
    expect(credentialsPresent({}, dir)).toEqual({
      present: true,
      source: join(dir, '.claude', '.credentials.json'),
    });
  });

  it('reports none when there are none', () => {
    expect(credentialsPresent({ ANTHROPIC_API_KEY: '  ' }, dir)).toEqual({ present: false, source: null });
  });
});

describe('buildChildEnv', () => {
  it('drops claude-worker’s own variables and layers defaults < server < overrides < task', () => {
    const env = buildChildEnv(
      { PATH: '/bin', CLAUDE_WORKER_TOKEN: 'secret', CLAUDE_WORKER_PORT: '7420', A: 'server', B: 'server' },
      { B: 'override', C: 'override' },
      { C: 'task' },
    );
    expect(env).toEqual({
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      PATH: '/bin',
      A: 'server',
      B: 'override',
      C: 'task',
    });
  });

  it('lets the server environment turn the quiet default off', () => {
    expect(buildChildEnv({ CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '0' }, {}, {})).toEqual({
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '0',
    });
  });
});
