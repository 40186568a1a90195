/**
 * Pruning finished work (`claude-worker prune`, `POST /api/v1/prune`): turns "older than" into a cut-off, asks the
 * store to delete (or count) finished tasks and whole finished orchestrations with their attempts and events, then
 * removes the deleted tasks' log and transcript files from this node's disk. Work that has not finished is never
 * touched, whatever its age.
 */
import { rm } from 'node:fs/promises';
import type { Actor } from '../domain/vocabulary.js';
import type { PruneCounts, Store } from '../store/store.js';

export interface PruneOptions {
  older_than_seconds: number;
  dry_run: boolean;
}

export interface PruneReport extends PruneCounts {
  dry_run: boolean;
  /** The cut-off: work that finished before this time. */
  finished_before: string;
  /** Log and transcript files removed from this node's disk. */
  files_removed: number;
  /** Worker nodes gone (stopped, or silent past their lease) since before the cut-off, no longer listed. */
  workers: number;
}

export class PruneService {
  constructor(
    private readonly store: Store,
    /** A worker silent for less than this may still be alive: never pruned, whatever the age asked for. */
    private readonly leaseMs = 0,
  ) {}

  async prune(options: PruneOptions, actor: Actor, now = new Date()): Promise<PruneReport> {
    const finishedBefore = new Date(now.getTime() - options.older_than_seconds * 1000);
    const result = await this.store.prune({
      finished_before: finishedBefore,
      dry_run: options.dry_run,
      actor,
    });
    const workersGoneBefore = new Date(Math.min(finishedBefore.getTime(), now.getTime() - this.leaseMs));
    const workers = await this.store.pruneWorkers(workersGoneBefore, options.dry_run);
    let removed = 0;
    for (const path of result.log_paths) {
      // A file may be gone already (pruned by hand, or written on another node): that is not an error.
      try {
        await rm(path);
        removed += 1;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
    return {
      dry_run: result.dry_run,
      finished_before: finishedBefore.toISOString(),
      tasks: result.tasks,
      attempts: result.attempts,
      events: result.events,
      orchestrations: result.orchestrations,
      files_removed: removed,
      workers,
    };
  }
}
