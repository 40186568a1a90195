/**
 * Claude Code sessions that follow a task across machines: every transcript entry Claude Code writes is mirrored
 * into the store (through the Agent SDK's session store), and a resume loads it back when this machine's own copy
 * is missing or older — so a task interrupted on one worker resumes its session on another. When this machine's
 * copy is at least as complete, the SDK is told to use it (returning null), which keeps Claude Code's own config
 * folder (user settings, memory) in place instead of a temporary one.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { SdkSessionKey, SessionMirror } from '../executor/executor.js';
import type { SessionEntry, SessionKey, Store } from '../store/store.js';

function storeKey(key: SdkSessionKey): SessionKey {
  return { project_key: key.projectKey, session_id: key.sessionId, subpath: key.subpath ?? '' };
}

/** Lines in this machine's copy of a session transcript; 0 when there is none. */
function localEntryCount(configDir: string, key: SdkSessionKey): number {
  const file = key.subpath
    ? join(configDir, 'projects', key.projectKey, key.sessionId, `${key.subpath}.jsonl`)
    : join(configDir, 'projects', key.projectKey, `${key.sessionId}.jsonl`);
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '').length;
  } catch {
    return 0;
  }
}

export class StoreSessionMirror implements SessionMirror {
  /** `configDir`: Claude Code's config folder as its children see it (CLAUDE_CONFIG_DIR, else ~/.claude). */
  constructor(
    private readonly store: Store,
    private readonly configDir: string = process.env.CLAUDE_CONFIG_DIR ?? join(homedir(), '.claude'),
  ) {}

  append(key: SdkSessionKey, entries: SessionEntry[]): Promise<void> {
    return this.store.appendSessionEntries(storeKey(key), entries);
  }

  async load(key: SdkSessionKey): Promise<SessionEntry[] | null> {
    const stored = await this.store.loadSessionEntries(storeKey(key));
    if (!stored) return null;
    return localEntryCount(this.configDir, key) >= stored.length ? null : stored;
  }

  listSubkeys(key: { projectKey: string; sessionId: string }): Promise<string[]> {
    return this.store.listSessionSubkeys(key.projectKey, key.sessionId);
  }
}
