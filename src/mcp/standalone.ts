/**
 * The standalone backend: no server process. The MCP process opens the App itself (the SQLite store in the home
 * folder, an engine running Claude Code), so tasks run inside it. When it exits, running tasks are interrupted and
 * requeued; the next start of any claude-worker process on that home folder (standalone MCP or server) recovers and
 * runs them. Its log goes to `<home>/logs/mcp.log`: stdout belongs to the MCP protocol.
 */
import { join } from 'node:path';
import { App } from '../app.js';
import type { Config } from '../config/schema.js';
import { createFileLogger } from '../observability/logger.js';
import { AppBackend } from './app-backend.js';
import { MCP_ACTOR } from './backend.js';

export async function openStandaloneBackend(config: Config): Promise<AppBackend> {
  const logger = createFileLogger(join(config.home, 'logs', 'mcp.log'), config.log_level);
  const app = await App.open({ config, logger });
  try {
    await app.start();
  } catch (err) {
    await app.close();
    throw err;
  }
  logger.info({ home: config.home }, 'claude-worker MCP server (standalone) started');
  return new AppBackend(app, 'standalone', MCP_ACTOR, async () => {
    await app.close();
    logger.info({}, 'claude-worker MCP server (standalone) stopped');
    logger.flush();
  });
}
