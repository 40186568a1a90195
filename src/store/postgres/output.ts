/**
 * Task output chunks and mirrored Claude Code session transcripts in PostgreSQL, so any API node serves a task's
 * log and transcript and any worker can resume a session. Chunks are appended in one statement per flush (all
 * tasks), read whole, after a chunk id (following), or as a bounded tail; session entries are appended in order,
 * an entry whose uuid the session already has is ignored. Not transitions: no events.
 */
import { sql } from 'kysely';
import type { OutputChunk, OutputQuery, OutputRead, SessionEntry, SessionKey } from '../store.js';
import type { PgTx } from './transactions.js';

type Reader = Pick<PgTx, 'rows'>;

export async function appendOutput(tx: PgTx, chunks: OutputChunk[]): Promise<void> {
  if (chunks.length === 0) return;
  await tx.rows(sql`
    INSERT INTO task_output (task_id, stream, text, bytes, created_at)
    SELECT task_id, stream, text, octet_length(text), ${tx.now}
    FROM unnest(${chunks.map((c) => c.task_id)}::bigint[], ${chunks.map((c) => c.stream)}::text[],
                ${chunks.map((c) => c.text)}::text[]) WITH ORDINALITY AS c (task_id, stream, text, ord)
    ORDER BY ord`);
}

export async function readOutput(tx: Reader, query: OutputQuery): Promise<OutputRead> {
  const after = query.after_id ?? 0;
  const rows =
    query.tail_bytes === undefined
      ? await tx.rows(sql<{ id: number; text: string }>`
          SELECT id, text FROM task_output
          WHERE task_id = ${query.task_id} AND stream = ${query.stream} AND id > ${after}
          ORDER BY id`)
      : // Newest first until the tail is covered (the chunk that crosses it included), then in order.
        await tx.rows(sql<{ id: number; text: string }>`
          SELECT id, text FROM (
            SELECT id, text, bytes, sum(bytes) OVER (ORDER BY id DESC) AS covered FROM task_output
            WHERE task_id = ${query.task_id} AND stream = ${query.stream} AND id > ${after}
          ) newest
          WHERE covered - bytes < ${query.tail_bytes}
          ORDER BY id`);
  return {
    text: rows.map((r) => r.text).join(''),
    last_id: rows.at(-1)?.id ?? query.after_id ?? null,
    chunks: rows.length,
  };
}

export async function appendSessionEntries(
  tx: PgTx,
  key: SessionKey,
  entries: SessionEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  await tx.rows(sql`
    INSERT INTO session_entries (project_key, session_id, subpath, uuid, entry, created_at)
    SELECT ${key.project_key}, ${key.session_id}, ${key.subpath}, uuid, entry, ${tx.now}
    FROM unnest(${entries.map((e) => (typeof e.uuid === 'string' ? e.uuid : null))}::text[],
                ${entries.map((e) => JSON.stringify(e))}::text[]) WITH ORDINALITY AS e (uuid, entry, ord)
    ORDER BY ord
    ON CONFLICT (session_id, project_key, subpath, uuid) WHERE uuid IS NOT NULL DO NOTHING`);
}

export async function loadSessionEntries(tx: Reader, key: SessionKey): Promise<SessionEntry[] | null> {
  const rows = await tx.rows(sql<{ entry: string }>`
    SELECT entry FROM session_entries
    WHERE session_id = ${key.session_id} AND project_key = ${key.project_key} AND subpath = ${key.subpath}
    ORDER BY id`);
  return rows.length === 0 ? null : rows.map((r) => JSON.parse(r.entry) as SessionEntry);
}

export async function listSessionSubkeys(
  tx: Reader,
  projectKey: string,
  sessionId: string,
): Promise<string[]> {
  const rows = await tx.rows(sql<{ subpath: string }>`
    SELECT DISTINCT subpath FROM session_entries
    WHERE session_id = ${sessionId} AND project_key = ${projectKey} AND subpath <> ''
    ORDER BY subpath`);
  return rows.map((r) => r.subpath);
}
