/**
 * Where a problem is in the text of a workflow: a validator's place (`tasks[3].depends_on[0]`) becomes the 1-based
 * line and column of that node in the YAML or JSON source (JSON is read by the yaml library too, which keeps every
 * node's range). A place that does not exist in the text (a missing field) points at the nearest enclosing node;
 * an unknown field named in the message points at its key. Also reads the graph (tasks, edges) as far as the text
 * allows, for the editor's live preview of a document that is not valid yet. Pure.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';

export interface Position {
  line: number;
  column: number;
}

/** `tasks[3].depends_on[0]` → ['tasks', 3, 'depends_on', 0]. */
export function pathSegments(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const match of path.matchAll(/\[(\d+)\]|([^.[\]]+)/g)) {
    if (match[1] !== undefined) out.push(Number(match[1]));
    else if (match[2] !== undefined) out.push(match[2]);
  }
  return out;
}

export class SourceMap {
  private readonly counter = new LineCounter();
  private readonly doc: Document.Parsed;

  /** `text` must already have been parsed successfully (the caller reports syntax errors itself). */
  constructor(text: string) {
    this.doc = parseDocument(text, { lineCounter: this.counter, merge: true });
  }

  private at(offset: number): Position {
    const { line, col } = this.counter.linePos(offset);
    return { line, column: col };
  }

  /** The node at `path`, or the deepest one that exists on the way. */
  private nodeAt(path: readonly (string | number)[]): { node: Node | null; rest: (string | number)[] } {
    let node: Node | null = (this.doc.contents as Node | null) ?? null;
    for (let i = 0; i < path.length; i++) {
      const key = path[i] as string | number;
      let next: unknown;
      if (isMap(node)) next = node.get(key, true);
      else if (isSeq(node) && typeof key === 'number') next = node.get(key, true);
      if (next === undefined || next === null || typeof next !== 'object') {
        return { node, rest: path.slice(i) as (string | number)[] };
      }
      node = next as Node;
    }
    return { node, rest: [] };
  }

  /** The position of a validator's place; `message` may name an unknown field ("unknown field "x"") to point at. */
  positionOf(path: string, message = ''): Position {
    const { node } = this.nodeAt(pathSegments(path));
    if (!node) return { line: 1, column: 1 };
    const field = /^(?:unknown field )?"([^"]+)"/.exec(message)?.[1];
    if (field !== undefined && isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === field);
      const keyRange = isScalar(pair?.key) ? pair.key.range : undefined;
      if (keyRange) return this.at(keyRange[0]);
    }
    const range = node.range;
    return range ? this.at(range[0]) : { line: 1, column: 1 };
  }

  /** The line of `tasks[i]` in the text (1 when it cannot be found). */
  taskLine(index: number): number {
    return this.positionOf(`tasks[${index}]`).line;
  }
}

/** Line and column written into a parser's message (`at line 3, column 7`), else the start. */
export function positionInMessage(message: string): Position {
  const match = /line (\d+), column (\d+)/.exec(message);
  return match ? { line: Number(match[1]), column: Number(match[2]) } : { line: 1, column: 1 };
}
