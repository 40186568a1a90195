/**
 * `GET /api/v1/tasks/:id/logs`: a task's human log (text) or JSONL transcript, whole, tailed, or followed as it grows
 * until the task has finished.
 */
import { open, stat } from 'node:fs/promises';
import { isTerminal } from '../../domain/state-machine.js';
import { followLogFile, readLogFile, tailLogFile } from '../../observability/task-log-files.js';
import type { App } from '../../app.js';
import type { LiveStreams } from '../live-streams.js';
import { defineRoute, type Route } from '../route-table.js';
import { LogsQuery, TaskIdPath } from '../wire-schemas.js';

const CONTENT_TYPES = {
  text: 'text/plain; charset=utf-8',
  jsonl: 'application/x-ndjson; charset=utf-8',
} as const;

/** Where the last `maxBytes` of a file start, moved forward to the next line start. */
async function tailOffset(path: string, maxBytes: number): Promise<number> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
  if (size <= maxBytes) return 0;
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(maxBytes);
    await handle.read(buffer, 0, maxBytes, size - maxBytes);
    const firstBreak = buffer.indexOf(0x0a);
    return firstBreak >= 0 ? size - maxBytes + firstBreak + 1 : size - maxBytes;
  } finally {
    await handle.close();
  }
}

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
        const path = query.format === 'jsonl' ? task.transcript_path : task.log_path;
        const contentType = CONTENT_TYPES[query.format];
        if (!query.follow || !path) {
          const text = query.tail_bytes ? await tailLogFile(path, query.tail_bytes) : await readLogFile(path);
          return reply.header('content-type', contentType).send(text);
        }
        const offset = query.tail_bytes ? await tailOffset(path, query.tail_bytes) : 0;
        // A clean end means "the task has finished"; a server going away must not look like that.
        const stream = streams.start(reply, { breakOnShutdown: true });
        // Finished is seen on one empty read; one more empty read lets the last lines written after the final
        // transition reach the file before the response ends.
        let finishedSeen = false;
        const shouldStop = async (): Promise<boolean> => {
          if (finishedSeen) return true;
          finishedSeen = isTerminal((await app.tasks.getTask(params.id)).status);
          return false;
        };
        followLogFile(
          path,
          offset,
          (chunk) => stream.write(chunk),
          shouldStop,
          stream.signal,
          followIntervalMs,
        ).then(
          () => stream.end(),
          (err: unknown) => {
            reply.log.error({ err, task_id: params.id }, 'following a task log failed');
            stream.fail(err instanceof Error ? err : new Error(String(err)));
          },
        );
        return stream.send(contentType);
      },
    }),
  ];
}
