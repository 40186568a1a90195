/**
 * The MCP server as Claude Code launches it: a real MCP client spawns the built CLI over stdio, in proxy mode (which
 * auto-starts the REST server) and in standalone mode (engine in the MCP process), and runs the same suite on both.
 * Proxy mode also shows that staged groups survive a restart of the MCP process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { callTool, McpSandbox } from './mcp-harness.js';
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
    const waited = await callTool(client, 'wait_for_task', { task_id: submitted.data.task_ids.kept, timeout_seconds: 40 });
    expect(waited.data.result).toBe('done: Before the restart');
  });

  it('writes nothing but MCP frames on stdout (notes go to stderr)', () => {
    // The client would have failed on any non-JSON-RPC line; the start-up note is on stderr instead.
    expect(sandbox.stderr).toMatch(/MCP server \((proxy|standalone) mode/);
  });
});
