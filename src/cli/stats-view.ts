/**
 * How `claude-worker stats` reads: the window's totals, each failure class with its advice in full (wrapped to the
 * width, never cut), attempts per model, attempts per hour with the failures of that hour, and the models'
 * cool-downs and breakers. Pure text; no I/O.
 */
import type { ErrorStats } from '../engine/error-stats.js';
import type { ModelGate } from '../store/store.js';
import { table, wrap } from './format.js';

/** Hours shown in text; the rest is in `--json`. */
export const MAX_HOURS_SHOWN = 48;

export function statsLines(
  stats: ErrorStats & { models: ModelGate[] },
  hours: number,
  width: number,
): string[] {
  const lines = [
    `Last ${hours} h: ${stats.attempts} attempts, ${stats.succeeded} succeeded, ${stats.failed} did not.`,
  ];
  if (stats.by_code.length > 0) {
    lines.push('', 'Failures by class:');
    for (const c of stats.by_code) {
      lines.push(`  ${c.count} × ${c.code} (${c.title}), ${c.retryable ? 'retried' : 'not retried'}`);
      if (c.suggestion) lines.push(...wrap(`what to do: ${c.suggestion}`, width - 4).map((l) => `    ${l}`));
    }
  }
  if (stats.by_model.length > 0) {
    lines.push('');
    const rows = stats.by_model.map((m) => [m.model, String(m.attempts), String(m.failed)]);
    lines.push(...table(['model', 'attempts', 'failed'], rows, width));
  }
  const byHour = hourRows(stats);
  if (byHour.length > 0) {
    lines.push('');
    const shown = byHour.slice(-MAX_HOURS_SHOWN);
    lines.push(...table(['hour (UTC)', 'attempts', 'failed', 'failures'], shown, width));
    if (byHour.length > shown.length)
      lines.push(`(${byHour.length - shown.length} earlier hours with attempts: claude-worker stats --json)`);
  }
  const gated = stats.models.filter((g) => g.cooldown_until || g.breaker_state !== 'closed');
  lines.push('');
  if (gated.length === 0) lines.push('Every model is open: no cool-down, no open breaker.');
  for (const gate of gated) {
    if (gate.cooldown_until) lines.push(`${gate.model}: rate-limit cool-down until ${gate.cooldown_until}`);
    if (gate.breaker_state !== 'closed') {
      const until = gate.breaker_open_until ? ` until ${gate.breaker_open_until}` : '';
      lines.push(
        `${gate.model}: breaker ${gate.breaker_state}${until} (${gate.consecutive_failures} consecutive failures; last: ${gate.last_failure ?? 'unknown'})`,
      );
    }
  }
  return lines;
}

/** One row per hour with attempts, oldest first: `2026-12-01 06:00  3  1  auth 1`. */
function hourRows(stats: ErrorStats): string[][] {
  const hours = new Map<string, { attempts: number; failures: Map<string, number> }>();
  for (const row of stats.by_hour) {
    const hour = hours.get(row.hour) ?? { attempts: 0, failures: new Map<string, number>() };
    hour.attempts += row.count;
    if (row.code !== 'completed' && row.code !== 'succeeded')
      hour.failures.set(row.code, (hour.failures.get(row.code) ?? 0) + row.count);
    hours.set(row.hour, hour);
  }
  return [...hours]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([hour, { attempts, failures }]) => {
      const failed = [...failures.values()].reduce((sum, n) => sum + n, 0);
      const which = [...failures]
        .sort((a, b) => b[1] - a[1])
        .map(([code, n]) => `${code} ${n}`)
        .join(', ');
      return [
        hour.replace('T', ' ').replace(/:00(\.000)?Z$/, ''),
        String(attempts),
        String(failed),
        which || '-',
      ];
    });
}
