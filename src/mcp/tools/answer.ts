/**
 * How a tool answers: structured content plus the same data as text (a one-line summary a model reads first, then
 * the JSON), and how a failure becomes a tool error (`isError`) whose text says which field is wrong and how to fix
 * it. ClaudeWorkerError messages already say that; this adds the problem list and MCP's own way to find ids.
 */
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { CallToolResult, ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import type * as z from 'zod';
import { parseOrThrow } from '../../contract/zod-issues.js';
import { isClaudeWorkerError } from '../../domain/errors.js';
import type { Logger } from '../../observability/logger.js';

export type ToolExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** A successful answer. `structured` must match the tool's output schema. */
export function answer(summary: string, structured: Record<string, unknown>): CallToolResult {
  return {
    content: [{ type: 'text', text: `${summary}\n\n${JSON.stringify(structured, null, 2)}` }],
    structuredContent: structured,
  };
}

/** The text of a tool error: what happened, every problem with its place, what to do next. */
export function errorText(err: unknown): string {
  if (!isClaudeWorkerError(err)) {
    const message = err instanceof Error ? err.message : String(err);
    return `Unexpected error in claude-worker: ${message}. This is a bug (the MCP server's log has the details); please report it.`;
  }
  let text = err.message.replace(
    'List them with `claude-worker list`.',
    'list_tasks (or list_orchestrations) shows the existing ids.',
  );
  for (const issue of err.issues) {
    if (!text.includes(issue.message)) text += `\n  - ${issue.path ? `${issue.path}: ` : ''}${issue.message}`;
  }
  return `${text}\n(error code: ${err.code})`;
}

/**
 * Runs a tool handler on its arguments parsed with the tool's strict schema; any failure (bad arguments included)
 * becomes a tool error the model can act on. Unexpected ones are logged.
 */
export function guarded<S extends z.ZodType>(
  logger: Logger,
  tool: string,
  schema: S,
  handler: (args: z.output<S>, extra: ToolExtra) => Promise<CallToolResult>,
): (args: unknown, extra: ToolExtra) => Promise<CallToolResult> {
  return async (args, extra) => {
    try {
      return await handler(parseOrThrow(schema, args ?? {}, `The ${tool} call`), extra);
    } catch (err) {
      if (!isClaudeWorkerError(err) || err.code === 'internal') {
        logger.error(
          { tool, err: err instanceof Error ? (err.stack ?? err.message) : String(err) },
          'MCP tool failed',
        );
      }
      return { content: [{ type: 'text', text: errorText(err) }], isError: true };
    }
  };
}
