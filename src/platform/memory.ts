/**
 * Memory readings from Linux /proc: the system's available memory, and the resident memory of a process together
 * with all its descendants (Claude Code starts shells, test runners, language servers). Elsewhere the readings are
 * null and memory admission is off.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { freemem } from 'node:os';

/** MemAvailable in MB (what can be used without swapping), falling back to free memory. */
export function availableMemoryMb(): number {
  try {
    const info = readFileSync('/proc/meminfo', 'utf8');
    const kb = Number(/MemAvailable:\s+(\d+)/.exec(info)?.[1]);
    if (Number.isFinite(kb)) return Math.round(kb / 1024);
  } catch {
    // not Linux: fall through
  }
  return Math.round(freemem() / 1024 / 1024);
}

interface ProcInfo {
  ppid: number;
  rssKb: number;
}

function readProcs(): Map<number, ProcInfo> {
  const procs = new Map<number, ProcInfo>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return procs;
  }
  for (const entry of entries) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // fields[1] is ppid; fields[21] is rss in pages.
      procs.set(pid, { ppid: Number(fields[1]), rssKb: (Number(fields[21]) * 4096) / 1024 });
    } catch {
      // exited meanwhile
    }
  }
  return procs;
}

/** Resident MB of each root pid's whole process tree; one pass over /proc for all of them. */
export function treeMemoryMb(roots: number[]): Map<number, number> {
  const result = new Map<number, number>();
  if (roots.length === 0) return result;
  const procs = readProcs();
  const children = new Map<number, number[]>();
  for (const [pid, info] of procs) {
    const list = children.get(info.ppid) ?? [];
    list.push(pid);
    children.set(info.ppid, list);
  }
  for (const root of roots) {
    if (!procs.has(root)) continue;
    let kb = 0;
    const stack = [root];
    const seen = new Set<number>();
    while (stack.length > 0) {
      const pid = stack.pop()!;
      if (seen.has(pid)) continue;
      seen.add(pid);
      kb += procs.get(pid)?.rssKb ?? 0;
      stack.push(...(children.get(pid) ?? []));
    }
    result.set(root, Math.round(kb / 1024));
  }
  return result;
}
