/**
 * Serving MCP over stdio, as Claude Code and Claude Desktop launch it: stdout carries only MCP frames (everything
 * else goes to stderr or a log file). Resolves once the session is over: the client closed stdin or the transport,
 * or SIGTERM/SIGINT arrived; the backend is closed first (standalone: running tasks are interrupted and requeued).
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { WorkerBackend } from './backend.js';

export async function serveStdio(
  server: McpServer,
  backend: WorkerBackend,
  stdin = process.stdin,
  stdout = process.stdout,
): Promise<void> {
  const transport = new StdioServerTransport(stdin, stdout);
  let finish: () => void = () => {};
  const over = new Promise<void>((resolve) => (finish = resolve));
  let closing: Promise<void> | null = null;
  const shutdown = (): Promise<void> => {
    closing ??= (async () => {
      stdin.off('end', onEnd);
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      try {
        await server.close();
      } finally {
        await backend.close();
      }
    })();
    return closing;
  };
  // A failed shutdown is rethrown below (await closing); here it only ends the wait.
  const end = () => void shutdown().then(finish, finish);
  const onEnd = end;
  const onSignal = end;
  server.server.onclose = end;
  stdin.once('end', onEnd);
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  await server.connect(transport);
  await over;
  await closing; // rethrows a failed shutdown, so the command exits with an error
}
