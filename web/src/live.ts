/**
 * The live event stream (Server-Sent Events from /api/v1/events/stream, authenticated by the session cookie). One
 * EventSource for the whole page; views subscribe. The browser sends Last-Event-ID when it reconnects by itself;
 * when the stream is closed for good (server restarted, a proxy cut it) we open it again with `after_id` set to the
 * last stored event seen, so no transition is missed.
 */
import { useEffect, useRef } from 'react';
import { EVENT_TYPES } from '../../src/domain/vocabulary.js';
import type { TaskEvent } from './api.js';

export interface ProgressLine {
  type: 'task_progress';
  task_id: number;
  attempt: number;
  line: string;
  num_turns: number | null;
  cost_usd: number | null;
  at: string;
}
export type LiveMessage = TaskEvent | ProgressLine;
type Listener = (event: LiveMessage) => void;

const listeners = new Set<Listener>();
let source: EventSource | null = null;
let lastId: number | null = null;
let retryTimer: ReturnType<typeof setTimeout> | null = null;
const EVENT_NAMES: readonly string[] = [...EVENT_TYPES, 'task_progress'];

function deliver(message: MessageEvent<string>): void {
  if (message.lastEventId && /^\d+$/.test(message.lastEventId)) lastId = Number(message.lastEventId);
  let event: LiveMessage;
  try {
    event = JSON.parse(message.data) as LiveMessage;
  } catch {
    return;
  }
  for (const listener of listeners) listener(event);
}

function open(): void {
  const url = lastId === null ? '/api/v1/events/stream' : `/api/v1/events/stream?after_id=${lastId}`;
  const stream = new EventSource(url, { withCredentials: true });
  source = stream;
  // Named events (`event: task_started`) do not reach onmessage; listen to the known names and to anything else.
  stream.onmessage = deliver;
  for (const type of EVENT_NAMES) stream.addEventListener(type, deliver as EventListener);
  stream.onerror = () => {
    if (stream.readyState !== EventSource.CLOSED || listeners.size === 0) return;
    source = null;
    retryTimer = setTimeout(open, 3000);
  };
}

export function subscribe(listener: Listener): () => void {
  listeners.add(listener);
  if (!source && !retryTimer) open();
  return () => {
    listeners.delete(listener);
  };
}

/** Closes the stream (signing out). */
export function closeLive(): void {
  source?.close();
  source = null;
  if (retryTimer) clearTimeout(retryTimer);
  retryTimer = null;
}

/** Calls `onEvent` for every live event while the component is mounted. */
export function useLive(onEvent: Listener): void {
  const ref = useRef(onEvent);
  ref.current = onEvent;
  useEffect(() => subscribe((event) => ref.current(event)), []);
}
