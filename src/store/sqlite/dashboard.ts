/**
 * Dashboard sign-in in SQLite: one-time links and sessions, stored by the SHA-256 of their secret. Redeeming a
 * link reads and marks it in one IMMEDIATE transaction, so two tabs presenting one link cannot both sign in.
 * No events: signing in is not a task transition.
 */
import { linkState, type LinkState, type StoredLink } from '../../domain/dashboard-access.js';
import type { DashboardSessionRecord } from '../store.js';
import type { StoreContext } from './context.js';

export function prepareDashboard(ctx: StoreContext) {
  const { db } = ctx;
  const insertLink = db.prepare<[string, number, number]>(
    'INSERT INTO dashboard_links (code_hash, created_at, expires_at) VALUES (?, ?, ?)',
  );
  const pruneLinks = db.prepare<[number]>('DELETE FROM dashboard_links WHERE expires_at < ?');
  const pruneSessions = db.prepare<[number]>('DELETE FROM dashboard_sessions WHERE expires_at < ?');
  const selectLink = db.prepare<[string], StoredLink>(
    'SELECT expires_at, used_at FROM dashboard_links WHERE code_hash = ?',
  );
  const useLink = db.prepare<[number, string]>(
    'UPDATE dashboard_links SET used_at = ? WHERE code_hash = ? AND used_at IS NULL',
  );
  const insertSession = db.prepare<[string, number, number]>(
    'INSERT INTO dashboard_sessions (id_hash, created_at, expires_at) VALUES (?, ?, ?)',
  );
  const selectSession = db.prepare<[string], DashboardSessionRecord>(
    'SELECT created_at, expires_at FROM dashboard_sessions WHERE id_hash = ?',
  );
  const extendSession = db.prepare<[number, string]>(
    'UPDATE dashboard_sessions SET expires_at = MAX(expires_at, ?) WHERE id_hash = ?',
  );
  const deleteSession = db.prepare<[string]>('DELETE FROM dashboard_sessions WHERE id_hash = ?');

  return {
    createLink(codeHash: string, createdAt: number, expiresAt: number): void {
      ctx.tx.write(() => {
        // Expired rows are useless (a used link older than its expiry says "unknown" rather than "used").
        pruneLinks.run(createdAt - 24 * 60 * 60 * 1000);
        pruneSessions.run(createdAt);
        insertLink.run(codeHash, createdAt, expiresAt);
      });
    },
    redeemLink(codeHash: string, now: number): LinkState {
      return ctx.tx.write(() => {
        const state = linkState(selectLink.get(codeHash), now);
        if (state === 'valid') useLink.run(now, codeHash);
        return state;
      });
    },
    createSession(idHash: string, createdAt: number, expiresAt: number): void {
      ctx.tx.write(() => insertSession.run(idHash, createdAt, expiresAt));
    },
    getSession(idHash: string): DashboardSessionRecord | undefined {
      return selectSession.get(idHash);
    },
    extendSession(idHash: string, expiresAt: number): void {
      ctx.tx.write(() => extendSession.run(expiresAt, idHash));
    },
    deleteSession(idHash: string): boolean {
      return ctx.tx.write(() => deleteSession.run(idHash).changes > 0);
    },
  };
}
