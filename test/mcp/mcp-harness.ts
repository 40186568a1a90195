/**
 * A real MCP client for the tests: over stdio it spawns the BUILT CLI (`node dist/cli/main.js mcp [--standalone]`)
 * in its own temporary home, with port 0 and the Claude Code stand-in; over Streamable HTTP it talks to a server's
 * `/mcp`. `call` returns what a model would see: the text, `isError`, and the structured content.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Progress } from '@modelcontextprotocol/sdk/types.js';

export const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
export const FAKE_CLAUDE = fileURLToPath(new URL('../fixtures/fake-claude.mjs', import.meta.url));

export interface ToolAnswer {
  isError: boolean;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read whatever the tool returned
  data: any;
}

export interface CallOptions {
  onprogress?: (progress: Progress) => void;
  timeoutMs?: number;
}

export async function callTool(
  client: Client,
  name: string,
  args: Record<string, unknown>,
  options: CallOptions = {},
): Promise<ToolAnswer> {
  const result = await client.callTool({ name, arguments: args }, undefined, {
    onprogress: options.onprogress,
    timeout: options.timeoutMs ?? 60_000,
    resetTimeoutOnProgress: true,
  });
  const content = (result.content ?? []) as Array<{ type: string; text?: string }>;
  return {
    isError: result.isError === true,
    text: content.map((c) => c.text ?? '').join('\n'),
    data: result.structuredContent ?? null,
  };
}

/** A temporary home and project folder, with the environment the built CLI needs. */
export class McpSandbox {
  readonly root = mkdtempSync(join(tmpdir(), 'cw-mcp-'));
  readonly home = join(this.root, 'home');
  readonly work = join(this.root, 'proj');
  readonly env: Record<string, string>;
  stderr = '';

  constructor() {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does).`);
    mkdirSync(this.work, { recursive: true });
    const inherited = Object.entries(process.env).filter(
      (entry): entry is [string, string] =>
        entry[1] !== undefined &&
        !entry[0].startsWith('CLAUDE_WORKER_') &&
        !entry[0].startsWith('FAKE_CLAUDE_'),
    );
    this.env = {
      ...Object.fromEntries(inherited),
      CLAUDE_WORKER_HOME: this.home,
      CLAUDE_WORKER_PORT: '0',
      CLAUDE_WORKER_CLAUDE_PATH: FAKE_CLAUDE,
    };
  }

  /** An MCP client connected to `claude-worker mcp` (proxy) or `claude-worker mcp --standalone` over stdio. */
  async stdioClient(standalone: boolean): Promise<Client> {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [CLI, 'mcp', ...(standalone ? ['--standalone'] : [])],
      env: this.env,
      cwd: this.work,
      stderr: 'pipe',
    });
    transport.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    const client = new Client({ name: 'claude-worker-test', version: '1.0.0' });
    await client.connect(transport);
    return client;
  }

  /** Runs the built CLI to the end (for `server stop`, `mcp install`, `doctor`). */
  cli(
    args: string[],
    env: Record<string, string> = {},
    cwd = this.work,
  ): { code: number; stdout: string; stderr: string } {
    const result = spawnSync(process.execPath, [CLI, ...args], {
      cwd,
      env: { ...this.env, ...env },
      encoding: 'utf8',
      timeout: 30_000,
    });
    return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
  }

  /** Stops a server a proxy client started, and removes the folder. */
  cleanup(): void {
    this.cli(['server', 'stop', '--timeout', '10', '--force']);
    rmSync(this.root, { recursive: true, force: true });
  }
}

export async function httpClient(url: string, token: string): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL('/mcp', url), {
    requestInit: { headers: { authorization: `Bearer ${token}` } },
  });
  const client = new Client({ name: 'claude-worker-test', version: '1.0.0' });
  await client.connect(transport);
  return client;
}
