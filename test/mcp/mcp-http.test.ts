/**
 * MCP over Streamable HTTP at `/mcp` on a real REST server (real SQLite store, the Claude Code stand-in): the same
 * suite as over stdio, and the endpoint refuses a request without the bearer token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { startTestServer, type TestServer } from '../api/test-server.js';
import { httpClient } from './mcp-harness.js';
import { defineMcpSuite } from './mcp-flow.js';

describe('MCP over Streamable HTTP at /mcp', () => {
  let server: TestServer;
  let client: Client;

  beforeAll(async () => {
    server = await startTestServer();
    client = await httpClient(server.server.url, server.server.token);
  });

  afterAll(async () => {
    await client?.close();
    await server?.close();
  });

  defineMcpSuite(() => ({ client, work: server.workdir }));

  const initialize = {
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'curl', version: '1' } },
  };

  it('refuses a request without the token (401), and one with a wrong token', async () => {
    const post = (headers: Record<string, string>) =>
      fetch(new URL('/mcp', server.server.url), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...headers,
        },
        body: JSON.stringify(initialize),
      });
    const without = await post({});
    expect(without.status).toBe(401);
    expect(without.headers.get('www-authenticate')).toBe('Bearer');
    expect(((await without.json()) as { detail: string }).detail).toMatch(/no API token/);
    const wrong = await post({ authorization: 'Bearer not-the-token-at-all' });
    expect(wrong.status).toBe(401);
    const right = await post({ authorization: `Bearer ${server.server.token}` });
    expect(right.status).toBe(200);
    await right.body?.cancel();
  });

  it('answers GET with 405: the endpoint is stateless', async () => {
    const response = await fetch(new URL('/mcp', server.server.url), {
      headers: { authorization: `Bearer ${server.server.token}`, accept: 'text/event-stream' },
    });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });
});
