/**
 * `<home>/server.json`: where the running server listens, so the CLI and the MCP proxy find it. Written atomically
 * (temporary file, then rename; mode 0600 like everything in the home folder) and removed at shutdown only by the process it names.
 */
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { PRIVATE_FILE_MODE } from '../platform/private-files.js';

export interface ServerInfo {
  pid: number;
  host: string;
  port: number;
  url: string;
  started_at: string;
  version: string;
}

export async function writeServerInfo(path: string, info: ServerInfo): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(info, null, 2)}\n`, { mode: PRIVATE_FILE_MODE });
  await rename(temporary, path);
}

function isServerInfo(value: unknown): value is ServerInfo {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v['pid'] === 'number' && typeof v['port'] === 'number' && typeof v['url'] === 'string';
}

/** The recorded server, or null when there is none or the file is not ours to read (torn or foreign content). */
export async function readServerInfo(path: string): Promise<ServerInfo | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    return isServerInfo(parsed) ? parsed : null;
  } catch {
    return null; // unreadable leftovers mean "no known server"; the caller starts or finds one
  }
}

/** Removes server.json if it still names `pid` (a newer server may have replaced it). */
export async function removeServerInfo(path: string, pid: number): Promise<void> {
  const info = await readServerInfo(path);
  if (info && info.pid === pid) await rm(path, { force: true });
}
