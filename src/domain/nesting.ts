/**
 * How deeply a JSON-like value nests. A workflow document needs a handful of levels (`tasks[3].env.NAME`); thousands
 * are a mistake or an attack, and recursive code (JSON.stringify among it) overflows its stack on them. Checked
 * without recursion. Pure.
 */

/** Levels any input may nest: objects and lists inside each other. */
export const MAX_NESTING_DEPTH = 64;

/** The place (`tasks[0][0]…`) of the first value nested deeper than `limit`, or null. */
export function tooDeepAt(value: unknown, limit = MAX_NESTING_DEPTH): string | null {
  const stack: { value: unknown; depth: number; path: string }[] = [{ value, depth: 0, path: '' }];
  while (stack.length > 0) {
    const { value: current, depth, path } = stack.pop() as { value: unknown; depth: number; path: string };
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= limit) return path === '' ? '(top)' : shorten(path);
    if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--)
        stack.push({ value: current[i], depth: depth + 1, path: `${path}[${i}]` });
    } else {
      const keys = Object.keys(current);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i] as string;
        stack.push({
          value: (current as Record<string, unknown>)[key],
          depth: depth + 1,
          path: path === '' ? key : `${path}.${key}`,
        });
      }
    }
  }
  return null;
}

function shorten(path: string): string {
  return path.length > 60 ? `${path.slice(0, 57)}…` : path;
}

/** The sentence for a too-deep input. */
export function tooDeepMessage(at: string, limit = MAX_NESTING_DEPTH): string {
  return `nested more than ${limit} levels deep (at ${at}); an orchestration or task needs only a few levels of objects and lists`;
}
