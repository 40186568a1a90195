/**
 * Turns zod's issues into our `Issue` list (`tasks[3].depends_on[0]: …`), so every edge reports problems the same way.
 * The messages themselves are ours (zod-messages.ts installs them for every parse).
 */
import type * as z from 'zod';
import { ClaudeWorkerError, type Issue } from '../domain/errors.js';
import './zod-messages.js';

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

export function zodIssues(error: z.ZodError): Issue[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
}

/** Parses `input` or throws a validation error listing every problem. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, what?: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw ClaudeWorkerError.validation(zodIssues(parsed.error), what);
}
