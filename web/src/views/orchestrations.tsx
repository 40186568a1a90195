/** The orchestrations list: name, status, a progress bar of finished tasks, cost; live from the event stream. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, type Orchestration } from '../api.js';
import { age, money } from '../format.js';
import { useLive } from '../live.js';
import { Link } from '../router.js';
import { ErrorNote, Status } from './status.js';

function finished(o: Orchestration): number {
  const c = o.counts;
  return (c.completed ?? 0) + (c.failed ?? 0) + (c.cancelled ?? 0) + (c.skipped ?? 0);
}

export default function OrchestrationsView() {
  const [list, setList] = useState<Orchestration[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);

  const load = useCallback(async () => {
    try {
      const page = await api.listOrchestrations();
      setList(page.orchestrations);
      setCursor(page.next_cursor);
      setError(null);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  useLive((event) => {
    if (event.type === 'task_progress' || event.orchestration_id === null || pending.current) return;
    pending.current = setTimeout(() => {
      pending.current = null;
      void load();
    }, 500);
  });
  const more = async (): Promise<void> => {
    if (!cursor) return;
    const page = await api.listOrchestrations(cursor);
    setList((old) => [...old, ...page.orchestrations]);
    setCursor(page.next_cursor);
  };

  return (
    <section aria-labelledby="orch-title">
      <div className="title-row">
        <h1 id="orch-title">Orchestrations</h1>
        <Link href="/workflows" className="button">
          New workflow
        </Link>
      </div>
      <ErrorNote error={error} />
      {list.length === 0 ? <p className="empty">No orchestrations yet.</p> : null}
      <ul className="cards">
        {list.map((o) => {
          const done = finished(o);
          return (
            <li key={o.id} className="card" data-orchestration-id={o.id}>
              <div className="title-row">
                <Link href={`/orchestrations/${o.id}`}>
                  #{o.id} {o.name ?? '(unnamed)'}
                </Link>
                <Status status={o.status} />
              </div>
              <progress max={o.task_count} value={done} aria-label={`${done} of ${o.task_count} tasks finished`} />
              <p className="meta">
                {done}/{o.task_count} finished · {o.counts.running ?? 0} running · {o.counts.failed ?? 0} failed ·{' '}
                {money(o.cost_usd)} · {age(o.created_at)} ago
              </p>
            </li>
          );
        })}
      </ul>
      {cursor ? (
        <button type="button" onClick={() => void more()}>
          More
        </button>
      ) : null}
    </section>
  );
}
