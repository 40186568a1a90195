/**
 * Tool input validated in our words. The MCP SDK validates arguments against a tool's `inputSchema` itself and
 * reports failures in its own wording ("MCP error -32602: Input validation error: Invalid arguments for tool …").
 * So the SDK gets a schema that lists the strict one's JSON Schema (what clients see is unchanged) but accepts any
 * object, and each handler parses with the strict schema (`guarded` in answer.ts), whose problems read like every
 * other validation error of claude-worker.
 */
import { toJsonSchemaCompat } from '@modelcontextprotocol/sdk/server/zod-json-schema-compat.js';
import * as z from 'zod';

/** The schema to register as `inputSchema`: documents `strict`, accepts any object (the handler checks). */
export function listed(strict: z.ZodObject): z.ZodObject {
  const json = toJsonSchemaCompat(
    strict as never,
    {
      strictUnions: true,
      pipeStrategy: 'input',
    } as never,
  ) as Record<string, unknown>;
  const { $schema: _draft, ...documented } = json;
  return z.looseObject({}).meta(documented);
}
