/**
 * In-process live stream: stored transitions (after commit) and unstored progress lines, for SSE, `watch`,
 * `logs -f` and wake-ups. Listeners must not throw; a throwing listener is removed and reported once.
 */
import type { ProgressEvent, TaskEvent } from '../domain/vocabulary.js';

export type LiveEvent = TaskEvent | ProgressEvent;
export type LiveListener = (event: LiveEvent) => void;

export class EventBus {
  private readonly listeners = new Set<LiveListener>();

  subscribe(listener: LiveListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(event: LiveEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.listeners.delete(listener);
        process.emitWarning(`claude-worker: a live-event listener threw and was removed: ${String(err)}`);
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }
}
