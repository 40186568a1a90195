/**
 * `create_task`: runs one task now, or, with `orchestration_group`, stages it as part of a dependency graph that
 * `submit_orchestration` later submits as a whole. The graph fields keep their MCP names here and become the
 * workflow-document fields (`task_identifier` → `identifier`, `wait_after_dependencies` → `initial_delay`) in the
 * staged entry, which the orchestration service validates at submit like any workflow.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import * as z from 'zod';
import { ClaudeWorkerError, type Issue } from '../../domain/errors.js';
import type { Logger } from '../../observability/logger.js';
import type { StagedTask } from '../../store/store.js';
import type { WorkerBackend } from '../backend.js';
import { CreateTaskToolInput } from '../tool-schemas.js';
import { TaskView, taskView } from '../views.js';
import { answer, guarded } from './answer.js';
import { listed } from '../tool-input.js';

const GRAPH_FIELDS = ['task_identifier', 'depends_on', 'wait_after_dependencies', 'trigger_rule'] as const;

const CreateTaskOutput = z.object({
  staged: z.boolean(),
  task: TaskView.nullable(),
  orchestration_group: z.string().nullable(),
  staged_tasks: z.array(z.object({ identifier: z.string(), depends_on: z.array(z.string()) })).nullable(),
  next_step: z.string(),
});

function stagedSummary(staged: StagedTask[]): { identifier: string; depends_on: string[] }[] {
  return staged.map((task) => {
    const deps = task.document['depends_on'];
    return { identifier: task.identifier, depends_on: Array.isArray(deps) ? deps.map(String) : [] };
  });
}

export function registerCreateTask(
  server: McpServer,
  backend: WorkerBackend,
  modeNote: string,
  logger: Logger,
): void {
  server.registerTool(
    'create_task',
    {
      title: 'Start or stage a Claude Code task',
      description:
        'Hands a self-contained piece of work to a background Claude Code session (claude-worker). Without ' +
        'orchestration_group the task is queued at once and the answer holds its task_id: follow it with ' +
        'wait_for_task, then read get_task_result. With orchestration_group the task is only STAGED, not run: give ' +
        'each task a task_identifier, list the ones it needs first in depends_on, stage every task of the graph under ' +
        'the same group, then call submit_orchestration with that group to start them all in dependency order. ' +
        `working_directory must be an absolute path to an existing folder. ${modeNote}`,
      inputSchema: listed(CreateTaskToolInput),
      outputSchema: CreateTaskOutput,
      annotations: {
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: false,
        openWorldHint: true,
      },
    },
    guarded(logger, 'create_task', CreateTaskToolInput, async (args) => {
      const {
        orchestration_group: group,
        task_identifier,
        depends_on,
        wait_after_dependencies,
        trigger_rule,
        ...fields
      } = args;
      if (group === undefined) {
        const misplaced: Issue[] = GRAPH_FIELDS.filter((field) => args[field] != null).map((field) => ({
          path: field,
          message:
            'only applies to a staged task; add orchestration_group (and task_identifier) to build a graph, or leave it out to run the task now',
        }));
        if (misplaced.length > 0) throw ClaudeWorkerError.validation(misplaced, 'The create_task call');
        const task = await backend.createTask(fields);
        const next = `Call wait_for_task with task_id ${task.id} to wait for it, then get_task_result.`;
        return answer(`Task ${task.id} is ${task.status} (model ${task.model}). ${next}`, {
          staged: false,
          task: taskView(task),
          orchestration_group: null,
          staged_tasks: null,
          next_step: next,
        });
      }
      if (task_identifier === undefined) {
        throw ClaudeWorkerError.validation(
          [
            {
              path: 'task_identifier',
              message:
                'is required with orchestration_group: name this task (such as "build") so other tasks can list it in depends_on',
            },
          ],
          'The create_task call',
        );
      }
      const entry: Record<string, unknown> = { identifier: task_identifier, ...fields };
      if (depends_on != null) entry['depends_on'] = depends_on;
      if (wait_after_dependencies !== undefined) entry['initial_delay'] = wait_after_dependencies;
      if (trigger_rule !== undefined) entry['trigger_rule'] = trigger_rule;
      const staged = await backend.stageTask(group, entry);
      const names = staged.map((task) => `"${task.identifier}"`).join(', ');
      const next =
        `Stage the remaining tasks of the graph with the same orchestration_group, then call submit_orchestration ` +
        `with orchestration_group "${group}". Nothing runs before that.`;
      return answer(
        `Staged task "${task_identifier}" in orchestration_group "${group}" (not started; ${staged.length} staged: ${names}). ${next}`,
        {
          staged: true,
          task: null,
          orchestration_group: group,
          staged_tasks: stagedSummary(staged),
          next_step: next,
        },
      );
    }),
  );
}
