/**
 * One task: prompt, settings, result (Markdown), the live human log, the transcript, the attempts timeline (failure
 * class, exit-code meaning, suggestion), cost and token usage; Cancel (asked first), Retry, and Run again with changes.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import Markdown from 'react-markdown';
import { api, type TaskWithAttempts } from '../api.js';
import { duration, money, when } from '../format.js';
import { useLive } from '../live.js';
import { Link, navigate } from '../router.js';
import { ConfirmButton } from './confirm-button.js';
import { ErrorNote, Status } from './status.js';
import { Transcript } from './transcript.js';

const FINISHED = ['completed', 'failed', 'cancelled', 'skipped'];

export default function TaskView(props: { id: number }) {
  const { id } = props;
  const [task, setTask] = useState<TaskWithAttempts | null>(null);
  const [log, setLog] = useState('');
  const [transcript, setTranscript] = useState('');
  const [tab, setTab] = useState<'log' | 'transcript'>('log');
  const [error, setError] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);

  const refresh = useCallback(async () => {
    try {
      const [fresh, text, jsonl] = await Promise.all([
        api.getTask(id),
        api.log(id, 'text'),
        api.log(id, 'jsonl'),
      ]);
      setTask(fresh);
      setLog(text);
      setTranscript(jsonl);
      setError(null);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }, [id]);

  useEffect(() => {
    void refresh();
    return () => {
      if (pending.current) clearTimeout(pending.current);
    };
  }, [refresh]);

  useLive((event) => {
    if (event.task_id !== id) return;
    if (event.type === 'task_progress')
      setLog((old) => (old.endsWith(event.line + '\n') ? old : `${old}${event.line}\n`));
    // Progress comes fast; read the whole record, log and transcript at most twice a second.
    if (pending.current) return;
    pending.current = setTimeout(() => {
      pending.current = null;
      void refresh();
    }, 400);
  });

  const act = async (action: () => Promise<unknown>): Promise<void> => {
    setActionError(null);
    try {
      await action();
      await refresh();
    } catch (err) {
      setActionError(err instanceof Error ? err.message : String(err));
    }
  };

  if (error && !task) return <ErrorNote error={error} />;
  if (!task) return <p className="loading">Loading…</p>;
  const finished = FINISHED.includes(task.status);
  const usage = task.usage ?? {};
  return (
    <article aria-labelledby="task-title" className="task-view">
      <div className="title-row">
        <h1 id="task-title">
          Task #{task.id} <Status status={task.status} />
        </h1>
        <div className="actions">
          {!finished ? (
            <ConfirmButton
              label="Cancel"
              question={
                task.status === 'running'
                  ? `Cancel task #${task.id}? Claude Code stops now; Retry can run it again later.`
                  : `Cancel task #${task.id}? It will not run; Retry can queue it again later.`
              }
              confirm="Cancel the task"
              keep={task.status === 'running' ? 'Keep it running' : 'Keep it'}
              onConfirm={() => void act(() => api.cancelTask(id))}
            />
          ) : null}
          {task.status === 'failed' || task.status === 'cancelled' || task.status === 'skipped' ? (
            <button type="button" onClick={() => void act(() => api.retryTask(id))}>
              Retry
            </button>
          ) : null}
          <button type="button" className="quiet" onClick={() => navigate(`/new?from=${id}`)}>
            Run again with changes
          </button>
        </div>
      </div>
      <ErrorNote error={actionError} />
      {task.status_reason ? <p className="reason">{task.status_reason}</p> : null}
      {task.orchestration_id !== null ? (
        <p>
          Part of{' '}
          <Link href={`/orchestrations/${task.orchestration_id}`}>
            orchestration #{task.orchestration_id}
          </Link>
          {task.identifier ? ` as ${task.identifier}` : ''}
        </p>
      ) : null}
      <div className="grid2">
        <section aria-labelledby="prompt-title">
          <h2 id="prompt-title">Prompt</h2>
          <pre className="prompt-text">{task.execution_prompt}</pre>
        </section>
        <section aria-labelledby="settings-title">
          <h2 id="settings-title">Settings</h2>
          <dl className="settings">
            <dt>Model</dt>
            <dd>{task.model}</dd>
            <dt>Directory</dt>
            <dd className="mono">{task.working_directory}</dd>
            <dt>Permission mode</dt>
            <dd>{task.permission_mode}</dd>
            <dt>Attempts</dt>
            <dd>
              {task.attempt_count} of {task.max_attempts}
            </dd>
            <dt>Priority</dt>
            <dd>{task.priority}</dd>
            <dt>Timeout</dt>
            <dd>{task.timeout_seconds === null ? 'none' : `${task.timeout_seconds}s`}</dd>
            <dt>Max turns</dt>
            <dd>{task.max_turns ?? 'none'}</dd>
            <dt>Budget</dt>
            <dd>{money(task.max_budget_usd)}</dd>
            <dt>Tags</dt>
            <dd>{task.tags.length ? task.tags.join(', ') : 'none'}</dd>
            <dt>Created</dt>
            <dd>{when(task.created_at)}</dd>
            <dt>Cost</dt>
            <dd>{money(task.cost_usd)}</dd>
            <dt>Turns</dt>
            <dd>{task.num_turns ?? '—'}</dd>
            <dt>Tokens</dt>
            <dd>
              {['input_tokens', 'output_tokens', 'cache_read_input_tokens']
                .filter((k) => typeof usage[k] === 'number')
                .map((k) => `${k.replace(/_/g, ' ')}: ${String(usage[k])}`)
                .join(' · ') || '—'}
            </dd>
          </dl>
        </section>
      </div>
      {task.result ? (
        <section aria-labelledby="result-title">
          <h2 id="result-title">Result</h2>
          <div className="markdown result">
            <Markdown>{task.result}</Markdown>
          </div>
        </section>
      ) : null}
      {task.error ? (
        <section aria-labelledby="failure-title" className="failure">
          <h2 id="failure-title">Failure: {task.error.code}</h2>
          <p>{task.error.message}</p>
          {task.error.exit_meaning ? (
            <p>
              Exit code {task.error.exit_code}: {task.error.exit_meaning}
            </p>
          ) : null}
          <p className="suggestion">{task.error.suggestion}</p>
        </section>
      ) : null}
      <section aria-labelledby="attempts-title">
        <h2 id="attempts-title">Attempts</h2>
        {task.attempts.length === 0 ? <p className="empty">No attempt yet.</p> : null}
        <ol className="timeline">
          {task.attempts.map((attempt) => (
            <li key={attempt.number} className={`attempt attempt-${attempt.status}`}>
              <strong>
                Attempt {attempt.number}: {attempt.status}
              </strong>{' '}
              <span>
                {when(attempt.started_at)} · {duration(attempt.duration_ms)} · {money(attempt.cost_usd)} ·
                worker {attempt.worker_id}
              </span>
              {attempt.error ? (
                <div className="attempt-error">
                  <span className="failure-class">{attempt.error.code}</span> {attempt.error.message}
                  {attempt.error.exit_meaning ? (
                    <div>
                      Exit code {attempt.error.exit_code}: {attempt.error.exit_meaning}
                    </div>
                  ) : null}
                  <div className="suggestion">{attempt.error.suggestion}</div>
                </div>
              ) : null}
            </li>
          ))}
        </ol>
      </section>
      <section aria-label="Output">
        <div role="tablist" className="tabs" aria-label="Output">
          <button type="button" role="tab" aria-selected={tab === 'log'} onClick={() => setTab('log')}>
            Log
          </button>
          <button
            type="button"
            role="tab"
            aria-selected={tab === 'transcript'}
            onClick={() => setTab('transcript')}
          >
            Transcript
          </button>
        </div>
        <div role="tabpanel" aria-label={tab === 'log' ? 'Log' : 'Transcript'}>
          {tab === 'log' ? (
            <pre className="log" data-testid="task-log" tabIndex={0}>
              {log || 'No log yet.'}
            </pre>
          ) : (
            <Transcript jsonl={transcript} />
          )}
        </div>
      </section>
    </article>
  );
}
