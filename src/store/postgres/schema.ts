/**
 * The PostgreSQL tables as the code reads them. Rows come back in the same shape as SQLite's (times as epoch
 * milliseconds, JSON as text, flags as 0/1 integers; bigint read as numbers by connection.ts), so one row codec
 * reads both stores.
 */
import type { Database } from '../sqlite/schema.js';

export type { AttemptRow, EventRow, OrchestrationRow, TaskRow } from '../sqlite/schema.js';

export type PgDatabase = Database;
