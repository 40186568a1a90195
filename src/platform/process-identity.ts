/**
 * Who a process is, beyond its pid: a token of its start time, so a pid recorded earlier can be told apart from
 * the same number reused by another process later. Linux: the start time in clock ticks since boot (field 22 of
 * /proc/<pid>/stat); elsewhere `ps -o lstart=` (to the second). Null when the process is gone or unreadable.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export function processStartToken(pid: number): string | null {
  if (!Number.isInteger(pid) || pid <= 0) return null;
  if (process.platform === 'linux') {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // The command name (field 2) may hold spaces and parentheses: count fields after its closing one.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = fields[22 - 3];
      return ticks && /^\d+$/.test(ticks) ? `linux:${ticks}` : null;
    } catch {
      return null;
    }
  }
  try {
    const started = execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5000,
    }).trim();
    return started ? `ps:${started.replace(/\s+/g, ' ')}` : null;
  } catch {
    return null;
  }
}
