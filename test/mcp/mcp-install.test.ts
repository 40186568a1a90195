/**
 * `claude-worker mcp install` (built CLI) into a temporary HOME and project folder: merges its entry into Claude
 * Code's configuration without touching other entries, keeps a backup, changes nothing the second time, refuses a
 * damaged file, prints the Claude Desktop snippet, and `doctor` reports the registration. The user scope holds this
 * machine's absolute paths; the project scope (a committed file) only the portable `claude-worker mcp`. Both
 * registered commands really start the MCP server.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { CLI, McpSandbox } from './mcp-harness.js';

interface Entry {
  type: string;
  command: string;
  args: string[];
  env: Record<string, string>;
}

describe('claude-worker mcp install', () => {
  let sandbox: McpSandbox;
  let userHome: string;
  let userConfig: string;
  let env: Record<string, string>;

  const read = (path: string) =>
    JSON.parse(readFileSync(path, 'utf8')) as { mcpServers: Record<string, Entry> } & Record<string, unknown>;
  const backups = (dir: string, name: string) =>
    readdirSync(dir).filter((f) => f.startsWith(`${name}.backup-`));

  /** A folder with `claude-worker` in it, as `npm link` or `npm install -g` would put it on PATH. */
  let binDir: string;

  beforeAll(() => {
    sandbox = new McpSandbox();
    binDir = join(sandbox.root, 'bin');
    mkdirSync(binDir);
    symlinkSync(CLI, join(binDir, 'claude-worker'));
    userHome = join(sandbox.root, 'user');
    mkdirSync(userHome);
    userConfig = join(userHome, '.claude.json');
    env = { HOME: userHome };
  });

  afterAll(() => sandbox?.cleanup());

  it('doctor says it is not registered yet, and how to register it', () => {
    const doctor = sandbox.cli(['doctor', '--json'], env);
    const check = (
      JSON.parse(doctor.stdout) as { checks: Array<{ name: string; status: string; fix: string | null }> }
    ).checks.find((c) => c.name === 'MCP registered with Claude Code (project/user)');
    expect(check).toMatchObject({
      status: 'warn',
      fix: expect.stringContaining('claude-worker mcp install'),
    });
  });

  it('user scope: merges into ~/.claude.json, keeps other settings and a backup, and is idempotent', () => {
    const original = {
      numStartups: 7,
      mcpServers: { other: { type: 'stdio', command: 'npx', args: ['other-server'], env: { KEY: 'v' } } },
      projects: { '/somewhere': { allowedTools: ['Bash'] } },
    };
    writeFileSync(userConfig, JSON.stringify(original, null, 2), { mode: 0o600 });

    const first = sandbox.cli(['mcp', 'install'], env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/Registered the MCP server "claude-worker" with Claude Code \(user scope\)/);
    const config = read(userConfig);
    expect(config['numStartups']).toBe(7);
    expect(config['projects']).toEqual(original.projects);
    expect(config.mcpServers['other']).toEqual(original.mcpServers.other);
    expect(config.mcpServers['claude-worker']).toEqual({
      type: 'stdio',
      command: process.execPath,
      args: [CLI, 'mcp'],
      env: { CLAUDE_WORKER_HOME: sandbox.home },
    });
    const [backup, ...more] = backups(userHome, '.claude.json');
    expect(more).toEqual([]);
    expect(JSON.parse(readFileSync(join(userHome, backup!), 'utf8'))).toEqual(original);

    // The Claude Desktop snippet: the same command, without Claude Code's "type".
    const snippet = first.stdout.slice(first.stdout.indexOf('{'));
    expect(JSON.parse(snippet)).toEqual({
      mcpServers: {
        'claude-worker': {
          command: process.execPath,
          args: [CLI, 'mcp'],
          env: { CLAUDE_WORKER_HOME: sandbox.home },
        },
      },
    });

    const before = readFileSync(userConfig, 'utf8');
    const second = sandbox.cli(['mcp', 'install', '--scope', 'user'], env);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/already registered .* nothing changed/);
    expect(readFileSync(userConfig, 'utf8')).toBe(before);
    expect(backups(userHome, '.claude.json')).toHaveLength(1);
  });

  it('project scope: writes a portable .mcp.json (no path or home of this machine), then changes nothing', () => {
    const first = sandbox.cli(['mcp', 'install', '--scope', 'project', '--standalone'], env);
    expect(first.code, first.stderr).toBe(0);
    const path = join(sandbox.work, '.mcp.json');
    const text = readFileSync(path, 'utf8');
    expect(read(path).mcpServers['claude-worker']).toEqual({
      type: 'stdio',
      command: 'claude-worker',
      args: ['mcp', '--standalone'],
      env: {},
    });
    for (const machine of [sandbox.root, sandbox.home, userHome, process.execPath, CLI, tmpdir()])
      expect(text).not.toContain(machine);
    expect(first.stdout).toContain('It runs: claude-worker mcp --standalone');
    expect(first.stdout).toContain('can be committed');
    // The sandbox's home is not the default: said, not written.
    expect(first.stdout).toMatch(/Your home folder .* is not written there/);
    // Claude Desktop has no shell PATH: its snippet keeps this machine's absolute paths.
    const snippet = JSON.parse(first.stdout.slice(first.stdout.indexOf('{'))) as {
      mcpServers: Record<string, Entry>;
    };
    expect(snippet.mcpServers['claude-worker']?.command).toBe(process.execPath);
    expect(backups(sandbox.work, '.mcp.json')).toEqual([]);
    const second = sandbox.cli(['mcp', 'install', '--scope', 'project', '--standalone'], env);
    expect(second.stdout).toMatch(/nothing changed/);
  });

  it('doctor reports both registrations, and says when the project command is not on PATH', () => {
    const doctorCheck = (extra: Record<string, string>) =>
      (
        JSON.parse(sandbox.cli(['doctor', '--json'], { ...env, ...extra }).stdout) as {
          checks: Array<{ name: string; status: string; message: string; fix: string | null }>;
        }
      ).checks.find((c) => c.name === 'MCP registered with Claude Code (project/user)');
    const withoutBin = doctorCheck({ PATH: dirname(process.execPath) });
    expect(withoutBin?.status).toBe('warn');
    expect(withoutBin?.message).toContain('`claude-worker` is not on PATH');
    expect(withoutBin?.fix).toContain('npm link');

    const check = doctorCheck({ PATH: `${binDir}${delimiter}${dirname(process.execPath)}` });
    expect(check?.status).toBe('ok');
    expect(check?.message).toMatch(/project: .*\.mcp\.json/);
    expect(check?.message).toMatch(/user: ~\/\.claude\.json/);
  });

  it('the project entry starts a working MCP server wherever claude-worker is on PATH', async () => {
    const entry = read(join(sandbox.work, '.mcp.json')).mcpServers['claude-worker']!;
    const transport = new StdioClientTransport({
      command: entry.command,
      args: entry.args,
      env: { ...sandbox.env, ...entry.env, PATH: `${binDir}${delimiter}${dirname(process.execPath)}` },
      cwd: sandbox.work,
      stderr: 'pipe',
    });
    const client = new Client({ name: 'install-test', version: '1.0.0' });
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toContain('create_task');
    } finally {
      await client.close();
    }
  });

  it('refuses a damaged configuration file and leaves it as it was', () => {
    const damaged = join(sandbox.root, 'damaged');
    mkdirSync(damaged);
    writeFileSync(join(damaged, '.mcp.json'), '{ "mcpServers": ');
    const result = sandbox.cli(['mcp', 'install', '--scope', 'project'], env, damaged);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/\.mcp\.json is not valid JSON .*nothing was changed/);
    expect(readFileSync(join(damaged, '.mcp.json'), 'utf8')).toBe('{ "mcpServers": ');
    expect(existsSync(join(damaged, '.mcp.json.tmp'))).toBe(false);
  });

  it('refuses an unknown scope', () => {
    const result = sandbox.cli(['mcp', 'install', '--scope', 'global'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--scope: unknown scope "global"; use user .* or project/);
  });

  it('the registered command starts a working MCP server', async () => {
    const entry = read(userConfig).mcpServers['claude-worker']!;
    const transport = new StdioClientTransport({
      command: entry.command,
      args: entry.args,
      env: { ...sandbox.env, ...entry.env },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'install-test', version: '1.0.0' });
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toContain('create_task');
    } finally {
      await client.close();
    }
  });
});
