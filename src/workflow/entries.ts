/**
 * What the checks share: each task of a document as written (even when its schema check failed, so that graph
 * problems are still found), the defaults, the identifiers already in the orchestration, and the problem list.
 * Internal to the workflow module.
 */
import type { WorkflowDefaults, WorkflowTask } from '../contract/orchestration-schemas.js';
import type { Issue } from '../domain/errors.js';
import type { TaskStatus } from '../domain/vocabulary.js';

export interface TaskEntry {
  index: number;
  /** The task as written, or null when it is not an object. */
  raw: Record<string, unknown> | null;
  /** The task after its schema check, or null when that failed. */
  parsed: WorkflowTask | null;
  /** The identifier as written when it is non-empty text (valid or not), else null. */
  identifier: string | null;
  /** `depends_on` entries in their places; null where an entry is not text. */
  dependsOn: (string | null)[];
}

export interface CheckContext {
  entries: TaskEntry[];
  rawDefaults: Record<string, unknown>;
  /** The defaults after their schema check; null when that failed. */
  defaults: WorkflowDefaults | null;
  existing: ReadonlyMap<string, TaskStatus>;
  /** Identifier → index of the first task that has it. */
  firstIndex: Map<string, number>;
  issues: Issue[];
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The text a task has for `field`, its own or else from defaults, and where it came from. */
export function fieldText(
  ctx: CheckContext,
  entry: TaskEntry,
  field: 'execution_prompt' | 'working_directory',
): { text: string; fromDefaults: boolean } | null {
  const own = entry.raw?.[field];
  if (own !== undefined)
    return typeof own === 'string' && own.length > 0 ? { text: own, fromDefaults: false } : null;
  const inherited = ctx.rawDefaults[field];
  return typeof inherited === 'string' && inherited.length > 0
    ? { text: inherited, fromDefaults: true }
    : null;
}

/** All identifiers a dependency may name: this document's and the orchestration's existing ones. */
export function knownIdentifiers(ctx: CheckContext): string[] {
  return [...ctx.firstIndex.keys(), ...ctx.existing.keys()];
}

export function isKnown(ctx: CheckContext, identifier: string): boolean {
  return ctx.firstIndex.has(identifier) || ctx.existing.has(identifier);
}
