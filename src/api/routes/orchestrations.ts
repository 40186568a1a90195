/**
 * Orchestration routes: create (the whole workflow document in one transaction), validate (a dry run: the plan as
 * data and text, nothing created), list, get with its tasks, cancel, and add tasks to an existing one. Handlers pass
 * the document to the orchestration service unparsed, because its validation reports every problem at once; they
 * parse only ids and query strings themselves.
 */
import type { App } from '../../app.js';
import { formatPlan } from '../../workflow/format-plan.js';
import { defineRoute, type ResponseDoc, type Route } from '../route-table.js';
import {
  AddOrchestrationTasksBody,
  ListOrchestrationsQuery,
  OrchestrationBody,
  OrchestrationDetailSchema,
  OrchestrationIdPath,
  OrchestrationListSchema,
  OrchestrationValidationSchema,
} from '../wire-schemas.js';

const TAG = 'orchestrations';
const problem = (description: string): ResponseDoc => ({ description });
const notFound = problem('No orchestration has this id');
const invalid = problem(
  'Invalid document: every problem is listed in `issues` (place and fix), and nothing is created',
);

export function orchestrationRoutes(app: App): Route[] {
  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/orchestrations',
      tag: TAG,
      auth: true,
      summary: 'Create an orchestration',
      description:
        'Validates the document (identifiers, dependencies, cycles, result references, directories) and creates the orchestration with all its tasks in one transaction. Tasks without dependencies are queued at once (after their initial_delay); the rest wait.',
      body: OrchestrationBody,
      responses: {
        201: {
          description: 'The new orchestration with its tasks; Location names it',
          schema: OrchestrationDetailSchema,
        },
        400: invalid,
      },
      handler: async ({ body, actor, reply }) => {
        const detail = await app.orchestrations.create(body, actor);
        reply.code(201).header('location', `/api/v1/orchestrations/${detail.id}`);
        return detail;
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/orchestrations/validate',
      tag: TAG,
      auth: true,
      summary: 'Validate an orchestration without creating it',
      description:
        'A dry run: the same checks as creating, then the plan (levels that run in parallel, critical path, delays) as JSON and as the text `claude-worker orchestrate --dry-run` prints.',
      body: OrchestrationBody,
      responses: {
        200: { description: 'The document is valid; its plan', schema: OrchestrationValidationSchema },
        400: invalid,
      },
      handler: async ({ body }) => {
        const plan = await app.orchestrations.plan(body);
        return { valid: true, plan, text: formatPlan(plan) };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/orchestrations',
      tag: TAG,
      auth: true,
      summary: 'List orchestrations, newest first',
      description:
        'Filter by status (comma-separated: pending, running, completed, failed, cancelled); pass next_cursor as cursor for the next page.',
      query: ListOrchestrationsQuery,
      responses: {
        200: {
          description: 'One page of orchestrations (without their tasks)',
          schema: OrchestrationListSchema,
        },
      },
      handler: ({ query }) => app.orchestrations.list(query),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/orchestrations/:id',
      tag: TAG,
      auth: true,
      summary: 'Get an orchestration with its tasks',
      description:
        'Its derived status, counts per task status, total cost, and every task with the identifiers it depends on.',
      params: OrchestrationIdPath,
      responses: {
        200: { description: 'The orchestration', schema: OrchestrationDetailSchema },
        404: notFound,
      },
      handler: ({ params }) => app.orchestrations.get(params.id),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/orchestrations/:id/cancel',
      tag: TAG,
      auth: true,
      summary: 'Cancel an orchestration',
      description:
        'Waiting and queued tasks become cancelled at once; running ones get cancel_requested and are stopped by their worker within seconds. Nothing new starts.',
      params: OrchestrationIdPath,
      responses: {
        200: { description: 'The orchestration after the request', schema: OrchestrationDetailSchema },
        404: notFound,
        409: problem('The orchestration has already finished'),
      },
      handler: ({ params, actor }) => app.orchestrations.cancel(params.id, actor),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/orchestrations/:id/tasks',
      tag: TAG,
      auth: true,
      summary: 'Add tasks to an orchestration',
      description:
        'The body is `{ tasks, defaults? }` as in a document. New tasks are validated against the existing graph and may depend on its tasks, finished ones too (their trigger rules apply at once).',
      params: OrchestrationIdPath,
      body: AddOrchestrationTasksBody,
      responses: {
        200: { description: 'The orchestration with the new tasks', schema: OrchestrationDetailSchema },
        400: invalid,
        404: notFound,
        409: problem('The orchestration was cancelled'),
      },
      handler: ({ params, body, actor }) => app.orchestrations.addTasks(params.id, body, actor),
    }),
  ];
}
