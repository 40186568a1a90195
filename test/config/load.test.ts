import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isClaudeWorkerError } from '../../src/domain/errors.js';
import { loadConfig, type LoadOptions } from '../../src/config/load.js';

let root: string;
let home: string;
let project: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'cw-config-'));
  home = join(root, 'home');
  project = join(root, 'proj');
  mkdirSync(home, { recursive: true });
  mkdirSync(join(project, 'src', 'deep'), { recursive: true });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function load(env: Record<string, string> = {}, flags: LoadOptions['flags'] = {}, cwd = project) {
  return loadConfig({ cwd, env: { HOME: root, CLAUDE_WORKER_HOME: home, ...env }, flags });
}

function loadError(env: Record<string, string> = {}, flags: LoadOptions['flags'] = {}, cwd = project): Error {
  try {
    load(env, flags, cwd);
  } catch (err) {
    if (isClaudeWorkerError(err)) {
      expect(err.code).toBe('config');
      return err;
    }
    throw err;
  }
  throw new Error('expected loadConfig to fail');
}

describe('loadConfig layering', () => {
  it('uses the defaults with the home folder from the environment when nothing else is set', () => {
    const { config, sources, files } = load();
    expect(config.concurrency).toBe(4);
    expect(config.port).toBe(7420);
    expect(config.home).toBe(home);
    expect(sources.concurrency).toBe('default');
    expect(sources.home).toBe('env CLAUDE_WORKER_HOME');
    expect(files).toEqual({ user: null, project: null });
  });

  it('defaults the home folder to ~/.claude-worker', () => {
    const { config, sources } = loadConfig({ cwd: project, env: { HOME: root } });
    expect(config.home).toBe(join(root, '.claude-worker'));
    expect(sources.home).toBe('default');
  });

  it('layers user file < project file < environment < flags, and names each source', () => {
    writeFileSync(
      join(home, 'config.json'),
      JSON.stringify({ concurrency: 2, port: 8000, host: '127.0.0.2', log_level: 'warn' }),
    );
    writeFileSync(join(project, '.claude-worker.yaml'), 'concurrency: 3\nport: 8001\nhost: 127.0.0.3\n');
    const { config, sources } = load(
      { CLAUDE_WORKER_PORT: '8002', CLAUDE_WORKER_CONCURRENCY: '5' },
      { concurrency: '6' },
    );
    expect(config).toMatchObject({ log_level: 'warn', host: '127.0.0.3', port: 8002, concurrency: 6 });
    expect(sources.log_level).toBe(`user file ${join(home, 'config.json').replace(root, '~')}`);
    expect(sources.host).toBe(`project file ${join(project, '.claude-worker.yaml').replace(root, '~')}`);
    expect(sources.port).toBe('env CLAUDE_WORKER_PORT');
    expect(sources.concurrency).toBe('flag --concurrency');
  });

  it('finds the nearest project file upward from the cwd', () => {
    writeFileSync(join(project, '.claude-worker.json'), JSON.stringify({ concurrency: 2 }));
    writeFileSync(join(project, 'src', '.claude-worker.yml'), 'concurrency: 7\n');
    const fromDeep = load({}, {}, join(project, 'src', 'deep'));
    expect(fromDeep.config.concurrency).toBe(7);
    expect(fromDeep.files.project).toBe(join(project, 'src', '.claude-worker.yml'));
    const fromTop = load({}, {}, project);
    expect(fromTop.config.concurrency).toBe(2);
  });

  it('reads the user file from a home folder given by flag', () => {
    const other = join(root, 'other-home');
    mkdirSync(other);
    writeFileSync(join(other, 'config.yaml'), 'default_model: opus\n');
    const { config, sources } = load({}, { home: other });
    expect(config.home).toBe(other);
    expect(sources.home).toBe('flag --home');
    expect(config.default_model).toBe('opus');
  });

  it('resolves relative paths in a project file against the file’s folder', () => {
    writeFileSync(
      join(project, '.claude-worker.json'),
      JSON.stringify({ allowed_roots: ['.', 'src'], claude_path: './bin/claude' }),
    );
    const { config } = load({}, {}, join(project, 'src', 'deep'));
    expect(config.allowed_roots).toEqual([project, join(project, 'src')]);
    expect(config.claude_path).toBe(join(project, 'bin', 'claude'));
  });
});

describe('environment values', () => {
  it('parses numbers, null and lists by the type of the setting', () => {
    const { config } = load({
      CLAUDE_WORKER_PORT: '0',
      CLAUDE_WORKER_HEARTBEAT_SECONDS: '0.5',
      CLAUDE_WORKER_URL: 'null',
      CLAUDE_WORKER_CLAUDE_PATH: '/usr/local/bin/claude',
      CLAUDE_WORKER_ALLOWED_ROOTS: '["/a", "/b"]',
    });
    expect(config.port).toBe(0);
    expect(config.heartbeat_seconds).toBe(0.5);
    expect(config.url).toBeNull();
    expect(config.claude_path).toBe('/usr/local/bin/claude');
    expect(config.allowed_roots).toEqual(['/a', '/b']);
    expect(load({ CLAUDE_WORKER_ALLOWED_ROOTS: '/a,/c' }).config.allowed_roots).toEqual(['/a', '/c']);
  });

  it('warns about a CLAUDE_WORKER_ variable that looks like a misspelt setting', () => {
    const { warnings } = load({ CLAUDE_WORKER_CONCURENCY: '2' });
    expect(warnings.join('\n')).toContain('did you mean CLAUDE_WORKER_CONCURRENCY');
  });
});

