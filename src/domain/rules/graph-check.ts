/**
 * The last check of a graph inside the transaction that inserts it (the workflow validation before it runs outside
 * that transaction and covers the rest, cycles included): identifiers used twice, dependencies on unknown
 * identifiers or on the task itself. `existing` are the orchestration's tasks already stored, by identifier.
 */
import type { Issue } from '../errors.js';

/**
 * What the caller's validation should have caught already (it runs outside this transaction): identifiers used
 * twice, dependencies on unknown identifiers or on the task itself. Cycles cannot be checked here cheaply.
 */
export function graphProblems(
  tasks: ReadonlyArray<{ identifier: string; depends_on: readonly string[] }>,
  existing: ReadonlyMap<string, unknown>,
): Issue[] {
  const problems: Issue[] = [];
  const seen = new Set<string>();
  tasks.forEach((task, i) => {
    if (seen.has(task.identifier) || existing.has(task.identifier)) {
      problems.push({ path: `tasks[${i}].identifier`, message: `"${task.identifier}" is used twice` });
    }
    seen.add(task.identifier);
  });
  const known = new Set([...seen, ...existing.keys()]);
  tasks.forEach((task, i) => {
    task.depends_on.forEach((dep, j) => {
      const path = `tasks[${i}].depends_on[${j}]`;
      if (dep === task.identifier) problems.push({ path, message: `"${dep}" depends on itself` });
      else if (!known.has(dep)) problems.push({ path, message: `unknown identifier "${dep}"` });
    });
  });
  return problems;
}
