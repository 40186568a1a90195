/**
 * Following one task until it ends (`watch`, `run --watch`): live events from the server's stream (progress lines
 * and stored transitions, each transition followed by a re-fetch of the task) plus a periodic re-fetch as a net.
 * On a terminal the status line is redrawn in place; otherwise one line is printed per change. Ends with the
 * result, or the error and its suggestion. Exit code: 0 completed, 1 failed, cancelled or skipped.
 */
import type { ClaudeWorkerClient, TaskWithAttempts } from '../client/http-client.js';
import { TERMINAL_STATUSES, type ProgressEvent } from '../domain/vocabulary.js';
import type { CliContext } from './context.js';
import { EXIT } from './exit-codes.js';
import { FollowLink, REFRESH_MS, type FollowOptions } from './follow-link.js';
import { truncate } from './format.js';
import { endLines, progressLine } from './task-view.js';
import { alertTaskEnd } from './end-alerts.js';

export async function followTask(
  context: CliContext,
  client: ClaudeWorkerClient,
  id: number,
  options: FollowOptions,
): Promise<number> {
  let task = await client.getTask(id);
  const stop = new AbortController();
  let wake: (() => void) | null = null;
  const nudge = () => wake?.();
  const view = options.json ? null : new LiveLine(context);
  const link = new FollowLink(client, context, `task ${id}`, options.reconnect, () => view?.finish());
  const onInterrupt = () => {
    view?.finish();
    context.note(`Stopped watching. Task ${id} keeps running: claude-worker watch ${id}`);
    process.exit(130);
  };
  process.once('SIGINT', onInterrupt);

  const streaming = streamInto(link, id, stop.signal, async (event) => {
    if (event === 'transition') task = await link.client.getTask(id);
    else
      task = {
        ...task,
        last_action: event.line,
        num_turns: event.num_turns ?? task.num_turns,
        cost_usd: event.cost_usd ?? task.cost_usd,
      };
    nudge();
  });

  let fetchedAt = Date.now();
  try {
    for (;;) {
      if (TERMINAL_STATUSES.includes(task.status)) break;
      view?.render(task);
      // A live event redraws at once; the store is re-read when a quiet second has passed.
      const woke = await new Promise<'event' | 'timer'>((resolve) => {
        const timer = setTimeout(() => resolve('timer'), REFRESH_MS);
        wake = () => {
          clearTimeout(timer);
          resolve('event');
        };
      });
      wake = null;
      if (woke === 'event' && Date.now() - fetchedAt < REFRESH_MS) continue;
      const fresh = await link.read((c) => c.getTask(id));
      if (fresh) {
        task = fresh;
        fetchedAt = Date.now();
      }
    }
  } finally {
    stop.abort();
    process.off('SIGINT', onInterrupt);
    await streaming;
  }
  view?.finish();
  if (options.json) context.json(task);
  else for (const line of endLines(task)) context.print(line);
  alertTaskEnd(context, task);
  return task.status === 'completed' ? EXIT.ok : EXIT.failed;
}

/** Feeds live events of one task to `onEvent` until aborted. Stream failures are left to the periodic re-fetch. */
async function streamInto(
  link: FollowLink,
  id: number,
  signal: AbortSignal,
  onEvent: (event: 'transition' | ProgressEvent) => Promise<void>,
): Promise<void> {
  while (!signal.aborted) {
    try {
      for await (const event of link.client.streamEvents({ task_id: id, signal })) {
        if (event.data.type === 'task_progress') await onEvent(event.data);
        else if (event.id !== null) await onEvent('transition');
      }
    } catch {
      // The server went away or the stream broke: the loop above keeps re-fetching; reconnect after a pause.
    }
    if (!signal.aborted) await new Promise((resolve) => setTimeout(resolve, REFRESH_MS));
  }
}

/** The status line: redrawn in place on a terminal, printed once per change otherwise. */
class LiveLine {
  private readonly tty: boolean;
  private last = '';
  private drawn = false;

  constructor(private readonly context: CliContext) {
    this.tty = context.io.stdout.isTTY === true;
  }

  render(task: TaskWithAttempts): void {
    if (this.tty) {
      const width = (this.context.io.stdout.columns || 100) - 1;
      this.context.io.stdout.write(`\r\x1b[2K${truncate(progressLine(task), width)}`);
      this.drawn = true;
      return;
    }
    const line = progressLine(task, Date.now(), false);
    if (line !== this.last) this.context.print(line);
    this.last = line;
  }

  finish(): void {
    if (this.tty && this.drawn) this.context.io.stdout.write('\n');
    this.drawn = false;
  }
}
