/**
 * The new-task form: every option `claude-worker run` has. The server is the one validator: its messages come back
 * per field (`issues[].path`) and are shown at that field. `?from=<id>` fills the form from a task (run again with
 * changes).
 */
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiError, type CreateTaskRequest, type Issue, type Task } from '../api.js';
import { navigate, usePath } from '../router.js';
import { ErrorNote } from './status.js';

const PERMISSION_MODES = ['default', 'acceptEdits', 'bypassPermissions', 'plan', 'dontAsk', 'auto'];

type Values = Record<string, string>;

function fromTask(task: Task): Values {
  const list = (xs: readonly string[] | null): string => (xs ?? []).join(', ');
  const num = (n: number | null): string => (n === null ? '' : String(n));
  return {
    execution_prompt: task.execution_prompt,
    working_directory: task.working_directory,
    model: task.model,
    system_prompt: task.system_prompt ?? '',
    permission_mode: task.permission_mode,
    allowed_tools: list(task.allowed_tools),
    disallowed_tools: list(task.disallowed_tools),
    max_turns: num(task.max_turns),
    max_budget_usd: num(task.max_budget_usd),
    env: Object.entries(task.env)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n'),
    timeout_seconds: num(task.timeout_seconds),
    priority: String(task.priority),
    tags: list(task.tags),
    max_attempts: String(task.max_attempts),
    runs_on: list(task.runs_on),
    retry_base_seconds: num(task.retry_base_seconds),
    retry_cap_seconds: num(task.retry_cap_seconds),
    notify: notifyText(task.notify),
  };
}

/** `failed, slack=off`: the endings to hear of, then each channel set on or off (the form's notify field). */
function notifyText(notify: Task['notify']): string {
  if (!notify) return '';
  const { on, ...channels } = notify;
  return [...(on ?? []), ...Object.entries(channels).map(([k, v]) => `${k}=${String(v)}`)].join(', ');
}

