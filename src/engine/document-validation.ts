/**
 * The workflow editor's check: a document's text (YAML or JSON) validated by the same parser and validator as a
 * submission (src/workflow), each problem placed at its line and column in the text, and the graph (tasks and
 * dependency edges) as far as it can be read, valid or not, for a live preview. Creates nothing.
 */
import type {
  DocumentProblem,
  DocumentValidation,
  GraphTask,
  ValidateDocumentInput,
} from '../contract/dashboard-schemas.js';
import { MAX_EDITOR_DOCUMENT_BYTES } from '../contract/dashboard-schemas.js';
import { ClaudeWorkerError, type Issue } from '../domain/errors.js';
import { parseWorkflowText } from '../workflow/index.js';
import { positionInMessage, SourceMap } from '../workflow/positions.js';
import type { WorkflowPlan } from '../workflow/plan.js';

const WHAT = 'The document';

function issuesOf(err: unknown): Issue[] | null {
  if (!(err instanceof ClaudeWorkerError) || err.code !== 'validation') return null;
  const issues = (err.data as { issues?: Issue[] } | undefined)?.issues;
  return issues && issues.length > 0 ? issues : [{ path: '', message: err.message }];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function firstLine(text: unknown): string {
  return typeof text === 'string'
    ? (text.split(/\r?\n/).find((l) => l.trim() !== '') ?? '').trim().slice(0, 200)
    : '';
}

/** The graph of a document read loosely: entries with a text identifier, edges to identifiers that exist. */
function looseGraph(value: unknown, source: SourceMap): DocumentValidation['graph'] {
  const tasks: GraphTask[] = [];
  const defaults = isRecord(value) && isRecord(value['defaults']) ? value['defaults'] : {};
  const entries = isRecord(value) && Array.isArray(value['tasks']) ? value['tasks'] : [];
  entries.forEach((entry, index) => {
    if (!isRecord(entry) || typeof entry['identifier'] !== 'string') return;
    const pick = (key: string): unknown => entry[key] ?? defaults[key];
    const delay = pick('initial_delay');
    tasks.push({
      identifier: entry['identifier'],
      prompt_first_line: firstLine(entry['execution_prompt']),
      depends_on: Array.isArray(entry['depends_on'])
        ? entry['depends_on'].filter((d): d is string => typeof d === 'string')
        : [],
      trigger_rule:
        typeof pick('trigger_rule') === 'string' ? (pick('trigger_rule') as string) : 'all_success',
      delay_seconds: typeof delay === 'number' && Number.isFinite(delay) ? delay : 0,
      model: typeof pick('model') === 'string' ? (pick('model') as string) : null,
      line: source.taskLine(index),
    });
  });
  return { tasks, edges: edgesOf(tasks) };
}

function planGraph(plan: WorkflowPlan, source: SourceMap): DocumentValidation['graph'] {
  const tasks = [...plan.tasks]
    .sort((a, b) => a.index - b.index)
    .map((t) => ({
      identifier: t.identifier,
      prompt_first_line: firstLine(t.task.execution_prompt),
      depends_on: t.depends_on,
      trigger_rule: t.trigger_rule,
      delay_seconds: t.initial_delay_seconds,
      model: t.task.model ?? null,
      line: source.taskLine(t.index),
    }));
  return { tasks, edges: edgesOf(tasks) };
}

function edgesOf(tasks: readonly GraphTask[]): { from: string; to: string }[] {
  const known = new Set(tasks.map((t) => t.identifier));
  return tasks.flatMap((t) =>
    t.depends_on.filter((d) => known.has(d)).map((d) => ({ from: d, to: t.identifier })),
  );
}

export async function validateDocument(
  input: ValidateDocumentInput,
  plan: (document: unknown) => Promise<WorkflowPlan>,
): Promise<DocumentValidation> {
  const empty = { tasks: [], edges: [] };
  const bytes = Buffer.byteLength(input.document, 'utf8');
  if (bytes > MAX_EDITOR_DOCUMENT_BYTES) {
    const problem: DocumentProblem = {
      line: 1,
      column: 1,
      path: '',
      message: `the document is ${bytes} bytes; the editor checks at most ${MAX_EDITOR_DOCUMENT_BYTES} (1 MiB). Split it into several orchestrations, or submit the file with \`claude-worker orchestrate\`.`,
    };
    return { valid: false, problems: [problem], graph: empty };
  }
  let value: unknown;
  try {
    value = parseWorkflowText(input.document, { format: input.format, sourceName: WHAT });
  } catch (err) {
    const issues = issuesOf(err);
    if (!issues) throw err;
    const problems = issues.map((issue) => ({
      ...positionInMessage(issue.message),
      path: issue.path,
      // The editor shows the problem at its line: the excerpt with a caret is for terminals.
      message: issue.message.split('\n')[0] ?? issue.message,
    }));
    return { valid: false, problems, graph: empty };
  }
  const source = new SourceMap(
    input.document.startsWith('\uFEFF') ? input.document.slice(1) : input.document,
  );
  try {
    const planned = await plan(value);
    return { valid: true, problems: [], graph: planGraph(planned, source) };
  } catch (err) {
    const issues = issuesOf(err);
    if (!issues) throw err;
    const problems = issues.map((issue) => ({
      ...source.positionOf(issue.path, issue.message),
      path: issue.path,
      message: issue.message,
    }));
    return { valid: false, problems, graph: looseGraph(value, source) };
  }
}
