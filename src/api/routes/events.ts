/**
 * Event routes: stored events as JSON (`GET /api/v1/events`), and the live stream as Server-Sent Events
 * (`GET /api/v1/events/stream`): stored transitions carry `id:` (their stored id) so a reconnecting client's
 * Last-Event-ID replays what it missed from the store; `task_progress` lines are live only.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { App } from '../../app.js';
import type { LiveEvent } from '../../engine/event-bus.js';
import type { TaskEvent } from '../../domain/vocabulary.js';
import type { LiveStream, LiveStreams } from '../live-streams.js';
import { defineRoute, type Route } from '../route-table.js';
import { EventListSchema, EventStreamQuery, EventsQuery } from '../wire-schemas.js';

const REPLAY_PAGE = 500;

function frame(event: LiveEvent): string {
  const data = JSON.stringify(event);
  return 'id' in event
    ? `id: ${event.id}\nevent: ${event.type}\ndata: ${data}\n\n`
    : `event: ${event.type}\ndata: ${data}\n\n`;
}

function lastEventId(header: string | string[] | undefined, afterId: number | undefined): number | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (value !== undefined && /^\d+$/.test(value.trim())) return Number(value.trim());
  return afterId ?? null;
}

interface StreamOptions {
  taskId: number | undefined;
  afterId: number | null;
  heartbeatMs: number;
  log: FastifyBaseLogger;
}

/** Subscribes first, then replays from the store, then sends what arrived meanwhile, skipping what was replayed. */
async function pumpEvents(app: App, stream: LiveStream, options: StreamOptions): Promise<void> {
  const { taskId, afterId } = options;
  let replaying = afterId !== null;
  const held: LiveEvent[] = [];
  const unsubscribe = app.bus.subscribe((event) => {
    if (taskId !== undefined && event.task_id !== taskId) return;
    if (replaying) held.push(event);
    else stream.write(frame(event));
  });
  const heartbeat = setInterval(() => stream.write(': heartbeat\n\n'), options.heartbeatMs);
  const stop = (): void => {
    unsubscribe();
    clearInterval(heartbeat);
  };
  stream.signal.addEventListener('abort', stop, { once: true });
  if (stream.signal.aborted) stop();
  // `retry:` tells EventSource how soon to reconnect; writing at once also sends the headers.
  stream.write('retry: 2000\n\n');
  if (afterId === null) return;
  let replayedUpTo = afterId;
  try {
    for (;;) {
      const page: TaskEvent[] = await app.tasks.listEvents({
        after_id: replayedUpTo,
        task_id: taskId,
        limit: REPLAY_PAGE,
      });
      for (const event of page) {
        stream.write(frame(event));
        replayedUpTo = event.id;
      }
      if (page.length < REPLAY_PAGE || stream.signal.aborted) break;
    }
  } catch (err) {
    options.log.error({ err }, 'replaying stored events failed');
    stream.fail(err instanceof Error ? err : new Error(String(err)));
    return;
  }
  replaying = false;
  for (const event of held.splice(0)) {
    if ('id' in event && event.id <= replayedUpTo) continue;
    stream.write(frame(event));
  }
}

export function eventRoutes(app: App, streams: LiveStreams, heartbeatMs: number): Route[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/events',
      tag: 'events',
      auth: true,
      summary: 'List stored events, oldest first',
      description: 'Pass the last id you saw as after_id to continue.',
      query: EventsQuery,
      responses: { 200: { description: 'Events', schema: EventListSchema } },
      handler: async ({ query }) => ({ events: await app.tasks.listEvents(query) }),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/events/stream',
      tag: 'events',
      auth: true,
      summary: 'Live events (Server-Sent Events)',
      description:
        'Each event has `event: <type>` and `data: <JSON>`. Stored transitions (task_created, task_claimed, task_completed, …) carry `id:`; send it back as Last-Event-ID (or after_id) to replay what you missed. task_progress events (one per Claude Code step) are live only. A comment line is sent every 15 s.',
      query: EventStreamQuery,
      responses: { 200: { description: 'An endless text/event-stream', contentType: 'text/event-stream' } },
      handler: async ({ query, request, reply }) => {
        const stream = streams.start(reply);
        const afterId = lastEventId(request.headers['last-event-id'], query.after_id);
        pumpEvents(app, stream, { taskId: query.task_id, afterId, heartbeatMs, log: request.log }).catch(
          (err: unknown) => {
            request.log.error({ err }, 'event stream failed');
            stream.fail(err instanceof Error ? err : new Error(String(err)));
          },
        );
        return stream.send('text/event-stream; charset=utf-8');
      },
    }),
  ];
}
