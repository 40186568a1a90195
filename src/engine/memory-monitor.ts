/**
 * Admission control by memory: samples free system memory and each running Claude Code process tree's resident
 * memory. While free memory is below `min_free_memory_mb`, no new task starts (the reason is visible in the
 * engine's stats, /health/detailed and doctor). A task whose tree goes over `memory_limit_mb` is stopped and its
 * attempt classified `memory_limit`.
 */
import type { Config } from '../config/schema.js';
import { availableMemoryMb, treeMemoryMb } from '../platform/memory.js';

export interface MemoryReading {
  available_mb: number;
  /** Why new tasks do not start, or null when they may. */
  admission_blocked: string | null;
  /** Resident MB per running task id. */
  tasks_mb: Record<number, number>;
}

export class MemoryMonitor {
  private reading: MemoryReading = {
    available_mb: availableMemoryMb(),
    admission_blocked: null,
    tasks_mb: {},
  };

  constructor(
    private readonly config: Pick<Config, 'min_free_memory_mb' | 'memory_limit_mb'>,
    /** Running task ids with their Claude Code pids. */
    private readonly running: () => Iterable<{ taskId: number; pid: number | null }>,
    /** Stops a task over its limit. */
    private readonly overLimit: (taskId: number, usedMb: number) => void,
  ) {
    this.reading.admission_blocked = this.blockedReason(this.reading.available_mb);
  }

  /** Takes one sample; returns it. */
  sample(): MemoryReading {
    const available = availableMemoryMb();
    const withPids = [...this.running()].filter((r): r is { taskId: number; pid: number } => r.pid !== null);
    const byPid = treeMemoryMb(withPids.map((r) => r.pid));
    const tasks: Record<number, number> = {};
    for (const { taskId, pid } of withPids) {
      const used = byPid.get(pid);
      if (used === undefined) continue;
      tasks[taskId] = used;
      if (this.config.memory_limit_mb !== null && used > this.config.memory_limit_mb)
        this.overLimit(taskId, used);
    }
    this.reading = {
      available_mb: available,
      admission_blocked: this.blockedReason(available),
      tasks_mb: tasks,
    };
    return this.reading;
  }

  get last(): MemoryReading {
    return this.reading;
  }

  private blockedReason(availableMb: number): string | null {
    const min = this.config.min_free_memory_mb;
    if (min <= 0 || availableMb >= min) return null;
    return `free memory ${availableMb} MB is below min_free_memory_mb ${min} MB; new tasks wait`;
  }
}
