/**
 * Write transactions and the event record in PostgreSQL. Every store write runs `run(work)`: one READ COMMITTED
 * transaction; the events the work appends are inserted together just before COMMIT (one statement however many),
 * with `pg_notify` in the same transaction so other nodes hear of them exactly when they are committed. After the
 * commit the events go to this process's listeners at once (the event hub tells its tail they are delivered).
 * A transaction that PostgreSQL aborts for a deadlock or a serialization failure is run again from the start
 * (its events were never committed, nobody saw them), and so is one whose connection was lost before its COMMIT
 * was sent (a restart or a cut leaves stale connections in the pool). Events that stand for a webhook type write
 * their outbox rows (webhook deliveries) in the same transaction, by the statement that inserts the events.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { TaskEvent } from '../../domain/vocabulary.js';
import { isoTime } from '../codec/values.js';
import { outboxTypesFor } from '../shared/outbox.js';
import { isStaleConnection, STALE_CONNECTION_RETRIES } from './connection.js';
import type { EventHub } from './event-hub.js';
import { isStalePlan, PREPARED } from './prepared.js';
import type { PgDatabase } from './schema.js';

/** An event to append: the stored event without what the store assigns (id, time). */
export type NewEvent = Omit<TaskEvent, 'id' | 'created_at'>;

/** One transaction as the operations see it. */
export interface PgTx {
  /** The time of this transaction (epoch ms, this node's clock): every row and event it writes carries it. */
  readonly now: number;
  rows<R>(query: RawBuilder<R>): Promise<R[]>;
  row<R>(query: RawBuilder<R>): Promise<R | undefined>;
  /** Appends an event (written just before COMMIT, in order). */
  append(event: NewEvent, at?: number): void;
}

const RETRYABLE_CODES = new Set(['40P01', '40001']);
const MAX_RUNS = 8;

/**
 * How a transaction begins. The engine's hot path — claims and finishes — reads and writes a handful of rows by key
 * or in index order, and its plans must not depend on fresh statistics: right after a burst of submissions the
 * planner still believes the tables nearly empty, and it then sorts every queued task for each claim (5 ms at 5,000
 * queued instead of 0.1 ms), and joins a batch of finishes to whole-table scans of `attempts` and `tasks`. Its
 * transactions turn sorts, hash joins, bitmap and sequential scans off, so those statements walk the ordered
 * `tasks_ready` index and look rows up by primary key (where no index serves a statement it is still planned as
 * before: these settings only price the alternatives out). Such a statement's price then passes the threshold of
 * PostgreSQL's JIT compiler, which would spend tens of milliseconds compiling it: JIT is off too. Sent with BEGIN in
 * one simple-protocol message, so they cost no round trip.
 */
const BEGIN = 'BEGIN';
const BEGIN_HOT_PATH =
  'BEGIN; SET LOCAL enable_sort = off; SET LOCAL enable_hashjoin = off; SET LOCAL enable_bitmapscan = off; ' +
  'SET LOCAL enable_seqscan = off; SET LOCAL jit = off';

/** What a transaction will do that changes how it begins. */
export interface TxOptions {
  /** It claims tasks or records attempt endings: the engine's hot path (see BEGIN_HOT_PATH). */
  hotPath?: boolean;
}

class Tx implements PgTx {
  readonly events: { event: NewEvent; at: number }[] = [];
  constructor(
    readonly trx: Kysely<PgDatabase>,
    readonly now: number,
  ) {}

  async rows<R>(query: RawBuilder<R>): Promise<R[]> {
    return (await query.execute(this.trx)).rows;
  }

  async row<R>(query: RawBuilder<R>): Promise<R | undefined> {
    return (await query.execute(this.trx)).rows[0];
  }

  append(event: NewEvent, at = this.now): void {
    this.events.push({ event, at });
  }
}

export class PgTransactions {
  constructor(
    private readonly db: Kysely<PgDatabase>,
    private readonly hub: EventHub,
  ) {}

