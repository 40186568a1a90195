/**
 * The task list: filters in the URL, cursor pages loaded as the table scrolls, rows virtualised (10,000 rows scroll
 * without stalls), and live: a new task or a status change arrives from the event stream and updates its row.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { api, ApiError, TASK_STATUS_WORDS, type Task, type TaskFilters } from '../api.js';
import { age, firstLine, money, taskDuration } from '../format.js';
import { useLive } from '../live.js';
import { Link, navigate, usePath } from '../router.js';
import { ErrorNote, Status } from './status.js';

const FILTER_KEYS = ['status', 'model', 'tag', 'orchestration_id', 'q'] as const;

function filtersOf(search: string): TaskFilters {
  const params = new URLSearchParams(search);
  const filters: TaskFilters = {};
  for (const key of FILTER_KEYS) {
    const value = params.get(key);
    if (value) filters[key] = value;
  }
  return filters;
}

/** Whether a task belongs in the table under these filters (for rows arriving live). */
function matches(task: Task, filters: TaskFilters): boolean {
  if (filters.status && !filters.status.split(',').includes(task.status)) return false;
  if (filters.model && task.model !== filters.model) return false;
  if (filters.tag && !task.tags.includes(filters.tag)) return false;
  if (filters.orchestration_id && String(task.orchestration_id) !== filters.orchestration_id) return false;
  if (filters.q && !task.execution_prompt.toLowerCase().includes(filters.q.toLowerCase())) return false;
  return true;
}

/** Columns hidden on a narrow screen (`.opt`). */
const OPTIONAL_COLUMNS = ['Model', 'Directory', 'Attempts', 'Cost', 'Duration', 'Age'];

const ROW_HEIGHT = 44;

export function TasksView() {
  const path = usePath();
  const search = path.includes('?') ? path.slice(path.indexOf('?')) : '';
  const filters = useMemo(() => filtersOf(search), [search]);
  const [tasks, setTasks] = useState<Task[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [now, setNow] = useState(Date.now());
  const generation = useRef(0);

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);

  const load = useCallback(
    async (from: string | null, reset: boolean) => {
      const mine = reset ? ++generation.current : generation.current;
      setLoading(true);
      try {
        const page = await api.listTasks(filters, from ?? undefined);
        if (mine !== generation.current) return;
        setTasks((old) => {
          if (reset) return page.tasks;
          const seen = new Set(old.map((t) => t.id));
          return [...old, ...page.tasks.filter((t) => !seen.has(t.id))];
        });
        setCursor(page.next_cursor);
        setError(null);
      } catch (err) {
        if (mine === generation.current) setError(err instanceof Error ? err.message : String(err));
      } finally {
        if (mine === generation.current) setLoading(false);
      }
    },
    [filters],
  );

  useEffect(() => {
    setTasks([]);
    setCursor(null);
    void load(null, true);
  }, [load]);

  useLive((event) => {
    if (event.task_id === null) return;
    const id = event.task_id;
    if (event.type === 'task_progress') {
      setTasks((old) =>
        old.map((t) =>
          t.id === id ? { ...t, last_action: event.line, cost_usd: event.cost_usd ?? t.cost_usd } : t,
        ),
      );
      return;
    }
    api.getTask(id).then(
      (task) =>
        setTasks((old) => {
          const index = old.findIndex((t) => t.id === id);
          if (index === -1) return matches(task, filters) ? [task, ...old].sort((a, b) => b.id - a.id) : old;
          const copy = old.slice();
          copy[index] = task;
          return copy;
        }),
      (err: unknown) => {
        if (!(err instanceof ApiError && err.status === 404)) setError(String(err));
      },
    );
  });

  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({
    count: tasks.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtual.getVirtualItems();
  const lastIndex = items.length > 0 ? items[items.length - 1]!.index : -1;
  useEffect(() => {
    if (cursor && !loading && lastIndex >= tasks.length - 20) void load(cursor, false);
  }, [cursor, loading, lastIndex, tasks.length, load]);

  const applyFilters = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const params = new URLSearchParams();
    for (const key of FILTER_KEYS) {
      const value = String(data.get(key) ?? '').trim();
      if (value) params.set(key, value);
    }
    const text = params.toString();
    navigate(text ? `/tasks?${text}` : '/tasks');
  };

  return (
    <section aria-labelledby="tasks-title" className="tasks-view">
      <div className="title-row">
        <h1 id="tasks-title">Tasks</h1>
        <Link href="/new" className="button">
          New task
        </Link>
      </div>
      <form className="filters" onSubmit={applyFilters} key={search} aria-label="Filter tasks">
        <label>
          Status
          <select name="status" defaultValue={filters.status ?? ''}>
            <option value="">any</option>
            {TASK_STATUS_WORDS.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Model
          <input name="model" defaultValue={filters.model ?? ''} placeholder="sonnet" />
        </label>
        <label>
          Tag
          <input name="tag" defaultValue={filters.tag ?? ''} />
        </label>
        <label>
          Orchestration
          <input name="orchestration_id" inputMode="numeric" defaultValue={filters.orchestration_id ?? ''} />
        </label>
        <label className="wide">
          Prompt contains
          <input name="q" type="search" defaultValue={filters.q ?? ''} />
        </label>
        <button type="submit">Filter</button>
      </form>
      <ErrorNote error={error} />
      <div className="table" role="table" aria-label="Tasks" aria-rowcount={tasks.length + 1}>
        <div className="row head" role="row">
          <span role="columnheader">Id</span>
          <span role="columnheader">Prompt</span>
          <span role="columnheader">Status</span>
          {OPTIONAL_COLUMNS.map((name) => (
            <span key={name} role="columnheader" className="opt">
              {name}
            </span>
          ))}
        </div>
        <div className="rows" ref={scroller} data-testid="task-rows">
          <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
            {items.map((item) => {
              const task = tasks[item.index]!;
              return (
                <div
                  key={task.id}
                  className="row"
                  role="row"
                  aria-rowindex={item.index + 2}
                  data-task-id={task.id}
                  style={{
                    position: 'absolute',
                    top: 0,
                    left: 0,
                    right: 0,
                    height: ROW_HEIGHT,
                    transform: `translateY(${item.start}px)`,
                  }}
                >
                  <span role="cell">
                    <Link href={`/tasks/${task.id}`}>#{task.id}</Link>
                  </span>
                  <span role="cell" className="prompt" title={task.execution_prompt.slice(0, 500)}>
                    {firstLine(task.execution_prompt)}
                  </span>
                  <span role="cell">
                    <Status status={task.status} />
                  </span>
                  <span role="cell" className="opt">
                    {task.model}
                  </span>
                  <span role="cell" className="opt mono" title={task.working_directory}>
                    {task.working_directory}
                  </span>
                  <span role="cell" className="opt">
                    {task.attempt_count}/{task.max_attempts}
                  </span>
                  <span role="cell" className="opt">
                    {money(task.cost_usd)}
                  </span>
                  <span role="cell" className="opt">
                    {taskDuration(task, now)}
                  </span>
                  <span role="cell" className="opt">
                    {age(task.created_at, now)}
                  </span>
                </div>
              );
            })}
          </div>
        </div>
        {tasks.length === 0 && !loading ? <p className="empty">No tasks match.</p> : null}
        {loading ? <p className="loading">Loading…</p> : null}
      </div>
    </section>
  );
}
