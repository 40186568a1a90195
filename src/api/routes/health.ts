/**
 * `GET /health` (no token: liveness, used by the CLI to find a running server) and `GET /health/detailed` (token:
 * counts by status, worker, uptime, where the database is).
 */
import type { App } from '../../app.js';
import type { LiveStreams } from '../live-streams.js';
import { defineRoute, type Route } from '../route-table.js';
import { VERSION } from '../version.js';
import { HealthDetailedSchema, HealthSchema, type Health, type HealthDetailed } from '../wire-schemas.js';

function workerStatus(app: App): HealthDetailed['worker'] {
  if (!app.engine) {
    return {
      running: false,
      state: 'none',
      worker_id: null,
      concurrency: app.config.concurrency,
      running_tasks: 0,
    };
  }
  const stats = app.engine.stats();
  return {
    running: stats.state === 'running',
    state: stats.state,
    worker_id: stats.worker_id,
    concurrency: stats.concurrency,
    running_tasks: stats.running,
  };
}

/** What `/health/detailed` answers (the System view reads it through `/api/v1/system` too). */
export async function detailedHealth(
  app: App,
  streams: LiveStreams,
  startedAt: Date,
): Promise<HealthDetailed> {
  const memory = app.engine?.stats().memory;
  return {
    status: 'ok',
    version: VERSION,
    pid: process.pid,
    started_at: startedAt.toISOString(),
    uptime_seconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
    home: app.paths.home,
    database: app.storeLocation,
    counts: await app.store.countByStatus(),
    worker: workerStatus(app),
    admission: {
      available_memory_mb: memory?.available_mb ?? null,
      blocked: memory?.admission_blocked ?? null,
    },
    models: await app.store.listModelGates(),
    live_streams: streams.open,
  };
}

export function healthRoutes(app: App, streams: LiveStreams, startedAt: Date): Route[] {
  const health = (): Health => ({ status: 'ok', version: VERSION, pid: process.pid });
  return [
    defineRoute({
      method: 'GET',
      url: '/health',
      tag: 'health',
      auth: false,
      summary: 'Liveness',
      responses: { 200: { description: 'The server answers', schema: HealthSchema } },
      handler: async () => health(),
    }),
    defineRoute({
      method: 'GET',
      url: '/health/detailed',
      tag: 'health',
      auth: true,
      summary: 'Status of the server, its worker and its database',
      responses: { 200: { description: 'Details', schema: HealthDetailedSchema } },
      handler: () => detailedHealth(app, streams, startedAt),
    }),
  ];
}
