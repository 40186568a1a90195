/**
 * The row codec of the `workers` table, the same for both stores: times are epoch milliseconds, labels a JSON
 * array; `running` is the count of tasks the worker holds, read with the row.
 */
import type { WorkerRecord } from '../../domain/workers.js';
import { isoTime } from './values.js';

export interface WorkerRow {
  id: string;
  host: string;
  pid: number;
  labels: string;
  concurrency: number;
  version: string;
  started_at: number;
  last_heartbeat_at: number;
  stopped_at: number | null;
  running: number;
}

export function workerFromRow(row: WorkerRow): WorkerRecord {
  return {
    id: row.id,
    host: row.host,
    pid: row.pid,
    labels: JSON.parse(row.labels) as string[],
    concurrency: row.concurrency,
    version: row.version,
    running: row.running,
    started_at: isoTime(row.started_at),
    last_heartbeat_at: isoTime(row.last_heartbeat_at),
    stopped_at: row.stopped_at === null ? null : isoTime(row.stopped_at),
  };
}
