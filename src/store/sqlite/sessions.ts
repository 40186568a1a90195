/**
 * Mirrored Claude Code session transcripts: entries appended in order (a uuid seen before for the session is
 * ignored), loaded whole for a resume on another machine, and the subagent transcripts a session has.
 */
import type { SessionEntry, SessionKey } from '../store.js';
import type { StoreContext } from './context.js';

export function prepareSessions(ctx: StoreContext) {
  const { db } = ctx;
  const insert = db.prepare<[string, string, string, string | null, string, number]>(
    `INSERT OR IGNORE INTO session_entries (project_key, session_id, subpath, uuid, entry, created_at)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const load = db.prepare<[string, string, string], { entry: string }>(
    `SELECT entry FROM session_entries WHERE session_id = ? AND project_key = ? AND subpath = ? ORDER BY id`,
  );
  const subkeys = db.prepare<[string, string], { subpath: string }>(
    `SELECT DISTINCT subpath FROM session_entries WHERE session_id = ? AND project_key = ? AND subpath <> ''
     ORDER BY subpath`,
  );

  return {
    append(key: SessionKey, entries: SessionEntry[]): void {
      if (entries.length === 0) return;
      const now = Date.now();
      ctx.tx.write(() => {
        for (const entry of entries) {
          const uuid = typeof entry.uuid === 'string' ? entry.uuid : null;
          insert.run(key.project_key, key.session_id, key.subpath, uuid, JSON.stringify(entry), now);
        }
      });
    },

    load(key: SessionKey): SessionEntry[] | null {
      const rows = load.all(key.session_id, key.project_key, key.subpath);
      return rows.length === 0 ? null : rows.map((r) => JSON.parse(r.entry) as SessionEntry);
    },

    subkeys(projectKey: string, sessionId: string): string[] {
      return subkeys.all(sessionId, projectKey).map((r) => r.subpath);
    },
  };
}
