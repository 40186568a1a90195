/**
 * Migration 12: webhook subscriptions and the outbox of their deliveries. A delivery row is written in the same
 * transaction as the event it reports (so a crash between the event and the HTTP request still delivers it after
 * a restart); the delivery loop claims due rows, POSTs them and records each try (status, response code, attempts,
 * next try, last error). `payload` keeps the body sent on the first try, so every retry sends the same.
 * Append-only: once released, never edit this file; add a new numbered migration instead.
 */
import { sql, type Compilable, type SchemaModule } from 'kysely';
import type { Migration } from '../migrations.js';

function up(schema: SchemaModule): Compilable[] {
  return [
    schema
      .createTable('webhook_subscriptions')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('kind', 'text', (c) => c.notNull().defaultTo('webhook'))
      .addColumn('url', 'text', (c) => c.notNull())
      // JSON array of webhook types; the outbox statement matches `"task.completed"` inside it.
      .addColumn('events', 'text', (c) => c.notNull())
      .addColumn('secret', 'text', (c) => c.notNull())
      // Set for subscriptions the configuration owns (`config:slack`): re-recorded at each start, not by users.
      .addColumn('managed_key', 'text')
      .addColumn('created_at', 'integer', (c) => c.notNull()),
    schema
      .createIndex('webhook_subscriptions_managed')
      .unique()
      .on('webhook_subscriptions')
      .column('managed_key')
      .where(sql.ref('managed_key'), 'is not', null),
    schema
      .createTable('webhook_deliveries')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('subscription_id', 'integer', (c) => c.notNull())
      .addColumn('event_id', 'integer', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('task_id', 'integer')
      .addColumn('orchestration_id', 'integer')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('response_code', 'integer')
      .addColumn('last_error', 'text')
      .addColumn('next_attempt_at', 'integer')
      .addColumn('last_attempt_at', 'integer')
      .addColumn('delivered_at', 'integer')
      .addColumn('payload', 'text')
      .addColumn('created_at', 'integer', (c) => c.notNull()),
    schema
      .createIndex('webhook_deliveries_due')
      .on('webhook_deliveries')
      .columns(['next_attempt_at', 'id'])
      .where(sql.ref('status'), '=', 'pending'),
    schema
      .createIndex('webhook_deliveries_subscription')
      .on('webhook_deliveries')
      .columns(['subscription_id', 'id']),
  ];
}

export const migration012: Migration = { version: 12, name: 'webhooks', up };
