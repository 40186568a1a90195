/**
 * `wait_for_task`: blocks until a task has finished or `timeout_seconds` passed, so a lead agent need not poll in a
 * loop. When the client sent a progressToken, it gets `notifications/progress` (elapsed seconds of the timeout, and
 * a line saying what the task is doing) whenever that changes, and at least every few seconds as a heartbeat.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import * as z from 'zod';
import type { Task } from '../../domain/vocabulary.js';
import type { Logger } from '../../observability/logger.js';
import type { WorkerBackend } from '../backend.js';
import { WaitForTaskInput } from '../tool-schemas.js';
import { ResultView, resultView, TaskView, taskLine, taskView } from '../views.js';
import { answer, guarded, type ToolExtra } from './answer.js';
import { listed } from '../tool-input.js';

const HEARTBEAT_MS = 5000;

const WaitOutput = ResultView.extend({
  finished: z.boolean(),
  timed_out: z.boolean(),
  waited_seconds: z.number(),
  task: TaskView,
  next_step: z.string(),
});

/** Sends progress notifications for one request; null when the client did not ask for them. */
function progressReporter(extra: ToolExtra, totalSeconds: number): ((task: Task) => void) | null {
  const token = extra._meta?.progressToken;
  if (token === undefined) return null;
  const started = Date.now();
  let lastKey = '';
  let lastAt = 0;
  let lastProgress = -1;
  return (task) => {
    const now = Date.now();
    const key = `${task.status}|${task.last_action ?? ''}|${task.num_turns ?? ''}`;
    if (key === lastKey && now - lastAt < HEARTBEAT_MS) return;
    const progress = Math.round((now - started) / 100) / 10;
    if (progress <= lastProgress) return; // progress must grow with every notification
    lastKey = key;
    lastAt = now;
    lastProgress = progress;
    extra
      .sendNotification({
        method: 'notifications/progress',
        params: { progressToken: token, progress, total: totalSeconds, message: taskLine(task) },
      })
      // A client that went away is noticed through the request's abort signal, which ends the wait.
      .catch(() => undefined);
  };
}

export function registerWaitForTask(
  server: McpServer,
  backend: WorkerBackend,
  modeNote: string,
  logger: Logger,
): void {
  server.registerTool(
    'wait_for_task',
    {
      title: 'Wait for a task to finish',
      description:
        'Blocks until the task has finished (completed, failed, cancelled or skipped) or timeout_seconds have passed, ' +
        'then returns its status and, when it completed, its result text. Sends progress notifications while it waits ' +
        'if your client asks for them. If it answers finished: false, the task is still going: call it again. Prefer ' +
        `this to calling get_task_status in a loop. ${modeNote}`,
      inputSchema: listed(WaitForTaskInput),
      outputSchema: WaitOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    guarded(logger, 'wait_for_task', WaitForTaskInput, async ({ task_id, timeout_seconds }, extra) => {
      const onTick = progressReporter(extra, timeout_seconds) ?? undefined;
      const outcome = await backend.waitForTask(task_id, {
        timeoutMs: timeout_seconds * 1000,
        signal: extra.signal,
        onTick,
      });
      const { task, finished } = outcome;
      const waited = Math.round(outcome.waitedMs / 100) / 10;
      let next: string;
      if (!finished)
        next = `Still ${task.status} after ${waited} s: call wait_for_task again with task_id ${task.id}.`;
      else if (task.status === 'completed') next = 'The result is in "result".';
      else if (task.error) next = `It did not complete: ${task.error.suggestion}`;
      else next = `It did not complete${task.status_reason ? `: ${task.status_reason}` : ''}.`;
      return answer(`${taskLine(task)}. ${next}`, {
        finished,
        timed_out: !finished,
        waited_seconds: waited,
        task: taskView(task),
        ...(task.status === 'completed' ? resultView(task) : { result: null, result_truncated: false }),
        next_step: next,
      });
    }),
  );
}
