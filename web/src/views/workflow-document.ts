/**
 * The workflow document as text (YAML or JSON) and as data, both ways: the text editor and the visual builder edit
 * the same document. Parse problems from the YAML/JSON reader come with their line, like the server's.
 */
import { parse, parseDocument, stringify } from 'yaml';
import type { DocumentProblem } from '../api.js';

export type Format = 'yaml' | 'json';

export interface DraftTask {
  identifier: string;
  execution_prompt?: string;
  working_directory?: string;
  model?: string;
  depends_on?: string[];
  trigger_rule?: string;
  initial_delay?: number | string;
  [key: string]: unknown;
}
export interface Draft {
  name?: string;
  tasks: DraftTask[];
  [key: string]: unknown;
}

export type Parsed = { ok: true; value: unknown } | { ok: false; problem: DocumentProblem };

export function parseText(text: string, format: Format): Parsed {
  if (format === 'json') {
    try {
      return { ok: true, value: JSON.parse(text) as unknown };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const at = /position (\d+)/.exec(message);
      let line: number | null = null;
      let column: number | null = null;
      const lineCol = /line (\d+) column (\d+)/.exec(message);
      if (lineCol) {
        line = Number(lineCol[1]);
        column = Number(lineCol[2]);
      } else if (at) {
        const before = text.slice(0, Number(at[1]));
        line = before.split('\n').length;
        column = before.length - before.lastIndexOf('\n');
      }
      return { ok: false, problem: { line, column, path: '', message: `not valid JSON: ${message}` } };
    }
  }
  const doc = parseDocument(text, { prettyErrors: false });
  const first = doc.errors[0];
  if (first) {
    const pos = first.linePos?.[0];
    return {
      ok: false,
      problem: { line: pos?.line ?? null, column: pos?.col ?? null, path: '', message: `not valid YAML: ${first.message.split('\n')[0]}` },
    };
  }
  return { ok: true, value: parse(text) as unknown };
}

/** The data as the builder edits it (a document it cannot read becomes null: fix the text first). */
export function draftOf(value: unknown): Draft | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const tasks = (value as { tasks?: unknown }).tasks;
  if (!Array.isArray(tasks)) return null;
  if (!tasks.every((t) => t && typeof t === 'object' && typeof (t as DraftTask).identifier === 'string')) return null;
  return value as Draft;
}

export function textOf(draft: Draft, format: Format): string {
  const clean: Draft = { ...draft, tasks: draft.tasks.map(tidy) };
  return format === 'json' ? `${JSON.stringify(clean, null, 2)}\n` : stringify(clean, { lineWidth: 0 });
}

function tidy(task: DraftTask): DraftTask {
  const out: DraftTask = { identifier: task.identifier };
  for (const [key, value] of Object.entries(task)) {
    if (value === '' || value === undefined) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    out[key] = value;
  }
  return out;
}

/** The graph a document draws (before the server has looked at it): a node per task, an edge per dependency. */
export function graphOf(value: unknown): { nodes: { identifier: string; label: string; trigger_rule?: string; delay_seconds?: number }[]; edges: { from: string; to: string }[] } {
  const draft = draftOf(value);
  if (!draft) return { nodes: [], edges: [] };
  const ids = new Set(draft.tasks.map((t) => t.identifier));
  return {
    nodes: draft.tasks.map((t) => ({
      identifier: t.identifier,
      label: t.model ?? 'draft',
      trigger_rule: t.trigger_rule,
      delay_seconds: typeof t.initial_delay === 'number' ? t.initial_delay : undefined,
    })),
    edges: draft.tasks.flatMap((t) =>
      (Array.isArray(t.depends_on) ? t.depends_on : []).filter((d) => ids.has(d)).map((from) => ({ from, to: t.identifier })),
    ),
  };
}

export const STARTER = `# A workflow: tasks and the tasks they depend on.
name: my-workflow
tasks:
  - identifier: plan
    execution_prompt: Write PLAN.md for the change.
    working_directory: /path/to/project
  - identifier: build
    execution_prompt: Carry out PLAN.md.
    working_directory: /path/to/project
    depends_on: [plan]
`;
