/**
 * The API bearer token: the configured one (`token` / CLAUDE_WORKER_TOKEN), else the one in `<home>/token`, else a
 * new random one written there with mode 0600. A token file readable by others is narrowed back to 0600.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ClaudeWorkerError } from '../domain/errors.js';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../platform/private-files.js';

const MIN_LENGTH = 16;

/** Reads the token file; null when it does not exist. Used by the server and by clients (CLI, MCP proxy). */
export async function readTokenFile(path: string): Promise<string | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ClaudeWorkerError(
      'config',
      `Cannot read the API token file ${path}: ${String(err)}. Check its permissions.`,
      { cause: err },
    );
  }
  const token = text.trim();
  if (token.length < MIN_LENGTH) {
    throw new ClaudeWorkerError(
      'config',
      `The API token file ${path} holds no usable token (at least ${MIN_LENGTH} characters). Delete it; the server writes a new one at its next start.`,
    );
  }
  return token;
}

async function narrowMode(path: string): Promise<void> {
  const info = await stat(path);
  if ((info.mode & 0o077) !== 0) await chmod(path, 0o600);
}

/** The token the server requires: configured, stored, or newly generated and stored with mode 0600. */
export async function ensureToken(configured: string | null, path: string): Promise<string> {
  if (configured) return configured;
  const existing = await readTokenFile(path);
  if (existing) {
    await narrowMode(path);
    return existing;
  }
  await mkdir(dirname(path), { recursive: true, mode: PRIVATE_DIR_MODE });
  const token = randomBytes(32).toString('hex');
  let handle;
  try {
    // `wx`: if another server wrote the file meanwhile, use theirs rather than overwrite it.
    handle = await open(path, 'wx', PRIVATE_FILE_MODE);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return ensureToken(null, path);
    throw new ClaudeWorkerError(
      'config',
      `Cannot write the API token file ${path}: ${String(err)}. Check that the home folder is writable.`,
      { cause: err },
    );
  }
  try {
    await handle.writeFile(`${token}\n`, 'utf8');
  } finally {
    await handle.close();
  }
  await narrowMode(path); // a umask cannot widen 0600, but be explicit
  return token;
}
