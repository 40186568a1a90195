/**
 * Write transactions and the event record. Every write runs in one IMMEDIATE transaction (the write lock is taken
 * at BEGIN, so a transaction never fails half-way on a lock upgrade); the events it appends are inserted together
 * just before COMMIT (multi-row INSERTs, ids in append order) and handed to listeners only after COMMIT. A
 * transaction that throws is rolled back and its events are never seen.
 * An event that stands for a webhook type writes its outbox rows (webhook deliveries) in the same transaction.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { TaskEvent } from '../../domain/vocabulary.js';
import type { EventListener } from '../store.js';
import { isoTime } from '../codec/values.js';
import { OUTBOX_INSERT, outboxRowsFor } from '../shared/outbox.js';

/** An event to append: the stored event without what the store assigns (id, time). */
export type NewEvent = Omit<TaskEvent, 'id' | 'created_at'>;

/** Rows per INSERT statement (9 parameters each, far under SQLite's limit); a statement is prepared per size. */
const CHUNK = 32;

function insertEvents(rows: number): string {
  const values = Array.from({ length: rows }, () => '(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
  return `INSERT INTO events (type, task_id, orchestration_id, from_status, to_status, actor, correlation_id, data,
    created_at) VALUES ${values} RETURNING id`;
}

interface Pending {
  event: NewEvent;
  at: number;
}

/** Listeners of committed events. Registered any time, even before the database is migrated. */
export class EventListeners {
  private readonly listeners = new Set<EventListener>();

  add(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(events: TaskEvent[]): void {
    for (const listener of this.listeners) {
      try {
        listener(events);
      } catch (err) {
        // The transaction is committed; a listener's failure must not turn it into a reported failure.
        process.emitWarning(`claude-worker: a store event listener threw: ${String(err)}`);
      }
    }
  }
}

export class Transactions {
  private readonly inserts = new Map<number, BetterSqlite3.Statement<unknown[], number>>();
  private readonly insertOutbox: BetterSqlite3.Statement;
  private readonly immediate: BetterSqlite3.Transaction<(work: () => unknown) => unknown>;
  private collecting: Pending[] | null = null;

  private readonly db: BetterSqlite3.Database;

  constructor(
    db: BetterSqlite3.Database,
    private readonly listeners: EventListeners,
    /** Called after a commit that recorded events, i.e. real activity (starts the checkpoint thread). */
    private readonly afterActivity: (() => void) | null = null,
  ) {
    this.insertOutbox = db.prepare(OUTBOX_INSERT.sqlite);
    this.immediate = db.transaction((work: () => unknown) => work());
    this.db = db;
  }

  /**
   * Runs `work` in one IMMEDIATE transaction; the events it appended are emitted after the commit. A write inside a
   * write joins the outer transaction (if the inner work throws, the whole transaction rolls back).
   */
  write<T>(work: () => T): T {
    // Inside another write, the work joins it: composite operations (finish then claim) commit once, together.
    if (this.collecting) return work();
    const appended: Pending[] = [];
    this.collecting = appended;
    let result: T;
    let stored: TaskEvent[] = [];
    try {
      result = this.immediate.immediate(() => {
        const value = work();
        stored = this.flush(appended);
        return value;
      }) as T;
    } finally {
      this.collecting = null;
    }
    if (stored.length > 0) {
      this.afterActivity?.();
      this.listeners.emit(stored);
    }
    return result;
  }

  /** Appends an event inside the current `write` (inserted with the others just before COMMIT). */
  append(event: NewEvent, now: number): void {
    if (!this.collecting)
      throw new Error('claude-worker store: events are appended only inside a write transaction');
    this.collecting.push({ event, at: now });
  }

  /** Inserts the transaction's events, CHUNK rows per statement; ids ascend in append order. */
  private flush(pending: Pending[]): TaskEvent[] {
    const stored: TaskEvent[] = [];
    for (let start = 0; start < pending.length; start += CHUNK) {
      const chunk = pending.slice(start, start + CHUNK);
      const params: unknown[] = [];
      for (const { event: e, at } of chunk)
        params.push(
          e.type,
          e.task_id,
          e.orchestration_id,
          e.from_status,
          e.to_status,
          e.actor,
          e.correlation_id,
          JSON.stringify(e.data),
          at,
        );
      const ids = this.statement(chunk.length)
        .all(...params)
        .sort((a, b) => a - b);
      chunk.forEach(({ event, at }, i) => {
        const one: TaskEvent = { id: ids[i]!, ...event, created_at: isoTime(at) };
        // The webhook outbox: one delivery per matching subscription, committed with the event or not at all.
        for (const row of outboxRowsFor(one)) this.insertOutbox.run({ ...row, now: at });
        stored.push(one);
      });
    }
    return stored;
  }

  private statement(rows: number): BetterSqlite3.Statement<unknown[], number> {
    let statement = this.inserts.get(rows);
    if (!statement) {
      statement = this.db.prepare<unknown[], number>(insertEvents(rows)).pluck();
      this.inserts.set(rows, statement);
    }
    return statement;
  }
}
