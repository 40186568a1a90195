/**
 * Durations as people write them, one rule for the CLI and workflow files: plain seconds (`90`, `1.5`) or a number
 * with a unit (`90s`, `30m`, `2h`, `1d`). Pure.
 */

const UNIT_SECONDS: Readonly<Record<string, number>> = { '': 1, s: 1, m: 60, h: 3600, d: 86400 };

/** The forms, for messages. */
export const DURATION_FORMS = 'seconds, or a duration such as 90s, 30m, 2h';

/** Seconds in `text`, or null when it is not a duration. */
export function parseDurationSeconds(text: string): number | null {
  const match = /^(\d+(?:\.\d+)?)\s*([smhd]?)$/i.exec(text.trim());
  const unit = match ? UNIT_SECONDS[(match[2] ?? '').toLowerCase()] : undefined;
  if (!match || unit === undefined) return null;
  return Number(match[1]) * unit;
}

/** `604800` → `7 days`, `3600` → `1 hour`, `90` → `90 seconds`: for limits in messages. */
export function describeSeconds(seconds: number): string {
  const units: [number, string][] = [
    [86400, 'day'],
    [3600, 'hour'],
    [60, 'minute'],
  ];
  for (const [size, name] of units) {
    if (seconds >= size && seconds % size === 0) {
      const n = seconds / size;
      return `${n} ${name}${n === 1 ? '' : 's'}`;
    }
  }
  return `${seconds} seconds`;
}
