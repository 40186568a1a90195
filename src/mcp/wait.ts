/**
 * Waiting for a task to end, for `wait_for_task`: look at the task, and if it has not finished, sleep until the next
 * look (a fixed interval, cut short by a wake-up from the live event bus when one is at hand) or the deadline. The
 * store stays the truth: a wake-up only means "look again now".
 */
import { isTerminal } from '../domain/state-machine.js';
import type { Task } from '../domain/vocabulary.js';
import type { WaitOutcome, WaitRequest } from './backend.js';

export interface PollOptions {
  getTask: () => Promise<Task>;
  intervalMs: number;
  /** Subscribes to "something happened to this task"; returns the unsubscribe function. */
  subscribe?: (wake: () => void) => () => void;
}

export async function waitUntilFinished(options: PollOptions, request: WaitRequest): Promise<WaitOutcome> {
  const started = Date.now();
  const deadline = started + request.timeoutMs;
  let wake: (() => void) | null = null;
  let woken = false;
  const unsubscribe = options.subscribe?.(() => {
    woken = true;
    wake?.();
  });
  try {
    for (;;) {
      woken = false;
      const task = await options.getTask();
      const now = Date.now();
      if (isTerminal(task.status) || now >= deadline || request.signal.aborted) {
        return { task, finished: isTerminal(task.status), waitedMs: now - started };
      }
      request.onTick?.(task);
      if (woken) continue; // something happened while we looked
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          request.signal.removeEventListener('abort', done);
          wake = null;
          resolve();
        };
        const timer = setTimeout(done, Math.min(options.intervalMs, Math.max(0, deadline - now)));
        request.signal.addEventListener('abort', done, { once: true });
        wake = done;
      });
    }
  } finally {
    unsubscribe?.();
  }
}

/** Extra bytes read before cutting a tail at a line start, so "was it cut?" has a clear answer. */
export const TAIL_SLACK_BYTES = 4096;

/**
 * The last `maxBytes` of `text` (read as the last `maxBytes + TAIL_SLACK_BYTES` of a log), starting at a line
 * start; `truncated` when something was left out. A read that came back no longer than `maxBytes` was the whole log.
 */
export function boundTail(text: string, maxBytes: number): { text: string; truncated: boolean } {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return { text, truncated: false };
  const end = bytes.subarray(bytes.length - maxBytes);
  const firstBreak = end.indexOf(0x0a);
  const cut = firstBreak >= 0 && firstBreak < end.length - 1 ? end.subarray(firstBreak + 1) : end;
  return { text: cut.toString('utf8'), truncated: true };
}
