/**
 * Graph algorithms over tasks numbered 0..n-1, where `edges[v]` lists the tasks v depends on. Everything is
 * iterative (explicit stacks, no recursion) and O(V+E), so a 10,000-task file or a 10,000-deep chain cannot
 * overflow the call stack.
 */
import { ClaudeWorkerError } from '../domain/errors.js';

/**
 * Groups of tasks that depend on each other in a loop: Tarjan's strongly connected components with more than one
 * task (self-dependencies are reported separately by the validator and must not be in `edges`). Each group is sorted
 * by task number; groups are ordered by their smallest task number.
 */
export function dependencyLoops(edges: readonly (readonly number[])[]): number[][] {
  const n = edges.length;
  const order = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const nextEdge = new Int32Array(n);
  const stack: number[] = [];
  const path: number[] = [];
  const loops: number[][] = [];
  let counter = 0;

  const visit = (v: number): void => {
    order[v] = counter;
    low[v] = counter;
    counter += 1;
    stack.push(v);
    onStack[v] = 1;
    path.push(v);
  };

  for (let root = 0; root < n; root++) {
    if (order[root] !== -1) continue;
    visit(root);
    while (path.length > 0) {
      const v = path[path.length - 1] as number;
      const out = edges[v] as readonly number[];
      const i = nextEdge[v] as number;
      if (i < out.length) {
        nextEdge[v] = i + 1;
        const w = out[i] as number;
        if (order[w] === -1) visit(w);
        else if (onStack[w]) low[v] = Math.min(low[v] as number, order[w] as number);
        continue;
      }
      path.pop();
      const parent = path[path.length - 1];
      if (parent !== undefined) low[parent] = Math.min(low[parent] as number, low[v] as number);
      if (low[v] !== order[v]) continue;
      const component: number[] = [];
      let w: number;
      do {
        w = stack.pop() as number;
        onStack[w] = 0;
        component.push(w);
      } while (w !== v);
      if (component.length > 1) loops.push(component.sort((a, b) => a - b));
    }
  }
  return loops.sort((a, b) => (a[0] as number) - (b[0] as number));
}

/**
 * One shortest cycle through the smallest task of a loop, staying inside the loop: `[a, b, c, a]` means a depends
 * on b, b on c, c on a. Breadth-first, so the printed cycle is as short as the loop allows.
 */
export function cycleThrough(loop: readonly number[], edges: readonly (readonly number[])[]): number[] {
  const start = loop[0] as number;
  const inLoop = new Set(loop);
  const cameFrom = new Map<number, number>();
  const queue: number[] = [start];
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head] as number;
    for (const w of edges[v] as readonly number[]) {
      if (!inLoop.has(w)) continue;
      if (w === start) {
        const cycle = [start];
        for (let at: number | undefined = v; at !== undefined && at !== start; at = cameFrom.get(at))
          cycle.push(at);
        cycle.push(start);
        // Built backwards from the end; the first and last entries are both `start`.
        return [start, ...cycle.slice(1, -1).reverse(), start];
      }
      if (!cameFrom.has(w) && w !== start) {
        cameFrom.set(w, v);
        queue.push(w);
      }
    }
  }
  throw new ClaudeWorkerError(
    'internal',
    `tasks ${loop.join(', ')} were reported as a loop but form no cycle`,
  );
}
