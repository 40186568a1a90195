/**
 * Builds the claude-worker MCP server around a backend: server instructions for the model, and the tools. The same
 * server runs over stdio (`claude-worker mcp`, stdio.ts) and over Streamable HTTP (`/mcp` on the REST server,
 * http.ts); transports are the callers' business.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { VERSION } from '../version.js';
import { stderrLogger, type Logger } from '../observability/logger.js';
import type { BackendMode, WorkerBackend } from './backend.js';
import { registerCreateTask } from './tools/create-task.js';
import { registerOrchestrationTools } from './tools/orchestration-tools.js';
import { registerTaskTools } from './tools/task-tools.js';
import { registerWaitForTask } from './tools/wait-for-task.js';

/** What a model should know about where tasks run, added to the descriptions of the tools that start or wait. */
export function modeNote(mode: BackendMode): string {
  if (mode === 'standalone') {
    return (
      'Standalone mode: tasks run inside this MCP server process; if it exits while tasks are running, they are ' +
      'interrupted and recovered (run again) the next time it, or a claude-worker server on the same home folder, starts.'
    );
  }
  return 'Tasks run in the claude-worker server, so they go on even if this MCP connection ends.';
}

const INSTRUCTIONS = `claude-worker runs Claude Code tasks in the background, durably, and keeps their results.
Delegate a self-contained piece of work with create_task (an absolute working_directory and a complete brief), then
wait_for_task and get_task_result. For several tasks with dependencies, stage each with create_task using the same
orchestration_group, a task_identifier and depends_on, then call submit_orchestration once; independent tasks run in
parallel. get_task_logs shows what a task did; cancel_task stops one.`;

export function createMcpServer(backend: WorkerBackend, logger: Logger = stderrLogger): McpServer {
  const server = new McpServer(
    { name: 'claude-worker', title: 'claude-worker', version: VERSION },
    { capabilities: { tools: {} }, instructions: INSTRUCTIONS },
  );
  const note = modeNote(backend.mode);
  registerCreateTask(server, backend, note, logger);
  registerWaitForTask(server, backend, note, logger);
  registerTaskTools(server, backend, logger);
  registerOrchestrationTools(server, backend, note, logger);
  return server;
}
