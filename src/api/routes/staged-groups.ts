/**
 * Staged-group routes: stage a task in a group (one entry of a workflow document), read a group, submit it as one
 * orchestration. The MCP proxy reaches staged groups through these, so no process but the server opens the store.
 * Handlers call the staging service (src/engine/staging-service.ts); the graph is validated at submit.
 */
import type { App } from '../../app.js';
import {
  StagedGroupPath,
  StagedGroupSchema,
  StagedTaskSchema,
  StageTaskBody,
  SubmitStagedGroupBody,
} from '../../contract/staging-schemas.js';
import * as z from 'zod';
import { defineRoute, type ResponseDoc, type Route } from '../route-table.js';
import { OrchestrationDetailSchema } from '../wire-schemas.js';

const TAG = 'staged-groups';
const problem = (description: string): ResponseDoc => ({ description });

export function stagedGroupRoutes(app: App): Route[] {
  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/staged-groups/:group/tasks',
      tag: TAG,
      auth: true,
      summary: 'Stage a task in a group',
      description:
        'The body is one task of a workflow document (identifier, execution_prompt, working_directory, depends_on, initial_delay, trigger_rule, and any task field). Nothing runs until the group is submitted; the graph is checked then.',
      params: StagedGroupPath,
      body: StageTaskBody,
      bodyLabel: 'The staged task',
      responses: {
        201: {
          description: "The group's staged tasks, oldest first",
          schema: z.object({ group: z.string(), tasks: z.array(StagedTaskSchema) }),
        },
        400: problem('Invalid task: every problem is listed in `issues`'),
        409: problem('The identifier is staged already in this group, or the group was submitted'),
      },
      handler: async ({ params, request, actor, reply }) => {
        // Staged as sent (validated above): the whole document is validated again, as one graph, at submit.
        const tasks = await app.staging.stage(params.group, request.body as Record<string, unknown>, actor);
        reply.code(201);
        return { group: params.group, tasks };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/staged-groups/:group',
      tag: TAG,
      auth: true,
      summary: 'A staged group with its tasks',
      params: StagedGroupPath,
      responses: {
        200: { description: 'The group; orchestration_id once submitted', schema: StagedGroupSchema },
        404: problem('Nothing is staged in this group'),
      },
      handler: async ({ params }) => app.staging.get(params.group),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/staged-groups/:group/submit',
      tag: TAG,
      auth: true,
      summary: 'Submit a staged group as one orchestration',
      description:
        'Validates the staged tasks as one graph (problems name the staged identifiers) and creates the orchestration. A group is submitted once.',
      params: StagedGroupPath,
      body: SubmitStagedGroupBody,
      bodyLabel: 'The submit request',
      responses: {
        201: { description: 'The new orchestration with its tasks', schema: OrchestrationDetailSchema },
        400: problem(
          'The staged graph is invalid: every problem is listed in `issues`; nothing was submitted',
        ),
        404: problem('Nothing is staged in this group'),
        409: problem('The group was submitted already'),
      },
      handler: async ({ params, body, actor, reply }) => {
        const detail = await app.staging.submit(params.group, body, actor);
        reply.code(201).header('location', `/api/v1/orchestrations/${detail.id}`);
        return detail;
      },
    }),
  ];
}
