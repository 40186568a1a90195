/**
 * Building the problem list of a workflow: places (`tasks[3].depends_on[0]`), zod problems under a prefix with
 * "did you mean" for misspelt field names, and file order for the final list. Internal to the workflow module.
 */
import type * as z from 'zod';
import { formatPath, zodIssues } from '../contract/zod-issues.js';
import { unknownFieldMessage } from '../contract/zod-messages.js';
import type { Issue } from '../domain/errors.js';

/** `place(['tasks', 3], 'depends_on[0]')` → `tasks[3].depends_on[0]`. */
export function place(prefix: readonly PropertyKey[], rest = ''): string {
  const head = formatPath(prefix);
  if (rest === '') return head;
  if (head === '') return rest;
  return rest.startsWith('[') ? head + rest : `${head}.${rest}`;
}

/**
 * Zod's problems placed under `prefix`; an unknown field names the field it probably meant, or, when listed in
 * `misplaced`, says where it belongs instead.
 */
export function zodProblems(
  error: z.ZodError,
  prefix: readonly PropertyKey[],
  knownFields: readonly string[],
  misplaced: Readonly<Record<string, string>> = {},
): Issue[] {
  const problems: Issue[] = [];
  const plain = zodIssues(error);
  error.issues.forEach((issue, i) => {
    const path = place(prefix, plain[i]?.path ?? '');
    if (issue.code !== 'unrecognized_keys') {
      problems.push({ path, message: plain[i]?.message ?? issue.message });
      return;
    }
    for (const key of issue.keys) {
      const belongs = Object.hasOwn(misplaced, key) ? misplaced[key] : undefined;
      if (belongs !== undefined) {
        problems.push({ path, message: `"${key}" ${belongs}` });
        continue;
      }
      problems.push({ path, message: unknownFieldMessage(key, knownFields) });
    }
  });
  return problems;
}

/** `"a", "b", "c" and 4 more`. */
export function listNames(names: readonly string[], shown = 5): string {
  const quoted = names.slice(0, shown).map((n) => `"${n}"`);
  if (names.length > shown) return `${quoted.join(', ')} and ${names.length - shown} more`;
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} and ${quoted[quoted.length - 1]}`;
}

function taskIndexOf(issue: Issue): number {
  const match = /^tasks\[(\d+)\]/.exec(issue.path);
  return match ? Number(match[1]) : -1;
}

/** File order: document-level problems first, then task by task; the order found is kept within a task. */
export function inFileOrder(issues: readonly Issue[]): Issue[] {
  return issues
    .map((issue, found) => ({ issue, found, task: taskIndexOf(issue) }))
    .sort((a, b) => a.task - b.task || a.found - b.found)
    .map((entry) => entry.issue);
}
