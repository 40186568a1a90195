/**
 * Listeners of committed events, whichever node committed them. This process's own events are handed over right
 * after their COMMIT (transactions.ts). Events committed by other nodes arrive through the tail: a dedicated
 * connection LISTENs on the schema's channel (each committing transaction `pg_notify`s it), and every notification
 * from another node — or a slow poll, as a net — reads the events table past the highest id seen, in id order.
 * Ids are taken before commit, so a smaller id can become visible after a bigger one: ids skipped over are kept in
 * a small window and read again for a while (`GAP_WAIT_MS`), so a late commit is delivered, not lost. An id that
 * never shows up belonged to a transaction that rolled back.
 * The tail runs only while someone listens and the store is migrated.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { sql, type Kysely } from 'kysely';
import type { TaskEvent } from '../../domain/vocabulary.js';
import { eventFromRow as rowToEvent } from '../codec/attempt-event-codec.js';
import type { EventListener } from '../store.js';
import { clientConfig, type PostgresOptions } from './connection.js';
import type { EventRow, PgDatabase } from './schema.js';

/** How long an id skipped over is looked for again before it is taken for a rolled-back transaction. */
const GAP_WAIT_MS = 10_000;
/** The net under LISTEN: how often the tail reads even without a notification. */
const POLL_MS = 500;
/** While ids are missing, the window is re-read this often. */
const GAP_POLL_MS = 50;
const PAGE = 500;
const MAX_MISSING = 10_000;

export class EventHub {
  readonly channel: string;
  /**
   * Marks this hub's notifications (`origin:last id`): its own tail ignores them, since its own events are handed
   * over directly; it reads on other nodes' notifications and on its poll.
   */
  readonly origin = randomUUID();
  private readonly listeners = new Set<EventListener>();
  /** Ids of events this process appended, committed or about to be: the tail skips them. */
  private readonly own = new Set<number>();
  private tail: EventTail | null = null;
  private ready = false;
  private closed = false;

  constructor(
    private readonly db: Kysely<PgDatabase>,
    private readonly options: PostgresOptions,
    schema: string,
  ) {
    this.channel = `claude_worker_events:${schema}`;
  }

  add(listener: EventListener): () => void {
    this.listeners.add(listener);
    this.startTail();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stopTail();
    };
  }

  /** Called once the tables exist. */
  markReady(): void {
    this.ready = true;
    this.startTail();
  }

  /** Events written by a transaction about to commit. */
  claim(events: TaskEvent[]): void {
    if (!this.tail) return;
    for (const event of events) this.own.add(event.id);
  }

  /** The transaction rolled back after all. */
  forget(events: TaskEvent[]): void {
    for (const event of events) this.own.delete(event.id);
  }

  /** Events this process just committed. */
  emitOwn(events: TaskEvent[]): void {
    this.emit(events);
  }

  /** True (and forgotten) when the tail must skip this id. */
  takeOwn(id: number): boolean {
    return this.own.delete(id);
  }

  emit(events: TaskEvent[]): void {
    if (events.length === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(events);
      } catch (err) {
        // The transaction is committed; a listener's failure must not turn it into a reported failure.
        process.emitWarning(`claude-worker: a store event listener threw: ${String(err)}`);
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.stopTail();
  }

  private startTail(): void {
    if (this.tail || !this.ready || this.closed || this.listeners.size === 0) return;
    this.tail = new EventTail(this, this.db, this.options);
    this.tail.start();
  }

  private async stopTail(): Promise<void> {
    const tail = this.tail;
    this.tail = null;
    this.own.clear();
    await tail?.stop();
  }
}

class EventTail {
  private high: number | null = null;
  /** Ids skipped over, with the time after which they are given up. */
  private readonly missing = new Map<number, number>();
  private client: pg.Client | null = null;
  private timer: NodeJS.Timeout | null = null;
  private reading = false;
  private again = false;
  private stopped = false;

  constructor(
    private readonly hub: EventHub,
    private readonly db: Kysely<PgDatabase>,
    private readonly options: PostgresOptions,
  ) {}

  start(): void {
    void this.listen();
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async listen(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client(clientConfig(this.options));
    this.client = client;
    const retry = () => {
      if (this.client !== client) return;
      this.client = null;
      client.end().catch(() => undefined);
      setTimeout(() => void this.listen(), 1000).unref();
    };
    client.on('error', retry);
    client.on('end', retry);
    client.on('notification', (message) => {
      if (!message.payload?.startsWith(`${this.hub.origin}:`)) this.schedule(0);
    });
    try {
      await client.connect();
      await client.query(`LISTEN "${this.hub.channel}"`);
      if (this.stopped) await client.end();
      // Whatever was committed while not listening is read now.
      this.schedule(0);
    } catch {
      retry();
    }
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.read(), ms);
    this.timer.unref();
  }

  private async read(): Promise<void> {
    if (this.stopped) return;
    this.reading = true;
    this.again = false;
    try {
      if (this.high === null) {
        const row = (await sql<{ id: number | null }>`SELECT max(id) AS id FROM events`.execute(this.db))
          .rows[0];
        this.high = row?.id ?? 0;
      }
      for (;;) {
        const rows = await this.page();
        this.deliver(rows);
        if (rows.length < PAGE || this.stopped) break;
      }
    } catch {
      // The connection is down or the statement failed: the next poll tries again; nothing was marked seen.
    } finally {
      this.reading = false;
    }
    const now = Date.now();
    for (const [id, until] of this.missing) if (until <= now) this.missing.delete(id);
    this.schedule(this.again ? 0 : this.missing.size > 0 ? GAP_POLL_MS : POLL_MS);
  }

  private async page(): Promise<EventRow[]> {
    const missing = [...this.missing.keys()];
    // Each part by the primary key (an OR of the two would read the table whole after a burst of events).
    const result = await sql<EventRow>`
      SELECT * FROM (
        (SELECT * FROM events WHERE id > ${this.high} ORDER BY id LIMIT ${PAGE})
        UNION ALL
        (SELECT * FROM events WHERE id = ANY(${missing}::bigint[]) AND id <= ${this.high})
      ) AS page
      ORDER BY id LIMIT ${PAGE}`.execute(this.db);
    return result.rows;
  }

  private deliver(rows: EventRow[]): void {
    const fresh: TaskEvent[] = [];
    let high = this.high ?? 0;
    const deadline = Date.now() + GAP_WAIT_MS;
    for (const row of rows) {
      const wasMissing = this.missing.delete(row.id);
      if (row.id > high) {
        for (let id = high + 1; id < row.id && this.missing.size < MAX_MISSING; id++)
          this.missing.set(id, deadline);
        high = row.id;
      } else if (!wasMissing) {
        continue;
      }
      if (this.hub.takeOwn(row.id)) continue;
      fresh.push(rowToEvent(row));
    }
    this.high = high;
    this.hub.emit(fresh);
  }
}
