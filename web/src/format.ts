/** How numbers, times and durations read in the dashboard. */

export function money(usd: number | null | undefined): string {
  if (usd === null || usd === undefined) return '—';
  return usd < 0.01 && usd > 0 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '—';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

export function age(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  return duration(now - Date.parse(iso));
}

export function taskDuration(task: { started_at: string | null; finished_at: string | null }, now = Date.now()): string {
  if (!task.started_at) return '—';
  const end = task.finished_at ? Date.parse(task.finished_at) : now;
  return duration(end - Date.parse(task.started_at));
}

export function firstLine(text: string, max = 120): string {
  const line = text.split('\n').find((l) => l.trim().length > 0) ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

export function when(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString() : '—';
}
