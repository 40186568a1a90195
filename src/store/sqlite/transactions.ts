/**
 * Write transactions and the event record. Every write runs in one IMMEDIATE transaction (the write lock is taken
 * at BEGIN, so a transaction never fails half-way on a lock upgrade); the events it appends are collected and
 * handed to listeners only after COMMIT. A transaction that throws is rolled back and its events are never seen.
 * An event that stands for a webhook type writes its outbox rows (webhook deliveries) in the same transaction.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { TaskEvent } from '../../domain/vocabulary.js';
import type { EventListener } from '../store.js';
import { isoTime } from '../codec/values.js';
import { OUTBOX_INSERT, outboxRowsFor } from '../shared/outbox.js';

/** An event to append: the stored event without what the store assigns (id, time). */
export type NewEvent = Omit<TaskEvent, 'id' | 'created_at'>;

const INSERT_EVENT = `
  INSERT INTO events (type, task_id, orchestration_id, from_status, to_status, actor, correlation_id, data, created_at)
  VALUES (@type, @task_id, @orchestration_id, @from_status, @to_status, @actor, @correlation_id, @data, @created_at)`;

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
  private readonly insertEvent: BetterSqlite3.Statement;
  private readonly insertOutbox: BetterSqlite3.Statement;
  private readonly immediate: BetterSqlite3.Transaction<(work: () => unknown) => unknown>;
  private collecting: TaskEvent[] | null = null;

  constructor(
    db: BetterSqlite3.Database,
    private readonly listeners: EventListeners,
    /** Called after a commit that recorded events, i.e. real activity (starts the checkpoint thread). */
    private readonly afterActivity: (() => void) | null = null,
  ) {
    this.insertEvent = db.prepare(INSERT_EVENT);
    this.insertOutbox = db.prepare(OUTBOX_INSERT.sqlite);
    this.immediate = db.transaction((work: () => unknown) => work());
  }

  /**
   * Runs `work` in one IMMEDIATE transaction; the events it appended are emitted after the commit. A write inside a
   * write joins the outer transaction (if the inner work throws, the whole transaction rolls back).
   */
  write<T>(work: () => T): T {
    // Inside another write, the work joins it: composite operations (finish then claim) commit once, together.
    if (this.collecting) return work();
    const appended: TaskEvent[] = [];
    this.collecting = appended;
    let result: T;
    try {
      result = this.immediate.immediate(work) as T;
    } finally {
      this.collecting = null;
    }
    if (appended.length > 0) {
      this.afterActivity?.();
      this.listeners.emit(appended);
    }
    return result;
  }

  /** Appends an event inside the current `write`. */
  append(event: NewEvent, now: number): TaskEvent {
    if (!this.collecting)
      throw new Error('claude-worker store: events are appended only inside a write transaction');
    const info = this.insertEvent.run({
      ...event,
      data: JSON.stringify(event.data),
      created_at: now,
    });
    const stored: TaskEvent = { id: Number(info.lastInsertRowid), ...event, created_at: isoTime(now) };
    // The webhook outbox: one delivery per matching subscription, committed with the event or not at all.
    for (const row of outboxRowsFor(stored)) this.insertOutbox.run({ ...row, now });
    this.collecting.push(stored);
    return stored;
  }
}