function notifyOf(text: string): Record<string, unknown> | undefined {
  const parts = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (parts.length === 0) return undefined;
  const notify: Record<string, unknown> = {};
  const endings = parts.filter((p) => !p.includes('='));
  if (endings.length) notify.on = endings;
  for (const part of parts.filter((p) => p.includes('='))) {
    const eq = part.indexOf('=');
    notify[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return notify;
}

/** Builds the request; a number field that is not a number goes as typed, so the server's message names it. */
export function requestOf(values: Values): CreateTaskRequest {
  const out: Record<string, unknown> = {};
  const text = (key: string): string => (values[key] ?? '').trim();
  const number = (key: string): unknown => {
    const raw = text(key);
    if (!raw) return undefined;
    const n = Number(raw);
    return Number.isFinite(n) ? n : raw;
  };
  const list = (key: string): string[] | undefined => {
    const items = text(key)
      .split(/[,\n]/)
      .map((s) => s.trim())
      .filter(Boolean);
    return items.length ? items : undefined;
  };
  out.execution_prompt = values.execution_prompt ?? '';
  out.working_directory = text('working_directory');
  if (text('model')) out.model = text('model');
  if (text('system_prompt')) out.system_prompt = values.system_prompt;
  if (text('permission_mode')) out.permission_mode = text('permission_mode');
  out.allowed_tools = list('allowed_tools');
  out.disallowed_tools = list('disallowed_tools');
  for (const key of [
    'max_turns',
    'max_budget_usd',
    'timeout_seconds',
    'priority',
    'max_attempts',
    'retry_base_seconds',
    'retry_cap_seconds',
  ]) {
    out[key] = number(key);
  }
  out.tags = list('tags');
  out.runs_on = list('runs_on');
  out.notify = notifyOf(text('notify'));
  const env: Record<string, string> = {};
  for (const line of text('env').split('\n')) {
    if (!line.trim()) continue;
    const eq = line.indexOf('=');
    if (eq === -1) env[line.trim()] = '';
    else env[line.slice(0, eq).trim()] = line.slice(eq + 1);
  }
  if (Object.keys(env).length) out.env = env;
  for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
  return out as CreateTaskRequest;
}

/** The field an issue belongs to: `env.FOO` and `tags[2]` belong to env and tags. */
function fieldOf(issue: Issue): string {
  return issue.path.split(/[.[]/)[0] ?? '';
}

export default function NewTaskView() {
  const path = usePath();
  const from = new URLSearchParams(path.split('?')[1] ?? '').get('from');
  const [values, setValues] = useState<Values>({ permission_mode: '' });
  const [issues, setIssues] = useState<Issue[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!from) return;
    api.getTask(Number(from)).then(
      (task) => setValues(fromTask(task)),
      (err: unknown) => setError(String(err)),
    );
  }, [from]);

  const submit = async (event: FormEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setIssues([]);
    setError(null);
    try {
      const task = await api.createTask(requestOf(values));
      navigate(`/tasks/${task.id}`);
    } catch (err) {
      if (err instanceof ApiError) {
        setIssues(err.issues);
        const placed = new Set(FIELDS.map((f) => f.name));
        const elsewhere = err.issues.filter((i) => !placed.has(fieldOf(i)));
        setError(err.issues.length === 0 || elsewhere.length ? err.message : 'Fix the fields marked below.');
      } else setError(String(err));
      requestAnimationFrame(() => document.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
    } finally {
      setBusy(false);
    }
  };

  const field = (spec: FieldSpec): ReactNode => {
    const mine = issues.filter((i) => fieldOf(i) === spec.name);
    const id = `f-${spec.name}`;
    const common = {
      id,
      name: spec.name,
      value: values[spec.name] ?? '',
      'aria-invalid': mine.length ? true : undefined,
      'aria-describedby': mine.length ? `${id}-problem` : spec.hint ? `${id}-hint` : undefined,
      onChange: (event: { target: { value: string } }) =>
        setValues((v) => ({ ...v, [spec.name]: event.target.value })),
    };
    return (
      <div className={`field${spec.wide ? ' wide' : ''}`} key={spec.name}>
        <label htmlFor={id}>{spec.label}</label>
        {spec.kind === 'textarea' ? (
          <textarea rows={spec.rows ?? 3} {...common} />
        ) : spec.kind === 'select' ? (
          <select {...common}>
            <option value="">default</option>
            {PERMISSION_MODES.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        ) : (
          <input
            type="text"
            inputMode={spec.numeric ? 'decimal' : undefined}
            placeholder={spec.placeholder}
            {...common}
          />
        )}
        {spec.hint && !mine.length ? (
          <small id={`${id}-hint`} className="hint">
            {spec.hint}
          </small>
        ) : null}
        {mine.length ? (
          <p id={`${id}-problem`} className="field-problem" role="alert">
            {mine.map((i) => i.message).join('; ')}
          </p>
        ) : null}
      </div>
    );
  };

  return (
    <section aria-labelledby="new-title">
      <h1 id="new-title">New task</h1>
      <form className="task-form" onSubmit={(event) => void submit(event)} noValidate>
        {FIELDS.map(field)}
        <ErrorNote error={error} />
        <div className="actions">
          <button type="submit" disabled={busy}>
            Run
          </button>
        </div>
      </form>
    </section>
  );
}

interface FieldSpec {
  name: string;
  label: string;
  kind?: 'textarea' | 'select';
  rows?: number;
  numeric?: boolean;
  wide?: boolean;
  hint?: string;
  placeholder?: string;
}

const FIELDS: FieldSpec[] = [
  { name: 'execution_prompt', label: 'Prompt', kind: 'textarea', rows: 6, wide: true },
  {
    name: 'working_directory',
    label: 'Working directory',
    wide: true,
    placeholder: '/home/me/project',
    hint: 'An absolute path on the server.',
  },
  { name: 'model', label: 'Model', placeholder: 'sonnet' },
  { name: 'permission_mode', label: 'Permission mode', kind: 'select' },
  { name: 'system_prompt', label: 'System prompt', kind: 'textarea', wide: true },
  { name: 'allowed_tools', label: 'Allowed tools', hint: 'Comma-separated, such as Read, Grep' },
  { name: 'disallowed_tools', label: 'Disallowed tools', hint: 'Comma-separated' },
  { name: 'max_turns', label: 'Max turns', numeric: true },
  { name: 'max_budget_usd', label: 'Budget (USD)', numeric: true },
  { name: 'timeout_seconds', label: 'Timeout (seconds)', numeric: true },
  { name: 'priority', label: 'Priority', numeric: true, hint: '-1000 to 1000; higher runs first' },
  { name: 'max_attempts', label: 'Max attempts', numeric: true },
  { name: 'retry_base_seconds', label: 'Retry base (seconds)', numeric: true },
  { name: 'retry_cap_seconds', label: 'Retry cap (seconds)', numeric: true },
  { name: 'tags', label: 'Tags', hint: 'Comma-separated' },
  { name: 'runs_on', label: 'Runs on (worker labels)', hint: 'Comma-separated' },
  {
    name: 'notify',
    label: 'Notify',
    hint: 'Endings to hear of (completed, failed, needs_attention) and sound, desktop, slack or discord =on/off',
    placeholder: 'failed, slack=off',
  },
  { name: 'env', label: 'Environment', kind: 'textarea', wide: true, hint: 'One NAME=value a line' },
];
