/**
 * The graph tools: `submit_orchestration` (a staged group, or a whole workflow document at once),
 * `get_orchestration_status` and `list_orchestrations`. Validation of the graph (unknown dependencies, cycles,
 * directories) is the orchestration service's, reported in one tool error listing every problem.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import * as z from 'zod';
import { ClaudeWorkerError } from '../../domain/errors.js';
import type { Orchestration, OrchestrationDetail } from '../../domain/vocabulary.js';
import type { Logger } from '../../observability/logger.js';
import type { WorkerBackend } from '../backend.js';
import { ListOrchestrationsInput, OrchestrationIdInput, SubmitOrchestrationInput } from '../tool-schemas.js';
import { OrchestrationDetailView, orchestrationDetailView, OrchestrationView, taskLine } from '../views.js';
import { answer, guarded } from './answer.js';
import { listed } from '../tool-input.js';

const SubmitOutput = z.object({
  orchestration: OrchestrationDetailView,
  task_ids: z.record(z.string(), z.number()),
  next_step: z.string(),
});

function orchestrationLine(o: Orchestration): string {
  const counts = Object.entries(o.counts)
    .filter(([, n]) => n > 0)
    .map(([status, n]) => `${n} ${status}`)
    .join(', ');
  const name = o.name ? ` "${o.name}"` : '';
  const reason = o.status_reason ? ` (${o.status_reason})` : '';
  return `orchestration ${o.id}${name}: ${o.status}${reason}; ${o.task_count} tasks (${counts}); $${o.cost_usd.toFixed(4)}`;
}

function detailSummary(detail: OrchestrationDetail): string {
  return [orchestrationLine(detail), ...detail.tasks.map((t) => `  ${taskLine(t)}`)].join('\n');
}

export function registerOrchestrationTools(
  server: McpServer,
  backend: WorkerBackend,
  modeNote: string,
  logger: Logger,
): void {
  server.registerTool(
    'submit_orchestration',
    {
      title: 'Submit a dependency graph of tasks',
      description:
        'Starts an orchestration: either the tasks staged with create_task under orchestration_group, or a whole ' +
        'workflow document given in "workflow" (pass one of the two). The whole graph is checked first (unknown ' +
        'depends_on, cycles, directories); on a problem nothing starts and the error lists every problem. Tasks ' +
        'without dependencies start at once; the others start when their dependencies have finished. A group is ' +
        'submitted once. Returns the orchestration with the task_id of every identifier: wait for the last ones with ' +
        `wait_for_task, or follow all with get_orchestration_status. ${modeNote}`,
      inputSchema: listed(SubmitOrchestrationInput),
      outputSchema: SubmitOutput,
      annotations: {
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: false,
        openWorldHint: true,
      },
    },
    guarded(
      logger,
      'submit_orchestration',
      SubmitOrchestrationInput,
      async ({ orchestration_group: group, workflow, ...settings }) => {
        if ((group === undefined) === (workflow === undefined)) {
          throw ClaudeWorkerError.validation(
            [
              {
                path: 'orchestration_group',
                message:
                  'pass either orchestration_group (a staged group) or workflow (a whole document), not both and not neither',
              },
            ],
            'The submit_orchestration call',
          );
        }
        let detail: OrchestrationDetail;
        if (group !== undefined) detail = await backend.submitGroup(group, settings);
        else {
          const extra = Object.entries(settings).filter(([, value]) => value !== undefined);
          if (extra.length > 0) {
            throw ClaudeWorkerError.validation(
              extra.map(([field]) => ({
                path: field,
                message: `with workflow, set ${field} inside the document`,
              })),
              'The submit_orchestration call',
            );
          }
          detail = await backend.createOrchestration(workflow);
        }
        const task_ids = Object.fromEntries(detail.tasks.map((t) => [t.identifier ?? String(t.id), t.id]));
        const dependedOn = new Set(detail.tasks.flatMap((t) => t.depends_on));
        const last = detail.tasks.filter((t) => !dependedOn.has(t.identifier ?? '')).map((t) => t.id);
        const next =
          `Call wait_for_task with task_id ${last.join(' or ')} (the tasks nothing depends on), or ` +
          `get_orchestration_status with orchestration_id ${detail.id}.`;
        return answer(`Submitted ${detailSummary(detail)}\n${next}`, {
          orchestration: orchestrationDetailView(detail),
          task_ids,
          next_step: next,
        });
      },
    ),
  );

  server.registerTool(
    'get_orchestration_status',
    {
      title: 'Status of an orchestration',
      description:
        'Returns an orchestration (pending, running, completed, failed or cancelled), its counts per task status, ' +
        'total cost, and each task with its status and what it depends on. Results are read per task with ' +
        'get_task_result.',
      inputSchema: listed(OrchestrationIdInput),
      outputSchema: z.object({ orchestration: OrchestrationDetailView }),
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    guarded(logger, 'get_orchestration_status', OrchestrationIdInput, async ({ orchestration_id }) => {
      const detail = await backend.getOrchestration(orchestration_id);
      return answer(detailSummary(detail), { orchestration: orchestrationDetailView(detail) });
    }),
  );

  server.registerTool(
    'list_orchestrations',
    {
      title: 'List orchestrations',
      description:
        'Lists orchestrations newest first (optionally only some statuses) with their status, task counts and cost; ' +
        'next_cursor continues the list.',
      inputSchema: listed(ListOrchestrationsInput),
      outputSchema: z.object({
        orchestrations: z.array(OrchestrationView),
        next_cursor: z.string().nullable(),
      }),
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    guarded(logger, 'list_orchestrations', ListOrchestrationsInput, async (args) => {
      const page = await backend.listOrchestrations(args);
      const summary =
        page.orchestrations.length === 0
          ? 'No orchestrations match.'
          : page.orchestrations.map(orchestrationLine).join('\n');
      return answer(summary, {
        orchestrations: page.orchestrations.map((o) => OrchestrationView.parse(o)),
        next_cursor: page.next_cursor,
      });
    }),
  );
}
