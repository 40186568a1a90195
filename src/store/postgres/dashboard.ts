/**
 * Dashboard sign-in in PostgreSQL: one-time links and sessions, stored by the SHA-256 of their secret. Redeeming
 * a link locks its row (`FOR UPDATE`) and marks it in the same transaction, so one link signs in one browser even
 * when two API nodes see it at once. The same statements as the SQLite store's dashboard.ts.
 */
import { sql } from 'kysely';
import { linkState, type LinkState, type StoredLink } from '../../domain/dashboard-access.js';
import type { DailyFailureRow, DailyTaskRow, DashboardSessionRecord } from '../store.js';
import type { PgTx } from './transactions.js';

export async function createLink(
  tx: PgTx,
  codeHash: string,
  createdAt: number,
  expiresAt: number,
): Promise<void> {
  await tx.rows(sql`DELETE FROM dashboard_links WHERE expires_at < ${createdAt - 24 * 60 * 60 * 1000}`);
  await tx.rows(sql`DELETE FROM dashboard_sessions WHERE expires_at < ${createdAt}`);
  await tx.rows(sql`INSERT INTO dashboard_links (code_hash, created_at, expires_at)
    VALUES (${codeHash}, ${createdAt}, ${expiresAt})`);
}

export async function redeemLink(tx: PgTx, codeHash: string, now: number): Promise<LinkState> {
  const row = await tx.row(sql<StoredLink>`
    SELECT expires_at::float8 AS expires_at, used_at::float8 AS used_at
    FROM dashboard_links WHERE code_hash = ${codeHash} FOR UPDATE`);
  const state = linkState(row, now);
  if (state === 'valid') {
    await tx.rows(sql`UPDATE dashboard_links SET used_at = ${now} WHERE code_hash = ${codeHash}`);
  }
  return state;
}

export async function createSession(
  tx: PgTx,
  idHash: string,
  createdAt: number,
  expiresAt: number,
): Promise<void> {
  await tx.rows(sql`INSERT INTO dashboard_sessions (id_hash, created_at, expires_at)
    VALUES (${idHash}, ${createdAt}, ${expiresAt})`);
}

export async function getSession(tx: PgTx, idHash: string): Promise<DashboardSessionRecord | undefined> {
  return tx.row(sql<DashboardSessionRecord>`
    SELECT created_at::float8 AS created_at, expires_at::float8 AS expires_at
    FROM dashboard_sessions WHERE id_hash = ${idHash}`);
}

export async function extendSession(tx: PgTx, idHash: string, expiresAt: number): Promise<void> {
  await tx.rows(sql`UPDATE dashboard_sessions SET expires_at = GREATEST(expires_at, ${expiresAt})
    WHERE id_hash = ${idHash}`);
}

export async function deleteSession(tx: PgTx, idHash: string): Promise<boolean> {
  const rows = await tx.rows(sql`DELETE FROM dashboard_sessions WHERE id_hash = ${idHash} RETURNING 1`);
  return rows.length > 0;
}

/** The UTC day of an epoch-ms column, grouped as a whole number (cheap) and formatted once per group. */
const DAY_NUMBER = (column: string) => sql.raw(`(${column} / 86400000)`);
const UTC_DAY = (column: string) =>
  sql.raw(`to_char(to_timestamp((${column} / 86400000) * 86400) AT TIME ZONE 'UTC', 'YYYY-MM-DD')`);

/** Finished tasks by UTC day, model and status with their cost; failed attempts by UTC day and failure code. */
export async function dailyStats(
  tx: PgTx,
  since: number,
): Promise<{ tasks: DailyTaskRow[]; failures: DailyFailureRow[] }> {
  const tasks = await tx.rows(sql<DailyTaskRow>`
    SELECT ${UTC_DAY('finished_at')} AS date, model, status, count(*)::int AS tasks,
           COALESCE(sum(cost_usd), 0)::float8 AS cost_usd
    FROM tasks WHERE finished_at >= ${since} AND finished_at IS NOT NULL
    GROUP BY ${DAY_NUMBER('finished_at')}, model, status ORDER BY 1, 2, 3`);
  const failures = await tx.rows(sql<DailyFailureRow>`
    SELECT ${UTC_DAY('finished_at')} AS date, COALESCE(error::jsonb ->> 'code', 'unknown') AS code,
           count(*)::int AS count
    FROM attempts WHERE finished_at >= ${since} AND error IS NOT NULL
    GROUP BY ${DAY_NUMBER('finished_at')}, 2 ORDER BY 1, 2`);
  return { tasks, failures };
}
