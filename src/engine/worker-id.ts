/**
 * Worker identity: `<host>/<pid>/<nonce>`. The host and pid let a restarted node tell at once which running tasks
 * belonged to a process of its own that is gone (no need to wait for their leases to expire).
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { isAlive } from '../platform/process-alive.js';

export function newWorkerId(): string {
  return `${hostname()}/${process.pid}/${randomBytes(3).toString('hex')}`;
}

/** True when the worker id names a process on this host that no longer exists. */
export function isDeadLocalWorker(workerId: string, selfId: string): boolean {
  if (workerId === selfId) return false;
  const [host, pidText] = workerId.split('/');
  if (host !== hostname()) return false;
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true; // an earlier engine of this very process (tests, restarts in-process)
  return !isAlive(pid);
}
