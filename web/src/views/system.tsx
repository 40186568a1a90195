/**
 * The System view: health (the workers, or the one local worker; concurrency; memory admission), model gates
 * (cool-downs and breakers, with when they lift), failure classes with their suggestions, and charts per day (tasks
 * by status, cost, per model, failure classes) drawn with Chart.js.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { api, type DailyStats, type HealthDetailed, type SystemInfo, type Worker } from '../api.js';
import { age, money, when } from '../format.js';
import { ErrorNote, Status } from './status.js';

const PALETTE = ['#2563eb', '#16a34a', '#dc2626', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#64748b'];
const STATUS_COLOURS: Record<string, string> = {
  completed: '#16a34a',
  failed: '#dc2626',
  cancelled: '#64748b',
  skipped: '#a855f7',
  running: '#2563eb',
  queued: '#d97706',
  waiting: '#94a3b8',
};

type ChartSpec = { type: 'bar' | 'line'; labels: string[]; datasets: { label: string; data: number[]; color: string }[]; stacked?: boolean; money?: boolean };

function ChartBox(props: { title: string; spec: ChartSpec }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const { spec } = props;
  useEffect(() => {
    let chart: { destroy(): void } | null = null;
    let gone = false;
    void import('./charts.js').then(({ Chart }) => {
      if (gone || !canvas.current) return;
      const dark = matchMedia('(prefers-color-scheme: dark)').matches;
      const ink = dark ? '#cbd5e1' : '#334155';
      chart = new Chart(canvas.current, {
        type: spec.type,
        data: {
          labels: spec.labels,
          datasets: spec.datasets.map((d) => ({ label: d.label, data: d.data, backgroundColor: d.color, borderColor: d.color })),
        },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          plugins: { legend: { labels: { color: ink } } },
          scales: {
            x: { stacked: spec.stacked, ticks: { color: ink } },
            y: { stacked: spec.stacked, beginAtZero: true, ticks: { color: ink, callback: (v) => (spec.money ? `$${String(v)}` : String(v)) } },
          },
        },
      });
    });
    return () => {
      gone = true;
      chart?.destroy();
    };
  }, [spec]);
  const summary = props.spec.datasets.map((d) => `${d.label}: ${d.data.reduce((a, b) => a + b, 0).toFixed(props.spec.money ? 2 : 0)}`).join(', ');
  return (
    <figure className="chart">
      <figcaption>{props.title}</figcaption>
      <div className="chart-box">
        <canvas ref={canvas} role="img" aria-label={`${props.title}. Totals: ${summary || 'nothing yet'}`} />
      </div>
    </figure>
  );
}

function specs(daily: DailyStats): { title: string; spec: ChartSpec }[] {
  const labels = daily.days.map((d) => d.date.slice(5));
  const keys = (pick: (d: DailyStats['days'][number]) => Record<string, unknown>): string[] =>
    [...new Set(daily.days.flatMap((d) => Object.keys(pick(d))))].sort();
  const statuses = keys((d) => d.tasks);
  const models = keys((d) => d.by_model);
  const classes = keys((d) => d.failure_classes);
  return [
    {
      title: 'Tasks per day',
      spec: { type: 'bar', stacked: true, labels, datasets: statuses.map((s, i) => ({ label: s, color: STATUS_COLOURS[s] ?? PALETTE[i % PALETTE.length]!, data: daily.days.map((d) => d.tasks[s as keyof typeof d.tasks] ?? 0) })) },
    },
    {
      title: 'Cost per day (USD)',
      spec: { type: 'line', money: true, labels, datasets: [{ label: 'cost', color: PALETTE[0]!, data: daily.days.map((d) => d.cost_usd) }] },
    },
    {
      title: 'Cost per model (USD)',
      spec: { type: 'bar', stacked: true, money: true, labels, datasets: models.map((m, i) => ({ label: m, color: PALETTE[i % PALETTE.length]!, data: daily.days.map((d) => d.by_model[m]?.cost_usd ?? 0) })) },
    },
    {
      title: 'Failure classes per day',
      spec: { type: 'bar', stacked: true, labels, datasets: classes.map((c, i) => ({ label: c, color: PALETTE[(i + 2) % PALETTE.length]!, data: daily.days.map((d) => d.failure_classes[c] ?? 0) })) },
    },
  ];
}

type FailureClass = SystemInfo['failure_classes'][number];

export default function SystemView() {
  const [health, setHealth] = useState<HealthDetailed | null>(null);
  const [workers, setWorkers] = useState<Worker[]>([]);
  const [daily, setDaily] = useState<DailyStats | null>(null);
  const [failures, setFailures] = useState<FailureClass[]>([]);
  const [days, setDays] = useState(14);
  const [errors, setErrors] = useState<string[]>([]);
  const charts = useMemo(() => (daily ? specs(daily) : []), [daily]);

  useEffect(() => {
    const problems: string[] = [];
    const note = (what: string) => (err: unknown) => {
      problems.push(`${what}: ${err instanceof Error ? err.message : String(err)}`);
      setErrors([...problems]);
    };
    api.daily(days).then(setDaily, note('Daily statistics'));
    api.system().then(
      (system) => {
        setHealth(system.health);
        setWorkers(system.workers);
        setFailures(system.failure_classes);
      },
      note('System'),
    );
  }, [days]);

  return (
    <section aria-labelledby="sys-title" className="system-view">
      <h1 id="sys-title">System</h1>
      {errors.map((e) => (
        <ErrorNote key={e} error={e} />
      ))}
      <div className="grid2">
        <section aria-labelledby="health-title" className="card">
          <h2 id="health-title">Health</h2>
          {health ? (
            <dl className="settings">
              <dt>Version</dt>
              <dd>{health.version}</dd>
              <dt>Up</dt>
              <dd>{age(health.started_at)}</dd>
              <dt>Database</dt>
              <dd className="mono">{health.database}</dd>
              <dt>Local worker</dt>
              <dd>
                {health.worker.state}, {health.worker.running_tasks} of {health.worker.concurrency} slots busy
              </dd>
              <dt>Memory admission</dt>
              <dd>
                {health.admission.blocked ? `blocked: ${health.admission.blocked}` : 'open'}
                {health.admission.available_memory_mb !== null ? ` (${health.admission.available_memory_mb} MB free)` : ''}
              </dd>
              <dt>Tasks</dt>
              <dd>
                {Object.entries(health.counts)
                  .map(([s, n]) => `${n} ${s}`)
                  .join(' · ')}
              </dd>
            </dl>
          ) : (
            <p className="loading">Loading…</p>
          )}
        </section>
        <section aria-labelledby="gates-title" className="card">
          <h2 id="gates-title">Model gates</h2>
          {health && health.models.length === 0 ? <p className="empty">No cool-down or breaker: every model is open.</p> : null}
          <ul className="plain">
            {health?.models.map((m) => (
              <li key={m.model}>
                <strong>{m.model}</strong>: breaker {m.breaker_state}
                {m.breaker_open_until ? `, lifts ${when(m.breaker_open_until)}` : ''}
                {m.cooldown_until ? `; cooling down until ${when(m.cooldown_until)} (${m.cooldown_reason ?? ''})` : ''}
                {m.consecutive_failures ? `; ${m.consecutive_failures} failures in a row` : ''}
              </li>
            ))}
          </ul>
        </section>
      </div>
      <section aria-labelledby="workers-title">
        <h2 id="workers-title">Workers</h2>
        <div className="scroll-x">
          <table className="simple">
            <thead>
              <tr>
                <th scope="col">Worker</th>
                <th scope="col">Status</th>
                <th scope="col">Host</th>
                <th scope="col">Running</th>
                <th scope="col">Last heartbeat</th>
              </tr>
            </thead>
            <tbody>
              {workers.map((w) => (
                <tr key={w.id}>
                  <td className="mono">{w.id}</td>
                  <td>
                    <Status status={w.status} />
                  </td>
                  <td>{w.host}</td>
                  <td>
                    {w.running} of {w.concurrency}
                  </td>
                  <td>{age(w.last_heartbeat_at)} ago</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      {failures.length ? (
        <section aria-labelledby="fc-title">
          <h2 id="fc-title">Failure classes</h2>
          <ul className="plain">
            {failures.map((f) => (
              <li key={f.code}>
                <span className="failure-class">{f.code}</span> {f.title}
                {f.retryable ? ' (retried by itself)' : ''}: {f.suggestion}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <section aria-labelledby="charts-title">
        <div className="title-row">
          <h2 id="charts-title">Over time</h2>
          <label>
            Days{' '}
            <select value={days} onChange={(event) => setDays(Number(event.target.value))}>
              {[7, 14, 30, 90].map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
        </div>
        {daily ? (
          <div className="charts">
            {charts.map((c) => (
              <ChartBox key={`${days}-${c.title}`} title={c.title} spec={c.spec} />
            ))}
          </div>
        ) : null}
        {daily ? <p className="meta">Total cost: {money(daily.days.reduce((a, d) => a + d.cost_usd, 0))}</p> : null}
      </section>
    </section>
  );
}
