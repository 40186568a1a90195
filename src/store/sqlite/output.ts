/**
 * Task output chunks: the human log and transcript lines of running attempts, appended in batches (one transaction
 * per flush, whatever the number of tasks), read whole, as a bounded tail, or after a chunk id for following.
 */
import type { OutputChunk, OutputQuery, OutputRead } from '../store.js';
import type { StoreContext } from './context.js';

interface ChunkRow {
  id: number;
  text: string;
  bytes: number;
}

export function prepareOutput(ctx: StoreContext) {
  const { db } = ctx;
  const insert = db.prepare<[number, string, string, number, number]>(
    'INSERT INTO task_output (task_id, stream, text, bytes, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  const after = db.prepare<[number, string, number], ChunkRow>(
    'SELECT id, text, bytes FROM task_output WHERE task_id = ? AND stream = ? AND id > ? ORDER BY id',
  );
  const newestFirst = db.prepare<[number, string], ChunkRow>(
    'SELECT id, text, bytes FROM task_output WHERE task_id = ? AND stream = ? ORDER BY id DESC',
  );

  return {
    append(chunks: OutputChunk[]): void {
      if (chunks.length === 0) return;
      const now = Date.now();
      ctx.tx.write(() => {
        for (const chunk of chunks)
          insert.run(chunk.task_id, chunk.stream, chunk.text, Buffer.byteLength(chunk.text), now);
      });
    },

    read(query: OutputQuery): OutputRead {
      let rows: ChunkRow[];
      if (query.tail_bytes !== undefined) {
        rows = [];
        let bytes = 0;
        // Newest first, stopping once the tail is covered: a tail of a long transcript reads a few rows only.
        for (const row of newestFirst.iterate(query.task_id, query.stream)) {
          if (query.after_id !== undefined && row.id <= query.after_id) break;
          rows.push(row);
          bytes += row.bytes;
          if (bytes >= query.tail_bytes) break;
        }
        rows.reverse();
      } else {
        rows = after.all(query.task_id, query.stream, query.after_id ?? 0);
      }
      return {
        text: rows.map((r) => r.text).join(''),
        last_id: rows.at(-1)?.id ?? query.after_id ?? null,
        chunks: rows.length,
      };
    },
  };
}
