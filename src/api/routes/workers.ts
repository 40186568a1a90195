/**
 * `GET /api/v1/workers`: every worker node that registered in the store (this server's own worker, `claude-worker
 * worker` processes on this or other machines), alive or gone, with its labels and running tasks.
 */
import type { App } from '../../app.js';
import { ListWorkersQuery, WorkerListSchema } from '../../contract/worker-schemas.js';
import { defineRoute, type Route } from '../route-table.js';

export function workerRoutes(app: App): Route[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/workers',
      tag: 'workers',
      auth: true,
      summary: 'Worker nodes',
      description:
        'Every worker that registered in the store, oldest first: host, pid, labels, concurrency, running tasks, ' +
        'version, start and last heartbeat. `status` is `alive` while its heartbeat is within the lease window ' +
        '(`lease_seconds`) and it has not stopped, else `gone`; a gone worker stays listed until pruned.',
      query: ListWorkersQuery,
      responses: { 200: { description: 'The workers', schema: WorkerListSchema } },
      handler: async () => ({ workers: await app.tasks.listWorkers() }),
    }),
  ];
}
