/**
 * PostgreSQL migration 6: the sealed totals of `/metrics` (the same tables as SQLite migration 15). `attempt_totals`
 * holds the aggregate of every attempt that finished before `metrics_seal.sealed_before`, one row per model, outcome
 * and histogram buckets (`d`, `w` NULL for no duration or no queue wait; no key, a seal rewrites the table whole).
 * `metrics_seal` is one row, locked by whoever rewrites the totals; sealed_before 0, so the first seal counts the
 * whole history once.
 * Append-only: once released, never edit this file; add a new numbered migration instead.
 */
import type { PgMigration } from '../migrations.js';

const statements = [
  `CREATE TABLE attempt_totals (
    model text NOT NULL,
    outcome text NOT NULL,
    d integer,
    w integer,
    n bigint NOT NULL,
    cost_usd double precision NOT NULL,
    input bigint NOT NULL,
    output bigint NOT NULL,
    cache_read bigint NOT NULL,
    cache_creation bigint NOT NULL,
    duration_ms bigint NOT NULL,
    wait_ms bigint NOT NULL
  )`,
  `CREATE TABLE metrics_seal (
    id integer PRIMARY KEY CHECK (id = 1),
    sealed_before bigint NOT NULL
  )`,
  `INSERT INTO metrics_seal (id, sealed_before) VALUES (1, 0)`,
];

export const migration006: PgMigration = { version: 6, name: 'metrics totals', statements };
