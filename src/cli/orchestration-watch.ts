/**
 * Following an orchestration until it ends (`orchestrate --watch`, `orchestration-status --watch`): the server's
 * live events (its stored transitions trigger a re-fetch; progress lines of its tasks update their last action)
 * plus a periodic re-fetch as a net. On a terminal the whole tree is redrawn in place; otherwise one line is
 * printed per change. Exit code: 0 when it completed, 1 when it failed or was cancelled.
 */
import type { ClaudeWorkerClient } from '../client/http-client.js';
import type { OrchestrationDetail, ProgressEvent } from '../domain/vocabulary.js';
import type { CliContext } from './context.js';
import { alertOrchestrationEnd } from './end-alerts.js';
import { EXIT } from './exit-codes.js';
import { FollowLink, REFRESH_MS, type FollowOptions } from './follow-link.js';
import { changeLine, endLines, headerLine, isFinished, taskDetail, treeLines } from './orchestration-view.js';

/** Transitions arrive in bursts (a finish readies several tasks): re-read at most this often. */
const REFETCH_GAP_MS = 200;
export type FollowOrchestrationOptions = FollowOptions;

export async function followOrchestration(
  context: CliContext,
  client: ClaudeWorkerClient,
  id: number,
  options: FollowOrchestrationOptions,
): Promise<number> {
  const link = new FollowLink(client, context, `orchestration ${id}`, options.reconnect);
  let detail = await client.getOrchestration(id);
  const stop = new AbortController();
  let wake: (() => void) | null = null;
  let stale = false;
  const view = options.json
    ? null
    : context.io.stdout.isTTY === true
      ? new LiveTree(context)
      : new ChangeLog(context);
  const onInterrupt = () => {
    context.note(
      `\nStopped watching. Orchestration ${id} keeps running: claude-worker orchestration-status ${id} --watch`,
    );
    process.exit(130);
  };
  process.once('SIGINT', onInterrupt);

  const streaming = streamInto(link, id, stop.signal, (event) => {
    if (event === null) {
      stale = true;
    } else {
      const task = detail.tasks.find((t) => t.id === event.task_id);
      if (!task) return; // another orchestration's, or a single task's
      task.last_action = event.line;
      task.num_turns = event.num_turns ?? task.num_turns;
      task.cost_usd = event.cost_usd ?? task.cost_usd;
    }
    wake?.();
  });

  let fetchedAt = Date.now();
  try {
    for (;;) {
      if (isFinished(detail)) break;
      view?.render(detail);
      const woke = await new Promise<'event' | 'timer'>((resolve) => {
        const timer = setTimeout(
          () => resolve('timer'),
          stale ? Math.max(0, REFETCH_GAP_MS - (Date.now() - fetchedAt)) : REFRESH_MS,
        );
        wake = () => {
          clearTimeout(timer);
          resolve('event');
        };
      });
      wake = null;
      // A progress line only redraws; a transition (stale) or a quiet second re-reads the orchestration.
      if (woke === 'event' && (!stale || Date.now() - fetchedAt < REFETCH_GAP_MS)) continue;
      stale = false;
      const fresh = await link.read((c) => c.getOrchestration(id));
      if (fresh) {
        detail = fresh;
        fetchedAt = Date.now();
      }
    }
  } finally {
    stop.abort();
    process.off('SIGINT', onInterrupt);
    await streaming;
  }
  if (options.json) {
    context.json(detail);
  } else {
    view?.finish(detail);
    for (const line of endLines(detail)) context.print(line);
  }
  alertOrchestrationEnd(context, detail);
  return detail.status === 'completed' ? EXIT.ok : EXIT.failed;
}

/**
 * Feeds live events to `onEvent` until aborted: null for a stored transition of one of the orchestration's tasks,
 * every progress line (the caller keeps those of its tasks). Stream failures are left to the periodic re-fetch.
 */
async function streamInto(
  link: FollowLink,
  id: number,
  signal: AbortSignal,
  onEvent: (event: ProgressEvent | null) => void,
): Promise<void> {
  while (!signal.aborted) {
    try {
      for await (const event of link.client.streamEvents({ signal })) {
        const data = event.data;
        if (data.type === 'task_progress') onEvent(data);
        else if (event.id !== null && data.orchestration_id === id) onEvent(null);
      }
    } catch {
      // The server went away or the stream broke: the loop above keeps re-fetching; reconnect after a pause.
    }
    if (!signal.aborted) await new Promise((resolve) => setTimeout(resolve, REFRESH_MS));
  }
}

/** On a terminal: the whole tree, redrawn in place (cut to the window's width and height). */
class LiveTree {
  private drawnLines = 0;

  constructor(private readonly context: CliContext) {}

  render(detail: OrchestrationDetail): void {
    const stdout = this.context.io.stdout;
    const lines = treeLines(detail, {
      width: (stdout.columns || 100) - 1,
      maxTasks: Math.max(3, (stdout.rows || 40) - 3),
    });
    // Back to the first line drawn last time, clear to the end of the screen, draw again.
    const back = this.drawnLines > 0 ? `\x1b[${this.drawnLines}F\x1b[J` : '';
    stdout.write(`${back}${lines.join('\n')}\n`);
    this.drawnLines = lines.length;
  }

  finish(detail: OrchestrationDetail): void {
    this.render(detail);
  }
}

/** Not a terminal (a pipe, a CI log): one line when the orchestration or one of its tasks changes. */
class ChangeLog {
  private header = '';
  private readonly seen = new Map<number, string>();

  constructor(private readonly context: CliContext) {}

  render(detail: OrchestrationDetail): void {
    const header = headerLine(detail, Date.now(), false);
    if (header !== this.header) this.context.print(header);
    this.header = header;
    for (const task of detail.tasks) {
      // Elapsed time changes every second; only status and what the task says count as a change.
      const key = `${task.status}|${taskDetail(task, detail, 0)}`;
      if (this.seen.get(task.id) === key) continue;
      this.seen.set(task.id, key);
      this.context.print(changeLine(task, detail));
    }
  }

  finish(detail: OrchestrationDetail): void {
    this.render(detail);
    this.context.print('');
    for (const line of treeLines(detail)) this.context.print(line);
  }
}
