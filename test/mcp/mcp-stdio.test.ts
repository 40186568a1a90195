/**
 * The MCP server as Claude Code launches it: a real MCP client spawns the built CLI over stdio, in proxy mode (which
 * auto-starts the REST server) and in standalone mode (engine in the MCP process), and runs the same suite on both.
 * Proxy mode also shows that staged groups survive a restart of the MCP process.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { callTool, CLI, McpSandbox } from './mcp-harness.js';
import { defineMcpSuite } from './mcp-flow.js';

describe.each([
  { mode: 'proxy', standalone: false },
  { mode: 'standalone', standalone: true },
])('claude-worker mcp ($mode) over stdio', ({ standalone }) => {
  let sandbox: McpSandbox;
  let client: Client;

  beforeAll(async () => {
    sandbox = new McpSandbox();
    client = await sandbox.stdioClient(standalone);
  });

  afterAll(async () => {
    await client?.close();
    sandbox?.cleanup();
  });

  defineMcpSuite(() => ({ client, work: sandbox.work }));

  it('keeps a staged group across a restart of the MCP process', async () => {
    const group = `restart-${Date.now()}`;
    const staged = await callTool(client, 'create_task', {
      execution_prompt: 'Before the restart',
      working_directory: sandbox.work,
      orchestration_group: group,
      task_identifier: 'kept',
    });
    expect(staged.isError, staged.text).toBe(false);
    await client.close();
    client = await sandbox.stdioClient(standalone);
    const submitted = await callTool(client, 'submit_orchestration', { orchestration_group: group });
    expect(submitted.isError, submitted.text).toBe(false);
    const waited = await callTool(client, 'wait_for_task', {
      task_id: submitted.data.task_ids.kept,
      timeout_seconds: 40,
    });
    expect(waited.data.result).toBe('done: Before the restart');
  });

  it('writes nothing but MCP frames on stdout while a task runs, and exits 0 when stdin closes', async () => {
    const frames = [
      {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2025-06-18',
          capabilities: {},
          clientInfo: { name: 'raw', version: '1' },
        },
      },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      {
        jsonrpc: '2.0',
        id: 2,
        method: 'tools/call',
        params: {
          name: 'create_task',
          arguments: { execution_prompt: 'Raw stdio', working_directory: sandbox.work },
        },
      },
    ];
    const child = spawn(process.execPath, [CLI, 'mcp', ...(standalone ? ['--standalone'] : [])], {
      cwd: sandbox.work,
      env: sandbox.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    for (const frame of frames) child.stdin.write(`${JSON.stringify(frame)}\n`);
    const answered = async (id: number) => {
      const deadline = Date.now() + 20_000;
      while (!stdout.split('\n').some((line) => line.includes(`"id":${id}`))) {
        if (Date.now() > deadline) throw new Error(`no answer ${id}; stdout: ${stdout}; stderr: ${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    await answered(2);
    const taskId = JSON.parse(stdout.trim().split('\n').at(-1)!).result.structuredContent.task.id as number;
    child.stdin.write(
      `${JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'wait_for_task', arguments: { task_id: taskId, timeout_seconds: 20 } } })}\n`,
    );
    await answered(3);
    child.stdin.end();
    expect(await exited).toBe(0);
    const lines = stdout.split('\n').filter((line) => line !== '');
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ jsonrpc: '2.0' });
    expect(JSON.parse(lines[2]!).result.structuredContent.result).toBe('done: Raw stdio');
    expect(stderr).toMatch(/MCP server \((proxy|standalone) mode/);
  });
});
