/**
 * The tools that read or stop one task: `get_task_status`, `get_task_result`, `get_task_logs`, `list_tasks`,
 * `cancel_task`. Each validates with its schema (tool-schemas.ts), calls the backend and shapes the answer.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import * as z from 'zod';
import { TaskSchema } from '../../contract/task-schemas.js';
import { isTerminal } from '../../domain/state-machine.js';
import type { Logger } from '../../observability/logger.js';
import type { WorkerBackend } from '../backend.js';
import { ListTasksInput, TaskIdInput, TaskLogsInput } from '../tool-schemas.js';
import { ResultView, resultView, TaskView, taskLine, taskView } from '../views.js';
import { answer, guarded } from './answer.js';
import { listed } from '../tool-input.js';

const READ_ONLY = { readOnlyHint: true, openWorldHint: false } as const;

const ResultOutput = ResultView.extend({
  task_id: z.number(),
  status: TaskSchema.shape.status,
  finished: z.boolean(),
  error: TaskSchema.shape.error,
  cost_usd: z.number().nullable(),
  num_turns: z.number().nullable(),
  session_id: z.string().nullable(),
});

const LogsOutput = z.object({
  task_id: z.number(),
  status: TaskSchema.shape.status,
  format: z.enum(['text', 'jsonl']),
  text: z.string(),
  truncated: z.boolean(),
});

export function registerTaskTools(server: McpServer, backend: WorkerBackend, logger: Logger): void {
  server.registerTool(
    'get_task_status',
    {
      title: 'Status of a task',
      description:
        "Returns a task's status (waiting, queued, running, completed, failed, cancelled, skipped), its latest action, " +
        'turns, cost, attempts and, when it failed, the error with a suggestion. Use it for a quick look; use ' +
        'wait_for_task to wait for the end instead of calling this in a loop, and get_task_result for the answer.',
      inputSchema: listed(TaskIdInput),
      outputSchema: z.object({ task: TaskView }),
      annotations: READ_ONLY,
    },
    guarded(logger, 'get_task_status', TaskIdInput, async ({ task_id }) => {
      const task = await backend.getTask(task_id);
      return answer(taskLine(task), { task: taskView(task) });
    }),
  );

  server.registerTool(
    'get_task_result',
    {
      title: 'Result of a task',
      description:
        "Returns the final answer text of a finished task (Claude Code's last message), with its cost, turns and " +
        'session id; for a failed task, the error and what to do about it. A task that has not finished has no ' +
        'result yet: the answer says so (finished: false); call wait_for_task first.',
      inputSchema: listed(TaskIdInput),
      outputSchema: ResultOutput,
      annotations: READ_ONLY,
    },
    guarded(logger, 'get_task_result', TaskIdInput, async ({ task_id }) => {
      const task = await backend.getTask(task_id);
      const finished = isTerminal(task.status);
      const summary = finished
        ? taskLine(task)
        : `Task ${task.id} is ${task.status}; it has no result yet. Call wait_for_task with task_id ${task.id}.`;
      return answer(summary, {
        task_id: task.id,
        status: task.status,
        finished,
        ...resultView(task),
        error: task.error,
        cost_usd: task.cost_usd,
        num_turns: task.num_turns,
        session_id: task.session_id,
      });
    }),
  );

  server.registerTool(
    'get_task_logs',
    {
      title: "Tail of a task's log",
      description:
        "Returns the end of a task's log, bounded by max_bytes: one human line per step (tool calls, text, retries, " +
        'errors), or the raw transcript with format "jsonl". Use it to see what a task is doing or why it failed.',
      inputSchema: listed(TaskLogsInput),
      outputSchema: LogsOutput,
      annotations: READ_ONLY,
    },
    guarded(logger, 'get_task_logs', TaskLogsInput, async ({ task_id, max_bytes, format }) => {
      const tail = await backend.taskLogs(task_id, { format, maxBytes: max_bytes });
      const lines = tail.text === '' ? 0 : tail.text.trimEnd().split('\n').length;
      const summary = `${taskLine(tail.task)}. ${tail.truncated ? `The last ${lines} lines` : `All ${lines} lines`} of its ${format} log:`;
      return answer(summary, {
        task_id: tail.task.id,
        status: tail.task.status,
        format,
        text: tail.text,
        truncated: tail.truncated,
      });
    }),
  );

  server.registerTool(
    'list_tasks',
    {
      title: 'List tasks',
      description:
        'Lists tasks newest first, optionally only some statuses, one orchestration or a tag; next_cursor continues ' +
        'the list. Use it to find task ids or to see what is still running.',
      inputSchema: listed(ListTasksInput),
      outputSchema: z.object({ tasks: z.array(TaskView), next_cursor: z.string().nullable() }),
      annotations: READ_ONLY,
    },
    guarded(logger, 'list_tasks', ListTasksInput, async (args) => {
      const page = await backend.listTasks(args);
      const summary = page.tasks.length === 0 ? 'No tasks match.' : page.tasks.map(taskLine).join('\n');
      return answer(summary, { tasks: page.tasks.map(taskView), next_cursor: page.next_cursor });
    }),
  );

  server.registerTool(
    'cancel_task',
    {
      title: 'Cancel a task',
      description:
        'Cancels a task: a waiting or queued task is cancelled at once; a running one is stopped (its status becomes ' +
        'cancelled shortly after). Tasks that depend on it are skipped unless their trigger rule says otherwise. ' +
        'A finished task cannot be cancelled.',
      inputSchema: listed(TaskIdInput),
      outputSchema: z.object({ task: TaskView }),
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    guarded(logger, 'cancel_task', TaskIdInput, async ({ task_id }) => {
      const task = await backend.cancelTask(task_id);
      const summary =
        task.status === 'cancelled'
          ? `Task ${task.id} is cancelled.`
          : `Task ${task.id} is being stopped; wait_for_task with task_id ${task.id} shows when it has ended.`;
      return answer(summary, { task: taskView(task) });
    }),
  );
}