describe('configuration errors', () => {
  it('names the key, the value, its source and the fix for a bad environment value', () => {
    const err = loadError({ CLAUDE_WORKER_CONCURRENCY: '0' });
    expect(err.message).toContain('concurrency: must be a positive whole number');
    expect(err.message).toContain('got "0" from env CLAUDE_WORKER_CONCURRENCY');
    expect(err.message).toContain('Change CLAUDE_WORKER_CONCURRENCY or unset it');
  });

  it('rejects text where a number is expected', () => {
    const err = loadError({ CLAUDE_WORKER_PORT: 'eighty' });
    expect(err.message).toContain('port: must be a whole number (got "eighty" from env CLAUDE_WORKER_PORT)');
  });

  it('rejects an unknown model from a flag with the list of valid names', () => {
    const err = loadError({}, { default_model: 'gpt-4' });
    expect(err.message).toMatch(/default_model: unknown model "gpt-4".*sonnet, opus, haiku/);
    expect(err.message).toContain('flag --default-model');
  });

  it('reports an unknown key in a file with its line and a did-you-mean', () => {
    writeFileSync(join(project, '.claude-worker.json'), '{\n  "port": 8000,\n  "concurency": 2\n}\n');
    const err = loadError();
    expect(err.message).toContain(
      `${join(project, '.claude-worker.json')}:3: unknown setting "concurency"; did you mean "concurrency"?`,
    );
  });

  it('reports every problem at once', () => {
    writeFileSync(join(home, 'config.yaml'), 'log_level: loud\nmax_attempts: 99\n');
    const err = loadError({ CLAUDE_WORKER_URL: 'not a url' });
    expect(err.message).toContain('has 3 problems');
    expect(err.message).toContain(
      'log_level: must be one of fatal, error, warn, info, debug, trace, silent (got "loud" from user file',
    );
    expect(err.message).toContain('max_attempts: must be at most 20 (got 99 from user file');
    expect(err.message).toContain(`Correct it in ${join(home, 'config.yaml')}:2.`);
    expect(err.message).toContain('url: must be a URL');
  });

  it('names the file and line of malformed JSON', () => {
    writeFileSync(join(home, 'config.json'), '{\n  "port": 8000,\n}\n');
    const err = loadError();
    expect(err.message).toMatch(new RegExp(`${join(home, 'config.json')}:3:\\d+: not valid JSON`));
  });

  it('names the file and line of malformed YAML', () => {
    writeFileSync(join(project, '.claude-worker.yaml'), 'port: 8000\nhost: [127.0.0.1\nconcurrency: 2\n');
    const err = loadError();
    expect(err.message).toMatch(/\.claude-worker\.yaml:\d+:\d+: not valid YAML/);
  });

  it('refuses a home folder set inside a file', () => {
    writeFileSync(join(project, '.claude-worker.json'), JSON.stringify({ home: '/elsewhere' }));
    expect(loadError().message).toContain('"home" cannot be set in a configuration file');
  });

  it('refuses a file that is not an object of settings', () => {
    writeFileSync(join(project, '.claude-worker.json'), '[1, 2]');
    expect(loadError().message).toContain('must contain an object of settings');
  });

  it('refuses two project files in one folder', () => {
    writeFileSync(join(project, '.claude-worker.json'), '{}');
    writeFileSync(join(project, '.claude-worker.yaml'), '');
    expect(loadError().message).toContain('only one configuration file per folder is read');
  });
});

describe('notify settings', () => {
  it('reads notification settings from a `notify:` section of a file; the environment overrides them', () => {
    writeFileSync(
      join(project, '.claude-worker.yaml'),
      'notify:\n  slack_webhook_url: https://hooks.slack.com/services/T/B/X\n  webhook_retry_base_seconds: 30\n',
    );
    const { config, sources } = load();
    expect(config.slack_webhook_url).toBe('https://hooks.slack.com/services/T/B/X');
    expect(config.webhook_retry_base_seconds).toBe(30);
    expect(sources.slack_webhook_url).toMatch(/project file/);
    const overridden = load({ CLAUDE_WORKER_WEBHOOK_RETRY_BASE_SECONDS: '2' }).config;
    expect(overridden.webhook_retry_base_seconds).toBe(2);
  });

  it('refuses an unknown key under notify with its full name, and a Slack URL that is not http(s)', () => {
    writeFileSync(join(project, '.claude-worker.yaml'), 'notify:\n  slak_webhook_url: x\n');
    expect(loadError().message).toMatch(/notify\.slak_webhook_url/);
    writeFileSync(join(project, '.claude-worker.yaml'), 'notify:\n  slack_webhook_url: ftp://x\n');
    expect(loadError().message).toMatch(/slack_webhook_url: is an http\(s\) URL.*got "ftp:\/\/x"/);
  });
});
