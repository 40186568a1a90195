/**
 * Graph checks of a workflow: identifiers unique (inside the document and against an orchestration's existing
 * tasks), each dependency known (with a "did you mean"), not itself, not listed twice, and no dependency cycles
 * (each loop printed once as `a → b → c → a`). Adds problems to the context; internal to the workflow module.
 */
import { type CheckContext, isKnown, knownIdentifiers } from './entries.js';
import type { Issue } from '../domain/errors.js';
import { cycleThrough, dependencyLoops } from './graph.js';
import { listNames, place } from './issues.js';
import { didYouMean } from '../domain/did-you-mean.js';

/** Fills `ctx.firstIndex`; reports repeated identifiers and clashes with existing tasks. */
export function checkIdentifiers(ctx: CheckContext): void {
  for (const entry of ctx.entries) {
    const id = entry.identifier;
    if (id === null) continue;
    const path = place(['tasks', entry.index, 'identifier']);
    const first = ctx.firstIndex.get(id);
    if (ctx.existing.has(id)) {
      ctx.issues.push({
        path,
        message: `"${id}" already exists in this orchestration; choose another identifier`,
      });
    } else if (first !== undefined) {
      ctx.issues.push({
        path,
        message: `"${id}" is used twice (also tasks[${first}]); give each task its own identifier`,
      });
    } else {
      ctx.firstIndex.set(id, entry.index);
    }
  }
}

/** Unknown message for an identifier nobody has, with the closest known one. */
export function unknownIdentifier(ctx: CheckContext, id: string, askedBy: string | null): string {
  const guess = didYouMean(
    id,
    knownIdentifiers(ctx).filter((known) => known !== askedBy),
  );
  if (guess) return `unknown identifier "${id}"; did you mean "${guess}"?`;
  const scope = ctx.existing.size > 0 ? 'this orchestration' : 'this file';
  return `unknown identifier "${id}"; no task in ${scope} has it (identifiers are case-sensitive)`;
}

/**
 * Checks each `depends_on` entry. Returns, per task, the tasks of this document it depends on (by index, each
 * once, no self-edges): the graph for the cycle check and the plan.
 */
export function checkDependencies(ctx: CheckContext): number[][] {
  const edges: number[][] = ctx.entries.map(() => []);
  for (const entry of ctx.entries) {
    const seen = new Map<string, number>();
    const out = edges[entry.index] as number[];
    entry.dependsOn.forEach((dep, j) => {
      if (dep === null) return;
      const path = place(['tasks', entry.index, 'depends_on', j]);
      if (dep === entry.identifier) {
        ctx.issues.push({ path, message: selfDependencyMessage(dep) });
        return;
      }
      const earlier = seen.get(dep);
      if (earlier !== undefined) {
        ctx.issues.push({
          path,
          message: `"${dep}" is listed twice (also depends_on[${earlier}]); remove one`,
        });
        return;
      }
      seen.set(dep, j);
      const target = ctx.firstIndex.get(dep);
      if (target !== undefined) out.push(target);
      else if (!isKnown(ctx, dep))
        ctx.issues.push({ path, message: unknownIdentifier(ctx, dep, entry.identifier) });
    });
  }
  return edges;
}

/** Reports each loop of tasks that wait on each other once, with one cycle through it. */
export function checkCycles(ctx: CheckContext, edges: readonly (readonly number[])[]): void {
  for (const loop of dependencyLoops(edges)) {
    const cycle = cycleThrough(loop, edges);
    const names = cycle.map((i) => ctx.entries[i]?.identifier ?? `tasks[${i}]`);
    const shown = names.length > 21 ? [...names.slice(0, 10), '…', ...names.slice(-10)] : names;
    const size = names.length > 21 ? ` (${names.length - 1} tasks)` : '';
    const start = ctx.entries[cycle[0] as number];
    const next = names[1] as string;
    const entryIndex = start?.dependsOn.indexOf(next) ?? -1;
    const path = place(['tasks', cycle[0] as number, 'depends_on', ...(entryIndex >= 0 ? [entryIndex] : [])]);
    const onCycle = new Set(cycle);
    const others = loop
      .filter((i) => !onCycle.has(i))
      .map((i) => ctx.entries[i]?.identifier ?? `tasks[${i}]`);
    const also =
      others.length > 0
        ? `; ${listNames(others)} ${others.length === 1 ? 'is' : 'are'} caught in the same loop`
        : '';
    ctx.issues.push({
      path,
      message: `dependency cycle: ${shown.join(' → ')}${size} (each waits for the next, so none can start); remove one of these dependencies${also}`,
    });
  }
}

export function selfDependencyMessage(identifier: string): string {
  return `"${identifier}" depends on itself; remove it from its own depends_on`;
}

/**
 * A task that lists itself in `depends_on` can never start. Checked on its own where one task arrives at a time
 * (MCP `create_task` staging), so the mistake is refused when made rather than at submit. Pure.
 */
export function selfDependencyIssues(identifier: string, dependsOn: unknown): Issue[] {
  if (!Array.isArray(dependsOn)) return [];
  const issues: Issue[] = [];
  dependsOn.forEach((dep, j) => {
    if (dep === identifier)
      issues.push({ path: `depends_on[${j}]`, message: selfDependencyMessage(identifier) });
  });
  return issues;
}
