/**
 * Task routes: create, list, get (with attempts), cancel, retry, attempts and stored events of one task.
 * Handlers validate with the shared schemas, call the task service and shape the output; nothing more.
 */
import { requestTraceparent } from '../request-trace.js';
import {
  AttemptListSchema,
  EventListSchema,
  TaskEventsQuery,
  TaskIdPath,
  TaskWithAttemptsSchema,
} from '../wire-schemas.js';
import {
  CreateTaskInput,
  ListTasksQuery,
  RetryTaskInput,
  TaskListSchema,
  TaskSchema,
} from '../../contract/task-schemas.js';
import type { App } from '../../app.js';
import { defineRoute, type ResponseDoc, type Route } from '../route-table.js';

const TAG = 'tasks';
const problem = (description: string): ResponseDoc => ({ description });
const notFound = problem('No task has this id');

export function taskRoutes(app: App): Route[] {
  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/tasks',
      tag: TAG,
      auth: true,
      summary: 'Create a task',
      description:
        'Queues one prompt to run as a Claude Code session. Omitted fields take the configured defaults.',
      body: CreateTaskInput,
      bodyLabel: 'The task',
      responses: {
        201: { description: 'The new task (queued); Location names it', schema: TaskSchema },
        400: problem('Invalid task: every problem is listed in `issues`'),
      },
      handler: async ({ body, actor, reply, request }) => {
        const task = await app.tasks.createTask(body, actor, requestTraceparent(request));
        reply.code(201).header('location', `/api/v1/tasks/${task.id}`);
        return task;
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/tasks',
      tag: TAG,
      auth: true,
      summary: 'List tasks, newest first',
      description:
        'Filter by status (comma-separated), tag or orchestration; pass next_cursor as cursor for the next page.',
      query: ListTasksQuery,
      responses: { 200: { description: 'One page of tasks', schema: TaskListSchema } },
      handler: ({ query }) => app.tasks.listTasks(query),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/tasks/:id',
      tag: TAG,
      auth: true,
      summary: 'Get a task with its attempts',
      params: TaskIdPath,
      responses: { 200: { description: 'The task', schema: TaskWithAttemptsSchema }, 404: notFound },
      handler: async ({ params }) => {
        const task = await app.tasks.getTask(params.id);
        const attempts = await app.tasks.listAttempts(params.id);
        return { ...task, attempts };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/tasks/:id/cancel',
      tag: TAG,
      auth: true,
      summary: 'Cancel a task',
      description:
        'A waiting or queued task becomes cancelled at once; a running one gets cancel_requested and is stopped by its worker within seconds.',
      params: TaskIdPath,
      responses: {
        200: { description: 'The task after the request', schema: TaskSchema },
        404: notFound,
        409: problem('The task has already finished'),
      },
      handler: ({ params, actor }) => app.tasks.cancelTask(params.id, actor),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/tasks/:id/retry',
      tag: TAG,
      auth: true,
      summary: 'Run a failed, cancelled or skipped task again',
      description:
        "The body is optional: `model`, `permission_mode` and `timeout_seconds` given there replace the task's own from its next attempt, and the `task_retried` event records them as `changes`.",
      params: TaskIdPath,
      body: RetryTaskInput.optional(),
      bodyRequired: false,
      bodyLabel: 'The retry',
      responses: {
        200: { description: 'The task, queued again', schema: TaskSchema },
        400: problem('Invalid settings: every problem is listed in `issues`'),
        404: notFound,
        409: problem('The task is not failed, cancelled or skipped'),
      },
      handler: ({ params, body, actor }) => app.tasks.retryTask(params.id, actor, body ?? {}),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/tasks/:id/attempts',
      tag: TAG,
      auth: true,
      summary: 'List the attempts of a task',
      params: TaskIdPath,
      responses: {
        200: { description: 'Attempts, first to last', schema: AttemptListSchema },
        404: notFound,
      },
      handler: async ({ params }) => ({ attempts: await app.tasks.listAttempts(params.id) }),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/tasks/:id/events',
      tag: TAG,
      auth: true,
      summary: 'List the stored events of a task',
      params: TaskIdPath,
      query: TaskEventsQuery,
      responses: { 200: { description: 'Events, oldest first', schema: EventListSchema }, 404: notFound },
      handler: async ({ params, query }) => {
        await app.tasks.getTask(params.id);
        return { events: await app.tasks.listEvents({ ...query, task_id: params.id }) };
      },
    }),
  ];
}
