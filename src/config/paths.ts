/**
 * The layout of the home folder (`CLAUDE_WORKER_HOME`, default `~/.claude-worker`).
 */
import { join } from 'node:path';

export interface HomePaths {
  home: string;
  database: string;
  logs: string;
  /** Server log (JSON lines, pino). */
  serverLog: string;
  /** `{ pid, port, url, started_at }` of the running server. */
  serverInfo: string;
  /** The API bearer token, mode 0600. */
  token: string;
  userConfig: string;
}

export function homePaths(home: string): HomePaths {
  return {
    home,
    database: join(home, 'claude-worker.db'),
    logs: join(home, 'logs'),
    serverLog: join(home, 'logs', 'server.log'),
    serverInfo: join(home, 'server.json'),
    token: join(home, 'token'),
    userConfig: join(home, 'config.json'),
  };
}
