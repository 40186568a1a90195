/**
 * `/metrics`: the Prometheus registry (prom-client). The shared figures (tasks, attempts, costs, tokens, histograms,
 * gates, workers) are not local counters: each scrape reads them from the store in one call (Store.metricsSnapshot,
 * aggregated in SQL), so every node of a PostgreSQL cluster serves the same numbers. The process metrics
 * (`process_*`, `nodejs_*`) are this node's own. Built at the first scrape, so a server nobody scrapes loads nothing.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { ATTEMPT_DURATION_BUCKETS, QUEUE_WAIT_BUCKETS } from '../domain/metric-buckets.js';
import { TOKEN_KINDS } from '../domain/token-kinds.js';
import type { HistogramCounts, MetricsSnapshot } from '../store/store.js';

/** The metric names `/metrics` promises (README, Grafana dashboard), besides the default process metrics. */
export const METRIC_NAMES = [
  'claude_worker_tasks',
  'claude_worker_attempts_total',
  'claude_worker_attempt_duration_seconds',
  'claude_worker_queue_wait_seconds',
  'claude_worker_cost_usd_total',
  'claude_worker_tokens_total',
  'claude_worker_model_gate',
  'claude_worker_workers',
] as const;

type Values = { value: number; labels: Record<string, string>; metricName?: string }[];

/** Histogram series (`_bucket` per bound and `+Inf`, `_sum`, `_count`) from counts the store computed. */
function histogramValues(
  name: string,
  labels: Record<string, string>,
  h: HistogramCounts,
  bounds: readonly number[],
) {
  const values: Values = bounds.map((le, i) => ({
    metricName: `${name}_bucket`,
    labels: { ...labels, le: String(le) },
    value: h.buckets[i] ?? 0,
  }));
  values.push({ metricName: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, value: h.count });
  values.push({ metricName: `${name}_sum`, labels, value: h.sum });
  values.push({ metricName: `${name}_count`, labels, value: h.count });
  return values;
}

/** A prom-client Histogram whose series come from the store's snapshot instead of local observations. */
class StoreHistogram extends Histogram {
  constructor(
    private readonly spec: { name: string; help: string; labelNames: string[]; buckets: readonly number[] },
    private readonly series: () => Values,
  ) {
    super({
      name: spec.name,
      help: spec.help,
      labelNames: spec.labelNames,
      buckets: [...spec.buckets],
      registers: [],
    });
  }

  override async get() {
    return this.getForPromString();
  }

  /** What the registry renders (prom-client calls this one for text; `get` for JSON). */
  async getForPromString() {
    const values = this.series();
    return {
      name: this.spec.name,
      help: this.spec.help,
      type: 'histogram' as const,
      values,
      aggregator: 'sum' as const,
    } as unknown as Awaited<ReturnType<Histogram['get']>>;
  }
}

export class Metrics {
  readonly registry = new Registry();
  private snapshot: MetricsSnapshot | null = null;

  constructor(private readonly read: () => Promise<MetricsSnapshot>) {
    const registers = [this.registry];
    const current = () => this.snapshot;
    new Gauge({
      name: 'claude_worker_tasks',
      help: 'Tasks stored, by status (queue depth: status="queued")',
      labelNames: ['status'],
      registers,
      collect() {
        this.reset();
        for (const [status, n] of Object.entries(current()?.tasks ?? {})) this.set({ status }, n);
      },
    });
    new Counter({
      name: 'claude_worker_attempts_total',
      help: 'Finished attempts, by model and outcome (succeeded, or the failure class)',
      labelNames: ['model', 'outcome'],
      registers,
      collect() {
        this.reset();
        for (const a of current()?.attempts ?? []) this.inc({ model: a.model, outcome: a.outcome }, a.count);
      },
    });
    new Counter({
      name: 'claude_worker_cost_usd_total',
      help: 'Cost of finished attempts in US dollars, by model',
      labelNames: ['model'],
      registers,
      collect() {
        this.reset();
        for (const a of current()?.attempts ?? []) this.inc({ model: a.model }, a.cost_usd);
      },
    });
    new Counter({
      name: 'claude_worker_tokens_total',
      help: 'Tokens used by finished attempts, by model and kind (input, output, cache_read, cache_creation)',
      labelNames: ['model', 'kind'],
      registers,
      collect() {
        this.reset();
        for (const a of current()?.attempts ?? []) {
          for (const kind of TOKEN_KINDS) this.inc({ model: a.model, kind }, a.tokens[kind]);
        }
      },
    });
    new Gauge({
      name: 'claude_worker_model_gate',
      help: 'Model gates: 1 while a rate-limit cool-down (kind="cooldown") or an open breaker (kind="breaker") holds',
      labelNames: ['model', 'kind'],
      registers,
      collect() {
        this.reset();
        for (const g of current()?.gates ?? []) {
          this.set({ model: g.model, kind: 'cooldown' }, g.cooldown ? 1 : 0);
          this.set({ model: g.model, kind: 'breaker' }, g.breaker ? 1 : 0);
        }
      },
    });
    new Gauge({
      name: 'claude_worker_workers',
      help: 'Worker processes alive (heartbeat within the lease), on every node',
      registers,
      collect() {
        this.set(current()?.workers ?? 0);
      },
    });
    this.registry.registerMetric(
      new StoreHistogram(
        {
          name: 'claude_worker_attempt_duration_seconds',
          help: 'Run time of finished attempts, by model',
          labelNames: ['model'],
          buckets: ATTEMPT_DURATION_BUCKETS,
        },
        () => {
          const byModel = new Map<string, HistogramCounts>();
          for (const a of current()?.attempts ?? []) {
            const h = byModel.get(a.model) ?? {
              buckets: ATTEMPT_DURATION_BUCKETS.map(() => 0),
              sum: 0,
              count: 0,
            };
            a.duration.buckets.forEach((n, i) => (h.buckets[i] = (h.buckets[i] ?? 0) + n));
            h.sum += a.duration.sum;
            h.count += a.duration.count;
            byModel.set(a.model, h);
          }
          return [...byModel].flatMap(([model, h]) =>
            histogramValues('claude_worker_attempt_duration_seconds', { model }, h, ATTEMPT_DURATION_BUCKETS),
          );
        },
      ),
    );
    this.registry.registerMetric(
      new StoreHistogram(
        {
          name: 'claude_worker_queue_wait_seconds',
          help: 'Time attempts waited in the queue past the moment they could start (after delays and backoff)',
          labelNames: [],
          buckets: QUEUE_WAIT_BUCKETS,
        },
        () => {
          const h = current()?.queue_wait ?? { buckets: QUEUE_WAIT_BUCKETS.map(() => 0), sum: 0, count: 0 };
          return histogramValues('claude_worker_queue_wait_seconds', {}, h, QUEUE_WAIT_BUCKETS);
        },
      ),
    );
    collectDefaultMetrics({ register: this.registry });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** Reads the store once, then renders every metric in the Prometheus text format. */
  async render(): Promise<string> {
    this.snapshot = await this.read();
    return this.registry.metrics();
  }
}
