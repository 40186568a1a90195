/**
 * What the CLI knows about the local server: `<home>/server.json` (written by the server once it listens), whether
 * its process is alive, and whether it answers `GET /health`. Reads only; starting and stopping live elsewhere.
 */
import { rmSync } from 'node:fs';
import { readServerInfo, type ServerInfo } from '../api/server-info.js';
import type { HomePaths } from '../config/paths.js';
import { isAlive } from '../platform/process-alive.js';

export { isAlive, readServerInfo, type ServerInfo };

export interface HealthAnswer {
  status: string;
  version: string;
  pid: number;
}

const HEALTH_TIMEOUT_MS = 2000;

/** Removes a server.json whose process is gone, so nobody mistakes it for a running server. */
export async function removeStaleServerInfo(paths: HomePaths, info: ServerInfo): Promise<void> {
  const current = await readServerInfo(paths.serverInfo);
  if (current && current.pid === info.pid && !isAlive(info.pid)) rmSync(paths.serverInfo, { force: true });
}

/** The answer of `GET <url>/health`, or null when nothing (or not a claude-worker server) answers in time. */
export async function probeHealth(url: string, timeoutMs = HEALTH_TIMEOUT_MS): Promise<HealthAnswer | null> {
  try {
    const response = await fetch(new URL('/health', url), { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return null;
    const body = (await response.json()) as Partial<HealthAnswer>;
    if (body.status !== 'ok') return null;
    return { status: body.status, version: String(body.version ?? ''), pid: Number(body.pid ?? 0) };
  } catch {
    return null;
  }
}

export interface LocalServer {
  info: ServerInfo;
  health: HealthAnswer;
}

/** The local server of this home folder when it runs and answers; null otherwise. */
export async function findLocalServer(paths: HomePaths): Promise<LocalServer | null> {
  const info = await readServerInfo(paths.serverInfo);
  if (!info) return null;
  if (!isAlive(info.pid)) return null;
  const health = await probeHealth(info.url);
  // Another program may answer on a reused port: only a server with the recorded pid counts.
  if (!health || (health.pid !== 0 && health.pid !== info.pid)) return null;
  return { info, health };
}

/** Waits until `pid` has exited or `timeoutMs` passed; true when it is gone. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(100);
  }
  return true;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
