/**
 * `GET /api/v1/tasks/:id/logs`: a task's human log (text) or JSONL transcript, whole, tailed, or followed as it grows
 * until the task has finished — read from the database, so any API node serves any task's output.
 */
import type { App } from '../../app.js';
import type { LiveStreams } from '../live-streams.js';
import { defineRoute, type Route } from '../route-table.js';
import { LogsQuery, TaskIdPath } from '../wire-schemas.js';

const CONTENT_TYPES = {
  text: 'text/plain; charset=utf-8',
  jsonl: 'application/x-ndjson; charset=utf-8',
} as const;

export function logRoutes(app: App, streams: LiveStreams, followIntervalMs: number): Route[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/tasks/:id/logs',
      tag: 'tasks',
      auth: true,
      summary: "Read or follow a task's log",
      description:
        'format=text is the human log (one line per step), format=jsonl the raw transcript. tail_bytes limits the answer to the end of the file. follow=true keeps the response open and streams new lines until the task has finished.',
      params: TaskIdPath,
      query: LogsQuery,
      responses: {
        200: {
          description: 'The log text (text/plain) or transcript (application/x-ndjson)',
          contentType: 'text/plain',
        },
        404: { description: 'No task has this id' },
      },
      handler: async ({ params, query, reply }) => {
        const task = await app.tasks.getTask(params.id);
        const stream = query.format === 'jsonl' ? 'transcript' : 'log';
        const contentType = CONTENT_TYPES[query.format];
        if (!query.follow) {
          return reply
            .header('content-type', contentType)
            .send(await app.outputReader.read(task, stream, query.tail_bytes));
        }
        // A clean end means "the task has finished"; a server going away must not look like that.
        const live = streams.start(reply, { breakOnShutdown: true });
        app.outputReader
          .follow(task, stream, (text) => live.write(text), live.signal, {
            tailBytes: query.tail_bytes,
            intervalMs: followIntervalMs,
          })
          .then(
            () => live.end(),
            (err: unknown) => {
              reply.log.error({ err, task_id: params.id }, 'following a task log failed');
              live.fail(err instanceof Error ? err : new Error(String(err)));
            },
          );
        return live.send(contentType);
      },
    }),
  ];
}
