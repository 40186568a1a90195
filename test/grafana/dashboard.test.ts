/**
 * The Grafana dashboard in `grafana/claude-worker.json`: it parses as a dashboard, has the panels the README
 * promises, and every metric its PromQL queries (and its template variable) name is served by a real server's
 * `/metrics` — so renaming a metric without the dashboard, or the dashboard without the metric, fails here.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { familyNames, parsePrometheusText, type Exposition } from '../helpers/prom-text.js';
import { startTestServer, type TestServer } from '../api/test-server.js';

interface Dashboard {
  title: string;
  uid: string;
  panels: { title: string; type: string; targets?: { expr: string }[] }[];
  templating: { list: { query: string | { query: string } }[] };
}

const dashboard = JSON.parse(readFileSync('grafana/claude-worker.json', 'utf8')) as Dashboard;

const PROMQL_WORDS = new Set([
  ...['sum', 'min', 'max', 'avg', 'count', 'stddev', 'topk', 'bottomk', 'quantile', 'group'],
  ...[
    'by',
    'without',
    'on',
    'ignoring',
    'group_left',
    'group_right',
    'and',
    'or',
    'unless',
    'bool',
    'offset',
  ],
  ...['rate', 'irate', 'increase', 'delta', 'histogram_quantile', 'label_values', 'le', 'inf', 'nan'],
]);

/** The metric names a PromQL expression selects: identifiers outside label matchers, ranges and groupings. */
export function metricNamesOf(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""') // strings
    .replace(/label_values\(\s*([^,)]+)(,[^)]*)?\)/g, ' $1 ') // Grafana's variable query: (metric, label)
    .replace(/\{[^}]*\}/g, ' ') // label matchers
    .replace(/\[[^\]]*\]/g, ' ') // ranges
    .replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, ' '); // grouping labels
  const names = new Set<string>();
  for (const match of bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const word = match[0];
    const next = bare.slice(match.index + word.length).trimStart();
    if (next.startsWith('(') || PROMQL_WORDS.has(word.toLowerCase()) || /^\d/.test(word)) continue;
    names.add(word);
  }
  return [...names];
}

/** Served: a family, or a histogram's `_bucket`, `_sum` or `_count` series. */
function served(exposition: Exposition, name: string): boolean {
  if (familyNames(exposition).has(name)) return true;
  const family = name.replace(/_(bucket|sum|count)$/, '');
  return family !== name && exposition.types.get(family) === 'histogram';
}

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
}, 60_000);
afterAll(async () => {
  await t?.close();
});

describe('grafana/claude-worker.json', () => {
  it('reads PromQL metric names the way the check below relies on', () => {
    expect(
      metricNamesOf('histogram_quantile(0.9, sum by (le, model) (rate(a_seconds_bucket{model!="x"}[5m])))'),
    ).toEqual(['a_seconds_bucket']);
    expect(metricNamesOf('max without (instance) (b_total) / on (job) c')).toEqual(['b_total', 'c']);
    expect(metricNamesOf('label_values(d_workers, job)')).toEqual(['d_workers']);
  });

  it('shows queue depth, throughput, failures by class, cost per model and day, duration percentiles and gates', () => {
    expect(dashboard.uid).toBe('claude-worker');
    const titles = dashboard.panels.map((p) => p.title.toLowerCase()).join(' | ');
    for (const word of [
      'queue depth',
      'throughput',
      'failures by class',
      'cost per model and day',
      'duration percentiles',
      'gates',
    ]) {
      expect(titles).toContain(word);
    }
    const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((target) => target.expr));
    expect(exprs.some((e) => e.includes('histogram_quantile(0.99'))).toBe(true);
  });

  it('names only metrics that /metrics serves', async () => {
    const response = await fetch(`${t.server.url}/metrics`, {
      headers: { authorization: `Bearer ${t.server.token}` },
    });
    const exposition = parsePrometheusText(await response.text());
    const queries = [
      ...dashboard.panels.flatMap((p) => (p.targets ?? []).map((target) => target.expr)),
      ...dashboard.templating.list.map((v) => (typeof v.query === 'string' ? v.query : v.query.query)),
    ];
    const named = new Set(queries.flatMap(metricNamesOf));
    expect(named.size).toBeGreaterThanOrEqual(8);
    const missing = [...named].filter((name) => !served(exposition, name));
    expect(missing).toEqual([]);
  }, 30_000);
});
