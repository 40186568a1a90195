/**
 * Working-directory checks. A file may use relative directories: they are resolved against the file's folder
 * (`baseDir`), so a workflow next to its project runs from anywhere. Input without a file (REST, MCP) has no folder
 * to resolve against and must use absolute paths. `~` is not expanded (no shell is involved). Each distinct
 * directory is checked once by the caller's `directoryProblem` (exists, readable, under the allowed roots). A folder
 * used only by tasks with `runs_on` labels lives on the labelled workers' machines, not necessarily here: it is
 * checked with `remote` set (the claiming worker checks that it exists).
 * Internal to the workflow module.
 */
import { isAbsolute, resolve } from 'node:path';
import { type CheckContext, type TaskEntry, fieldText } from './entries.js';
import { listNames, place } from './issues.js';

/** At most this many directory checks run at once. */
const PARALLEL_CHECKS = 16;

/** Resolves each task's working directory; returns index → absolute path (only for tasks whose path is usable). */
export async function checkDirectories(
  ctx: CheckContext,
  baseDir: string | undefined,
  directoryProblem: (dir: string, remote: boolean) => Promise<string | null>,
): Promise<Map<number, string>> {
  const resolved = new Map<number, string>();
  const usedBy = new Map<string, { path: string; written: string; tasks: string[]; remote: boolean }>();
  const reported = new Set<string>();

  for (const entry of ctx.entries) {
    const dir = fieldText(ctx, entry, 'working_directory');
    if (!dir) continue;
    const path = dir.fromDefaults
      ? 'defaults.working_directory'
      : place(['tasks', entry.index, 'working_directory']);
    const problem = pathProblem(dir.text, baseDir);
    if (problem) {
      if (!reported.has(path)) ctx.issues.push({ path, message: problem });
      reported.add(path);
      continue;
    }
    const absolute = resolve(baseDir ?? '/', dir.text);
    resolved.set(entry.index, absolute);
    const use = usedBy.get(absolute) ?? { path, written: dir.text, tasks: [], remote: true };
    use.tasks.push(entry.identifier ?? `tasks[${entry.index}]`);
    use.remote &&= hasRunsOn(ctx, entry);
    usedBy.set(absolute, use);
  }

  const distinct = [...usedBy.entries()];
  const problems = await mapLimit(distinct, PARALLEL_CHECKS, ([dir, use]) =>
    directoryProblem(dir, use.remote),
  );
  distinct.forEach(([dir, use], i) => {
    const problem = problems[i];
    if (!problem) return;
    const resolvedNote = use.written === dir ? '' : `"${use.written}" resolves to "${dir}": `;
    const users = use.tasks.length > 1 ? ` (used by ${use.tasks.length} tasks: ${listNames(use.tasks)})` : '';
    ctx.issues.push({ path: use.path, message: `${resolvedNote}${problem}${users}` });
  });
  return resolved;
}

/** Whether the task carries `runs_on` labels (its own list, else the one in defaults). */
function hasRunsOn(ctx: CheckContext, entry: TaskEntry): boolean {
  const own = entry.raw?.['runs_on'];
  const labels = own !== undefined ? own : ctx.rawDefaults['runs_on'];
  return Array.isArray(labels) && labels.length > 0;
}

function pathProblem(dir: string, baseDir: string | undefined): string | null {
  if (dir.startsWith('~')) {
    return `"${dir}": ~ is not expanded; write the full path${baseDir ? ', or a path relative to the workflow file' : ''}`;
  }
  if (!isAbsolute(dir) && baseDir === undefined) {
    return `must be an absolute path, got "${dir}"; relative paths are only accepted in workflow files, where they are resolved against the file's folder`;
  }
  return null;
}

async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  run: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await run(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}
