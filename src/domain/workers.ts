/**
 * Rules about worker nodes, as pure functions: whether a worker counts as alive, and whether its labels let it take
 * a task (`runs_on`). The stores keep heartbeats and labels; these decide what they mean.
 */
import { makeFailure } from './failure-codes.js';
import type { Failure, Worker, WorkerStatus } from './vocabulary.js';

/** What a store keeps about a worker (times as ISO-8601); `status` is derived by `workerStatus`. */
export interface WorkerRecord extends Omit<Worker, 'status'> {
  /** Set when it stopped gracefully; null while it runs (or when it died without saying so). */
  stopped_at: string | null;
}

/**
 * `alive` while it has not stopped and its last heartbeat lies within the lease window (a running task's lease is
 * renewed by that same heartbeat, so a worker silent for longer has lost its tasks to recovery); else `gone`.
 */
export function workerStatus(worker: WorkerRecord, leaseMs: number, now = Date.now()): WorkerStatus {
  if (worker.stopped_at !== null) return 'gone';
  return Date.parse(worker.last_heartbeat_at) >= now - leaseMs ? 'alive' : 'gone';
}

/** The wire shape: the record with its status, without `stopped_at`. */
export function workerView(worker: WorkerRecord, leaseMs: number, now = Date.now()): Worker {
  return {
    id: worker.id,
    host: worker.host,
    pid: worker.pid,
    labels: worker.labels,
    concurrency: worker.concurrency,
    running: worker.running,
    version: worker.version,
    started_at: worker.started_at,
    last_heartbeat_at: worker.last_heartbeat_at,
    status: workerStatus(worker, leaseMs, now),
  };
}

/** A worker takes a task only when it has ALL the task's `runs_on` labels (none needed: any worker). */
export function labelsAllow(workerLabels: readonly string[], runsOn: readonly string[]): boolean {
  return runsOn.every((label) => workerLabels.includes(label));
}

/**
 * Why a queued task cannot start for want of a worker: no worker is alive at all, or none alive has all its
 * `runs_on` labels. Null when one could take it (it waits only for a free slot, or for nothing).
 */
export function missingWorkerReason(runsOn: readonly string[], alive: readonly Worker[]): string | null {
  if (runsOn.length === 0) {
    if (alive.length > 0) return null;
    return (
      'waiting for a worker; none alive. Start one with `claude-worker worker`, or run the server without ' +
      '--no-worker.'
    );
  }
  if (alive.some((w) => labelsAllow(w.labels, runsOn))) return null;
  const what = runsOn.length === 1 ? `label ${runsOn[0]}` : `labels ${runsOn.join(', ')} (all of them)`;
  const near = alive.filter((w) => runsOn.some((l) => w.labels.includes(l)));
  const hint =
    near.length > 0
      ? `; alive workers have only some of them (${near.map((w) => `${w.host}: ${w.labels.join(',')}`).join('; ')})`
      : `; none alive`;
  return `waiting for a worker with ${what}${hint}. Start one with \`claude-worker worker --label ${runsOn.join(',')}\`.`;
}

/**
 * The working directory is missing on the machine of the worker that claimed the task: a permanent failure (another
 * attempt on this machine fails alike) that names the host and the folder and says how to send the task elsewhere.
 */
export function missingDirectoryFailure(
  task: { id: number; working_directory: string; runs_on: readonly string[] },
  host: string,
): Failure {
  const where =
    task.runs_on.length > 0
      ? `It carries runs_on ${task.runs_on.join(', ')}; check that only machines having the folder run workers with those labels.`
      : 'Give it runs_on labels (`claude-worker run --runs-on LABEL`, `runs_on: [LABEL]` in a file) so that only workers started with `--label LABEL` on a machine that has the folder take it.';
  return {
    ...makeFailure(
      'invalid_request',
      `The working directory ${task.working_directory} does not exist (or is not a directory) on worker host ${host}.`,
    ),
    suggestion: `Create the folder on ${host}, or send the task to a machine that has it. ${where} Then run it again with \`claude-worker retry ${task.id}\`.`,
  };
}
