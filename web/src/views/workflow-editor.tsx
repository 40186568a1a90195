/**
 * The workflow editor: the document as YAML or JSON, validated as you type by the server (every problem at its
 * line), a live preview of its graph, and a visual builder (add tasks, draw dependencies by clicking one node then
 * another, set options) that writes the same document. Dry-run shows the plan; Submit creates the orchestration.
 */
import { useEffect, useMemo, useRef, useState, type UIEvent } from 'react';
import { api, ApiError, type DocumentProblem } from '../api.js';
import { navigate } from '../router.js';
import { Graph } from './graph.js';
import { ErrorNote } from './status.js';
import { draftOf, graphOf, parseText, STARTER, textOf, type Draft, type DraftTask, type Format } from './workflow-document.js';

const TRIGGER_RULES = ['all_success', 'all_done', 'one_success', 'one_failed', 'all_failed', 'none_failed'];

export default function WorkflowEditor() {
  const [format, setFormat] = useState<Format>('yaml');
  const [text, setText] = useState(STARTER);
  const [mode, setMode] = useState<'text' | 'builder'>('text');
  const [problems, setProblems] = useState<DocumentProblem[]>([]);
  const [checked, setChecked] = useState<'checking' | 'valid' | 'invalid' | 'idle'>('idle');
  const [serverGraph, setServerGraph] = useState<{ nodes: { identifier: string }[]; edges: { from: string; to: string }[] } | null>(null);
  const [plan, setPlan] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const textarea = useRef<HTMLTextAreaElement>(null);
  const gutter = useRef<HTMLDivElement>(null);

  const parsed = useMemo(() => parseText(text, format), [text, format]);
  const draft = parsed.ok ? draftOf(parsed.value) : null;
  const localGraph = useMemo(() => (parsed.ok ? graphOf(parsed.value) : null), [parsed]);
  const graph = localGraph && localGraph.nodes.length ? localGraph : serverGraph;

  // Validate as you type: the server reads the text and answers every problem with its line.
  useEffect(() => {
    setChecked('checking');
    setPlan(null);
    let current = true; // an answer to older text must not overwrite the newer one's
    const timer = setTimeout(() => {
      api.validateDocument(text, format).then(
        (check) => {
          if (!current) return;
          setProblems(check.problems);
          setChecked(check.valid ? 'valid' : 'invalid');
          if (check.graph) {
            setServerGraph({ nodes: check.graph.tasks.map((t) => ({ identifier: t.identifier })), edges: check.graph.edges });
          }
        },
        async (err: unknown) => {
          if (!current) return;
          // A server without the editor's validator: what the YAML/JSON reader found, then the dry run's verdict
          // (its problems name their place in the document, not a line).
          if (!parsed.ok) {
            setProblems([parsed.problem]);
            setChecked('invalid');
            return;
          }
          if (!(err instanceof ApiError)) {
            setError(String(err));
            setChecked('idle');
            return;
          }
          try {
            await api.dryRun(parsed.value);
            if (!current) return;
            setProblems([]);
            setChecked('valid');
          } catch (dry) {
            if (!current) return;
            const issues = dry instanceof ApiError ? dry.issues : [];
            setProblems(
              issues.length
                ? issues.map((i) => ({ line: null, column: null, path: i.path, message: i.message }))
                : [{ line: null, column: null, path: '', message: dry instanceof Error ? dry.message : String(dry) }],
            );
            setChecked('invalid');
          }
        },
      );
    }, 350);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [text, format]); // parsed follows text and format

  const documentValue = (): unknown | null => {
    if (!parsed.ok) {
      setError(`Fix the document first: line ${parsed.problem.line ?? '?'}: ${parsed.problem.message}`);
      return null;
    }
    return parsed.value;
  };
  const dryRun = async (): Promise<void> => {
    const value = documentValue();
    if (value === null) return;
    setError(null);
    try {
      setPlan((await api.dryRun(value)).text);
    } catch (err) {
      setPlan(null);
      setError(describe(err));
    }
  };
  const submit = async (): Promise<void> => {
    const value = documentValue();
    if (value === null) return;
    setBusy(true);
    setError(null);
    try {
      const created = await api.createOrchestration(value);
      navigate(`/orchestrations/${created.id}`);
    } catch (err) {
      setError(describe(err));
    } finally {
      setBusy(false);
    }
  };

  const changeFormat = (next: Format): void => {
    if (next === format) return;
    if (parsed.ok && parsed.value && typeof parsed.value === 'object') {
      setText(textOf(parsed.value as Draft, next));
    }
    setFormat(next);
  };
  const write = (next: Draft): void => setText(textOf(next, format));
  const goToLine = (line: number | null): void => {
    const el = textarea.current;
    if (!el || line === null) return;
    const lines = text.split('\n');
    const start = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
    el.focus();
    el.setSelectionRange(start, start + (lines[line - 1]?.length ?? 0));
  };
  const syncGutter = (event: UIEvent<HTMLTextAreaElement>): void => {
    if (gutter.current) gutter.current.scrollTop = event.currentTarget.scrollTop;
  };

  const lineCount = text.split('\n').length;
  const problemLines = new Map<number, string>();
  for (const p of problems) if (p.line !== null && !problemLines.has(p.line)) problemLines.set(p.line, p.message);

  return (
    <section aria-labelledby="wf-title" className="workflow-editor">
      <div className="title-row">
        <h1 id="wf-title">Workflow</h1>
        <div className="actions">
          <button type="button" className="quiet" onClick={() => void dryRun()}>
            Dry run
          </button>
          <button type="button" onClick={() => void submit()} disabled={busy}>
            Submit
          </button>
        </div>
      </div>
      <div className="editor-tools">
        <div role="tablist" aria-label="Edit as" className="tabs">
          <button type="button" role="tab" aria-selected={mode === 'text'} onClick={() => setMode('text')}>
            Text
          </button>
          <button type="button" role="tab" aria-selected={mode === 'builder'} onClick={() => setMode('builder')}>
            Visual builder
          </button>
        </div>
        <label>
          Format{' '}
          <select value={format} onChange={(event) => changeFormat(event.target.value as Format)} aria-label="Format">
            <option value="yaml">YAML</option>
            <option value="json">JSON</option>
          </select>
        </label>
        <span className={`check check-${checked}`} role="status" aria-live="polite">
          {checked === 'checking'
            ? 'Checking…'
            : checked === 'valid'
              ? 'Valid'
              : checked === 'invalid'
                ? `${problems.length} problem${problems.length === 1 ? '' : 's'}`
                : ''}
        </span>
      </div>
      <ErrorNote error={error} />
      <div className="editor-layout">
        <div className="editor-main">
          {mode === 'text' ? (
            <div className="code-editor">
              <div className="gutter" ref={gutter} aria-hidden="true">
                {Array.from({ length: lineCount }, (_, i) => (
                  <div key={i} className={problemLines.has(i + 1) ? 'has-problem' : undefined} title={problemLines.get(i + 1)}>
                    {i + 1}
                  </div>
                ))}
              </div>
              <textarea
                ref={textarea}
                aria-label="Workflow document"
                spellCheck={false}
                value={text}
                wrap="off"
                onChange={(event) => setText(event.target.value)}
                onScroll={syncGutter}
              />
            </div>
          ) : (
            <Builder draft={draft} onChange={write} selected={selected} onSelect={setSelected} />
          )}
          {problems.length ? (
            <ul className="problems" aria-label="Problems">
              {problems.map((p, i) => (
                <li key={i} data-problem-line={p.line ?? ''}>
                  <button type="button" className="link" onClick={() => { setMode('text'); setTimeout(() => goToLine(p.line)); }}>
                    {p.line !== null ? `Line ${p.line}` : 'Document'}
                    {p.column !== null && p.line !== null ? `:${p.column}` : ''}
                  </button>{' '}
                  {p.path ? <code>{p.path}</code> : null} {p.message}
                </li>
              ))}
            </ul>
          ) : null}
          {plan ? (
            <section aria-label="Dry run">
              <h2>Dry run</h2>
              <pre className="plan">{plan}</pre>
            </section>
          ) : null}
        </div>
        <div className="editor-preview">
          <h2>Graph</h2>
          {graph && graph.nodes.length ? (
            <Graph
              label="Workflow graph preview"
              nodes={graph.nodes}
              edges={graph.edges}
              selected={mode === 'builder' ? selected : null}
              onOpen={(node) => {
                if (mode !== 'builder' || !draft) return;
                if (selected === null || selected === node.identifier) {
                  setSelected(selected === node.identifier ? null : node.identifier);
                  return;
                }
                write(connect(draft, selected, node.identifier));
                setSelected(null);
              }}
            />
          ) : (
            <p className="empty">The graph appears when the document lists tasks.</p>
          )}
          {mode === 'builder' ? (
            <p className="hint">Click a task, then the task that depends on it, to draw a dependency.</p>
          ) : null}
        </div>
      </div>
    </section>
  );
}

function describe(err: unknown): string {
  if (err instanceof ApiError) {
    const list = err.issues.map((i) => `${i.path ? `${i.path}: ` : ''}${i.message}`).join('; ');
    return list ? `${err.message} ${list}` : err.message;
  }
  return String(err);
}

function connect(draft: Draft, from: string, to: string): Draft {
  return {
    ...draft,
    tasks: draft.tasks.map((t) =>
      t.identifier === to ? { ...t, depends_on: [...new Set([...(t.depends_on ?? []), from])] } : t,
    ),
  };
}

function nextIdentifier(draft: Draft): string {
  const taken = new Set(draft.tasks.map((t) => t.identifier));
  let n = draft.tasks.length + 1;
  while (taken.has(`task-${n}`)) n += 1;
  return `task-${n}`;
}

function Builder(props: { draft: Draft | null; onChange: (draft: Draft) => void; selected: string | null; onSelect: (id: string | null) => void }) {
  const { draft, onChange } = props;
  if (!draft) {
    return <p className="problem">The builder needs a document with a list of tasks: fix the text first (see the problems).</p>;
  }
  const update = (index: number, patch: Partial<DraftTask>): void => {
    const old = draft.tasks[index]!;
    const renamed = patch.identifier !== undefined && patch.identifier !== old.identifier;
    onChange({
      ...draft,
      tasks: draft.tasks.map((t, i) => {
        if (i === index) return { ...t, ...patch };
        if (renamed && t.depends_on?.includes(old.identifier)) {
          return { ...t, depends_on: t.depends_on.map((d) => (d === old.identifier ? patch.identifier! : d)) };
        }
        return t;
      }),
    });
  };
  const add = (): void => {
    const last = draft.tasks[draft.tasks.length - 1];
    onChange({
      ...draft,
      tasks: [...draft.tasks, { identifier: nextIdentifier(draft), execution_prompt: '', working_directory: last?.working_directory ?? '' }],
    });
  };
  const remove = (index: number): void => {
    const gone = draft.tasks[index]!.identifier;
    onChange({
      ...draft,
      tasks: draft.tasks
        .filter((_, i) => i !== index)
        .map((t) => (t.depends_on?.includes(gone) ? { ...t, depends_on: t.depends_on.filter((d) => d !== gone) } : t)),
    });
  };
  return (
    <div className="builder">
      <label className="field">
        Name
        <input value={draft.name ?? ''} onChange={(event) => onChange({ ...draft, name: event.target.value || undefined })} />
      </label>
      <ol className="builder-tasks">
        {draft.tasks.map((task, index) => (
          <li key={index} className={`builder-task${props.selected === task.identifier ? ' selected' : ''}`} data-builder-task={index}>
            <fieldset>
              <legend>Task {index + 1}</legend>
              <label>
                Identifier
                <input value={task.identifier} onChange={(event) => update(index, { identifier: event.target.value })} />
              </label>
              <label className="wide">
                Prompt
                <textarea rows={2} value={task.execution_prompt ?? ''} onChange={(event) => update(index, { execution_prompt: event.target.value })} />
              </label>
              <label className="wide">
                Working directory
                <input value={task.working_directory ?? ''} onChange={(event) => update(index, { working_directory: event.target.value })} />
              </label>
              <label>
                Model
                <input value={task.model ?? ''} onChange={(event) => update(index, { model: event.target.value || undefined })} />
              </label>
              <label>
                Trigger rule
                <select value={task.trigger_rule ?? ''} onChange={(event) => update(index, { trigger_rule: event.target.value || undefined })}>
                  <option value="">all_success (default)</option>
                  {TRIGGER_RULES.slice(1).map((r) => (
                    <option key={r} value={r}>
                      {r}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                Delay (seconds)
                <input
                  inputMode="numeric"
                  value={task.initial_delay === undefined ? '' : String(task.initial_delay)}
                  onChange={(event) => {
                    const raw = event.target.value.trim();
                    update(index, { initial_delay: raw === '' ? undefined : Number.isFinite(Number(raw)) ? Number(raw) : raw });
                  }}
                />
              </label>
              {draft.tasks.length > 1 ? (
                <div className="wide depends">
                  <span>Depends on</span>
                  {draft.tasks
                    .filter((other) => other.identifier !== task.identifier)
                    .map((other) => (
                      <label key={other.identifier} className="check-label">
                        <input
                          type="checkbox"
                          checked={task.depends_on?.includes(other.identifier) ?? false}
                          onChange={(event) =>
                            update(index, {
                              depends_on: event.target.checked
                                ? [...(task.depends_on ?? []), other.identifier]
                                : (task.depends_on ?? []).filter((d) => d !== other.identifier),
                            })
                          }
                        />
                        {other.identifier}
                      </label>
                    ))}
                </div>
              ) : null}
              <button type="button" className="quiet" onClick={() => remove(index)}>
                Remove task
              </button>
            </fieldset>
          </li>
        ))}
      </ol>
      <button type="button" onClick={add}>
        Add task
      </button>
    </div>
  );
}
