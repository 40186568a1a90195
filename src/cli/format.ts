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

/** A table cell: text, or (last column only) a function that lays itself out in the width it gets. */
export type Cell = string | ((width: number) => string);

/** Aligned columns; the last column is cut (or lays itself out) to fit `maxWidth`. */
export function table(headers: string[], rows: Cell[][], maxWidth: number): string[] {
  const all = [headers, ...rows];
  const length = (cell: Cell | undefined) => (typeof cell === 'string' ? cell.length : 0);
  const widths = headers.map((_, column) => Math.max(...all.map((row) => length(row[column]))));
  const fixed = widths.slice(0, -1).reduce((sum, width) => sum + width + 2, 0);
  const lastWidth = Math.max(10, maxWidth - fixed);
  return all.map((row) =>
    row
      .map((cell, column) => {
        if (column < row.length - 1) return (cell as string).padEnd(widths[column] ?? 0);
        return typeof cell === 'string' ? truncate(cell, lastWidth) : truncate(cell(lastWidth), lastWidth);
      })
      .join('  ')
      .trimEnd(),
  );
}

/**
 * Width to lay out for: the terminal's; else `COLUMNS` from the environment (as shells export it), else a
 * generous default for pipes and files.
 */
export function outputWidth(
  stream: NodeJS.WriteStream = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): number {
  if (stream.isTTY && stream.columns) return stream.columns;
  const columns = Number(env['COLUMNS']);
  return Number.isInteger(columns) && columns >= 20 ? columns : 160;
}

/** The first line of a text that has something on it, on one line (control characters gone). */
export function firstLine(text: string): string {
  return oneLine(
    stripControl(text)
      .split('\n')
      .find((line) => line.trim() !== '') ?? '',
  );
}

/**
 * Two texts in `width`: `first → second` when both fit; otherwise `first` keeps at least `share` of the width
 * (more when `second` is short), `second` gets the rest, and when too little is left for it, only `first` shows.
 */
export function fitPair(first: string, second: string, width: number, share = 0.6): string {
  const arrow = ' → ';
  if (!second) return truncate(first, width);
  if (first.length + arrow.length + second.length <= width) return `${first}${arrow}${second}`;
  const firstBudget = Math.min(
    first.length,
    Math.max(Math.floor(width * share), width - arrow.length - second.length),
  );
  const secondBudget = width - firstBudget - arrow.length;
  if (secondBudget < 12) return truncate(first, width);
  return `${truncate(first, firstBudget)}${arrow}${truncate(second, secondBudget)}`;
}

/**
 * Words wrapped to `width` (at least 20 wide), every line after the first indented by `indent` spaces; a word
 * longer than a line stays whole. Nothing is cut.
 */
export function wrap(text: string, width: number, indent = 0): string[] {
  const lines: string[] = [];
  const pad = ' '.repeat(indent);
  let line = '';
  for (const word of oneLine(text).split(' ')) {
    const limit = Math.max(20, width) - (lines.length === 0 ? 0 : indent);
    if (line && line.length + 1 + word.length > limit) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines.map((l, i) => (i === 0 ? l : `${pad}${l}`));
}