  /**
   * Runs `work` in one transaction and returns its result once committed. Composite operations (finishAndClaim)
   * pass the one `tx` to each part, so they commit once.
   */
  async run<T>(work: (tx: PgTx) => Promise<T>, options: TxOptions = {}): Promise<T> {
    let staleRetries = 0;
    for (let run = 1; ; run++) {
      let stored: TaskEvent[] = [];
      let committing = false;
      try {
        const result = await this.db.connection().execute(async (connection) => {
          try {
            // Inside the try: a BEGIN whose SET LOCAL failed leaves a transaction open, to be rolled back.
            await sql.raw(options.hotPath ? BEGIN_HOT_PATH : BEGIN).execute(connection);
            const tx = new Tx(connection, Date.now());
            const value = await work(tx);
            stored = await this.flush(tx);
            committing = true;
            await sql.raw('COMMIT').execute(connection);
            return value;
          } catch (err) {
            // A broken connection cannot roll back: the server ends the transaction with it.
            await sql
              .raw('ROLLBACK')
              .execute(connection)
              .catch(() => undefined);
            throw err;
          }
        });
        if (stored.length > 0) this.hub.emitOwn(stored);
        return result;
      } catch (err) {
        if (stored.length > 0) this.hub.forget(stored);
        // A connection lost before COMMIT was sent committed nothing: run it again on another connection. Lost
        // during COMMIT, whether it committed is unknown: the caller hears of the error.
        if (
          !committing &&
          (isStaleConnection(err) || isStalePlan(err)) &&
          staleRetries < STALE_CONNECTION_RETRIES
        ) {
          staleRetries++;
          continue;
        }
        const code = (err as { code?: unknown }).code;
        if (run >= MAX_RUNS || typeof code !== 'string' || !RETRYABLE_CODES.has(code)) throw err;
        await new Promise((done) => setTimeout(done, Math.random() * 10 * run));
      }
    }
  }

  /**
   * Inserts the transaction's events, writes their webhook outbox rows (one pending delivery per event, webhook type
   * and matching subscription) and notifies other nodes, in one statement (ids in append order). The outbox rows
   * find their event by its place in the batch: ids are drawn in insertion order, so the n-th smallest is the n-th.
   */
  private async flush(tx: Tx): Promise<TaskEvent[]> {
    if (tx.events.length === 0) return [];
    const column = <V>(pick: (e: NewEvent, at: number) => V) =>
      tx.events.map(({ event, at }) => pick(event, at));
    const outbox = tx.events.flatMap(({ event }, i) =>
      outboxTypesFor(event).map((t) => ({ ord: i + 1, ...t })),
    );
    // The notification names the last id; it is delivered at COMMIT, not before.
    const result = await sql<{ id: number }>`${sql.raw(PREPARED)}
      WITH inserted AS (
        INSERT INTO events (type, task_id, orchestration_id, from_status, to_status, actor, correlation_id, data,
                            created_at)
        SELECT type, task_id, orchestration_id, from_status, to_status, actor, correlation_id, data, created_at
        FROM unnest(${column((e) => e.type)}::text[], ${column((e) => e.task_id)}::bigint[],
                    ${column((e) => e.orchestration_id)}::bigint[], ${column((e) => e.from_status)}::text[],
                    ${column((e) => e.to_status)}::text[], ${column((e) => e.actor)}::text[],
                    ${column((e) => e.correlation_id)}::text[], ${column((e) => JSON.stringify(e.data))}::text[],
                    ${column((_e, at) => at)}::bigint[])
          WITH ORDINALITY AS e (type, task_id, orchestration_id, from_status, to_status, actor, correlation_id, data,
                                created_at, ord)
        ORDER BY ord
        RETURNING id, task_id, orchestration_id
      )${outbox.length === 0 ? sql`` : outboxSteps(tx.now, outbox)}
      SELECT inserted.id FROM inserted
      CROSS JOIN (SELECT pg_notify(${this.hub.channel}, ${`${this.hub.origin}:`}::text || (SELECT max(id) FROM inserted)::text))
        AS notified`.execute(tx.trx);
    const ids = result.rows.map((r) => r.id).sort((a, b) => a - b);
    const stored = tx.events.map(({ event, at }, i): TaskEvent => ({
      id: ids[i]!,
      ...event,
      created_at: isoTime(at),
    }));
    // Before COMMIT: the tail of this process must not deliver these a second time.
    this.hub.claim(stored);
    return stored;
  }
}

/**
 * The outbox steps of the event insert, as common table expressions after `inserted`: one pending delivery per
 * event, webhook type and matching subscription. Left out when no event of the transaction stands for a webhook
 * type, so the usual statement touches no webhook table.
 */
function outboxSteps(now: number, outbox: { ord: number; type: string; quoted: string }[]) {
  return sql`, numbered AS (
        SELECT id, task_id, orchestration_id, row_number() OVER (ORDER BY id) AS ord FROM inserted
      ), delivered AS (
        INSERT INTO webhook_deliveries (subscription_id, event_id, type, task_id, orchestration_id, status, attempts,
                                        next_attempt_at, created_at)
        SELECT s.id, n.id, o.type, n.task_id, n.orchestration_id, 'pending', 0, ${now}::bigint, ${now}::bigint
        FROM unnest(${outbox.map((o) => o.ord)}::bigint[], ${outbox.map((o) => o.type)}::text[],
                    ${outbox.map((o) => o.quoted)}::text[]) AS o (ord, type, quoted)
        JOIN numbered n ON n.ord = o.ord
        JOIN webhook_subscriptions s ON strpos(s.events, o.quoted) > 0
      )`;
}
