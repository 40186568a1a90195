/**
 * Contract: mirrored Claude Code session transcripts — entries kept in order per session and subpath, a uuid seen
 * before ignored (the SDK retries and replays), null for a session never stored, and subagent subpaths listed.
 */
import { describe, expect, it } from 'vitest';
import type { StoreHandle } from './helpers.js';

const MAIN = { project_key: '-srv-repo-a', session_id: 'sess-1', subpath: '' };

export function describeSessions(h: StoreHandle): void {
  describe('session entries', () => {
    it('appends in order, ignores a uuid already stored, and loads whole', async () => {
      await h.store.appendSessionEntries(MAIN, [
        { type: 'user', uuid: 'u1', message: { content: 'hi' } },
        { type: 'assistant', uuid: 'u2', message: { content: [{ type: 'text', text: 'hello' }] } },
      ]);
      await h.store.appendSessionEntries(MAIN, [
        { type: 'assistant', uuid: 'u2', message: { content: 'replayed' } },
        { type: 'custom-title', title: 'no uuid' },
        { type: 'custom-title', title: 'no uuid' },
      ]);
      const loaded = await h.store.loadSessionEntries(MAIN);
      expect(loaded?.map((e) => e.uuid ?? e['title'])).toEqual(['u1', 'u2', 'no uuid', 'no uuid']);
      expect(loaded?.[1]).toEqual({
        type: 'assistant',
        uuid: 'u2',
        message: { content: [{ type: 'text', text: 'hello' }] },
      });
      expect(await h.store.loadSessionEntries({ ...MAIN, session_id: 'other' })).toBeNull();
      expect(await h.store.loadSessionEntries({ ...MAIN, project_key: '-srv-repo-b' })).toBeNull();
    });

    it('keeps subagent transcripts apart and lists them', async () => {
      await h.store.appendSessionEntries(MAIN, [{ type: 'user', uuid: 'm1' }]);
      await h.store.appendSessionEntries({ ...MAIN, subpath: 'subagents/agent-1' }, [
        { type: 'user', uuid: 'm1' },
      ]);
      await h.store.appendSessionEntries({ ...MAIN, subpath: 'subagents/agent-2' }, [
        { type: 'user', uuid: 's2' },
      ]);
      expect(await h.store.listSessionSubkeys(MAIN.project_key, MAIN.session_id)).toEqual([
        'subagents/agent-1',
        'subagents/agent-2',
      ]);
      expect(await h.store.loadSessionEntries(MAIN)).toEqual([{ type: 'user', uuid: 'm1' }]);
    });
  });
}
