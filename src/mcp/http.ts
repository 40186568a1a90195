/**
 * `/mcp` on the REST server: MCP over Streamable HTTP in stateless mode (every POST is a complete exchange with a
 * fresh MCP server over the server's own App; no session to keep), behind the same bearer token as /api/v1.
 * GET and DELETE (session streams and session ends) are answered 405, as the protocol asks of a stateless server.
 * MCP exchanges still open when the REST server closes are ended, so a long wait_for_task cannot hold up shutdown.
 */
import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import type { App } from '../app.js';
import type { Logger } from '../observability/logger.js';
import { stderrLogger } from '../observability/logger.js';
import { AppBackend } from './app-backend.js';
import { MCP_ACTOR } from './backend.js';

/** The MCP SDK is loaded on the first /mcp request: an idle server does not pay its memory. */
let modules: Promise<{
  StreamableHTTPServerTransport: typeof import('@modelcontextprotocol/sdk/server/streamableHttp.js').StreamableHTTPServerTransport;
  createMcpServer: typeof import('./server.js').createMcpServer;
}> | null = null;
function loadMcp() {
  modules ??= Promise.all([
    import('@modelcontextprotocol/sdk/server/streamableHttp.js'),
    import('./server.js'),
  ]).then(([http, server]) => ({
    StreamableHTTPServerTransport: http.StreamableHTTPServerTransport,
    createMcpServer: server.createMcpServer,
  }));
  return modules;
}

export const MCP_PATH = '/mcp';

const NOT_ALLOWED = JSON.stringify({
  jsonrpc: '2.0',
  error: { code: -32000, message: 'This MCP endpoint is stateless: send each JSON-RPC message with POST.' },
  id: null,
});

export function registerMcpRoute(
  fastify: FastifyInstance,
  app: App,
  authenticate: onRequestHookHandler,
  logger: Logger = stderrLogger,
): void {
  const backend = new AppBackend(app, 'server', MCP_ACTOR);
  const open = new Set<{ close(): Promise<void> }>();
  fastify.addHook('preClose', async () => {
    await Promise.all([...open].map((transport) => transport.close()));
  });

  fastify.route({
    method: 'POST',
    url: MCP_PATH,
    onRequest: authenticate,
    handler: async (request, reply) => {
      const { StreamableHTTPServerTransport, createMcpServer } = await loadMcp();
      const server = createMcpServer(backend, logger);
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      open.add(transport);
      reply.raw.once('close', () => {
        open.delete(transport);
        server
          .close()
          .catch((err: unknown) => logger.error({ err: String(err) }, 'closing an MCP exchange failed'));
      });
      await server.connect(transport);
      reply.hijack();
      await transport.handleRequest(request.raw, reply.raw, request.body);
    },
  });

  fastify.route({
    method: ['GET', 'DELETE'],
    url: MCP_PATH,
    onRequest: authenticate,
    handler: async (_request, reply) =>
      reply.code(405).header('allow', 'POST').type('application/json').send(NOT_ALLOWED),
  });
}
