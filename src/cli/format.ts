/**
 * Small text helpers for human output: durations, ages, costs, truncation and aligned tables. Pure; the caller
 * decides where text goes.
 */

/** `45s`, `3m 05s`, `1h 02m`, `2d 3h`. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h ${String(minutes % 60).padStart(2, '0')}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

/** `5s ago`, `3m ago`, `2h ago`, `4d ago`. */
export function formatAge(iso: string, now: number = Date.now()): string {
  const seconds = Math.max(0, Math.floor((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`;
  if (seconds < 48 * 3600) return `${Math.floor(seconds / 3600)}h ago`;
  return `${Math.floor(seconds / 86400)}d ago`;
}

export function formatCost(usd: number | null | undefined): string {
  if (usd === null || usd === undefined) return '-';
  return usd >= 1 ? `$${usd.toFixed(2)}` : `$${usd.toFixed(4)}`;
}

/**
 * Removes terminal control characters (escape sequences, bells, carriage returns…) but keeps newlines and tabs:
 * prompts, results and last actions come from people and models, and must not retitle or clear the terminal.
 */
/* eslint-disable no-control-regex -- matching control characters is the point */
const CONTROL = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)?|[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;
/* eslint-enable no-control-regex */

export function stripControl(text: string): string {
  return text.replace(CONTROL, '');
}

/** A single line: newlines and runs of spaces become one space; control characters go. */
export function oneLine(text: string): string {
  return stripControl(text).replace(/\s+/g, ' ').trim();
}

export function truncate(raw: string, width: number): string {
  const text = stripControl(raw);
  if (width <= 0) return '';
  if (text.length <= width) return text;
  return width === 1 ? '…' : `${text.slice(0, width - 1)}…`;
}

/** Aligned columns; the last column is cut to fit `maxWidth`. */
export function table(headers: string[], rows: string[][], maxWidth: number): string[] {
  const all = [headers, ...rows];
  const widths = headers.map((_, column) => Math.max(...all.map((row) => (row[column] ?? '').length)));
  const fixed = widths.slice(0, -1).reduce((sum, width) => sum + width + 2, 0);
  const lastWidth = Math.max(10, maxWidth - fixed);
  return all.map((row) =>
    row
      .map((cell, column) =>
        column === row.length - 1 ? truncate(cell, lastWidth) : cell.padEnd(widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd(),
  );
}

/** Width to lay out for: the terminal's, else a generous default for pipes and files. */
export function outputWidth(stream: NodeJS.WriteStream = process.stdout): number {
  return stream.isTTY && stream.columns ? stream.columns : 160;
}
