/**
 * One orchestration: its graph (live status colours), progress, cost; click a node to open its task, Retry a failed
 * task from its node, Cancel the whole orchestration (asked first).
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, type OrchestrationDetail } from '../api.js';
import { money } from '../format.js';
import { useLive } from '../live.js';
import { navigate } from '../router.js';
import { Graph } from './graph.js';
import { warmLayoutWorker } from './use-layout.js';
import { ConfirmButton } from './confirm-button.js';
import { ErrorNote, Status } from './status.js';

export default function OrchestrationView(props: { id: number }) {
  const { id } = props;
  const [detail, setDetail] = useState<OrchestrationDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);

  const load = useCallback(async () => {
    try {
      setDetail(await api.getOrchestration(id));
      setError(null);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }, [id]);
  useEffect(() => {
    void load();
  }, [load]);
  // A large graph is laid out in a worker: start it while the orchestration loads, not after.
  useEffect(() => void warmLayoutWorker(), []);
  useLive((event) => {
    if (event.type === 'task_progress' || event.orchestration_id !== id || pending.current) return;
    pending.current = setTimeout(() => {
      pending.current = null;
      void load();
    }, 300);
  });

  const nodes = useMemo(
    () =>
      (detail?.tasks ?? []).map((t) => ({
        identifier: t.identifier ?? String(t.id),
        status: t.status,
        task_id: t.id,
        trigger_rule: t.trigger_rule,
        delay_seconds: t.initial_delay_seconds,
      })),
    [detail],
  );
  const edges = useMemo(
    () =>
      (detail?.tasks ?? []).flatMap((t) =>
        t.depends_on.map((from) => ({ from, to: t.identifier ?? String(t.id) })),
      ),
    [detail],
  );
  const act = async (action: () => Promise<unknown>): Promise<void> => {
    setActionError(null);
    try {
      await action();
      await load();
    } catch (err) {
      setActionError(err instanceof Error ? err.message : String(err));
    }
  };

  if (error && !detail) return <ErrorNote error={error} />;
  if (!detail) return <p className="loading">Loading…</p>;
  const open = ['pending', 'running'].includes(detail.status);
  return (
    <article aria-labelledby="o-title" className="orchestration-view">
      <div className="title-row">
        <h1 id="o-title">
          Orchestration #{detail.id} {detail.name ?? ''} <Status status={detail.status} />
        </h1>
        {open ? (
          <ConfirmButton
            label="Cancel"
            question={`Cancel orchestration #${detail.id}? Its running tasks stop now and the rest will not run.`}
            confirm="Cancel the orchestration"
            keep="Keep it running"
            onConfirm={() => void act(() => api.cancelOrchestration(id))}
          />
        ) : null}
      </div>
      <ErrorNote error={actionError} />
      <p className="meta">
        {detail.task_count} tasks ·{' '}
        {Object.entries(detail.counts)
          .filter(([, n]) => n > 0)
          .map(([s, n]) => `${n} ${s}`)
          .join(' · ')}{' '}
        · {money(detail.cost_usd)}
        {detail.budget_usd !== null ? ` of ${money(detail.budget_usd)}` : ''}
        {detail.status_reason ? ` · ${detail.status_reason}` : ''}
      </p>
      <Graph
        label={`Graph of orchestration ${detail.id}`}
        nodes={nodes}
        edges={edges}
        onOpen={(node) => node.task_id !== undefined && navigate(`/tasks/${node.task_id}`)}
        onRetry={(node) => node.task_id !== undefined && void act(() => api.retryTask(node.task_id!))}
      />
    </article>
  );
}
