/**
 * Signals to a whole process group (a Claude Code child started detached leads its own group, and the tools it
 * runs, such as a Bash `sleep`, belong to it), and stopping one: SIGTERM, a short wait, then SIGKILL.
 */
import { isAlive } from './process-alive.js';

/** Sends `signal` to every process of the group led by `pgid`; false when the group is gone. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  if (process.platform === 'win32') {
    try {
      return process.kill(pgid, signal);
    } catch {
      return false;
    }
  }
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * SIGTERM to the group, up to `graceMs` for its leader to go, then SIGKILL to whatever of the group is left.
 * Says how the leader ended: `terminated` (went on SIGTERM) or `killed` (needed SIGKILL).
 */
export async function stopGroup(pgid: number, graceMs = 3000): Promise<'terminated' | 'killed'> {
  signalGroup(pgid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pgid) && Date.now() < deadline) await sleep(50);
  const wentOnTerm = !isAlive(pgid);
  // Members that ignored SIGTERM (or outlived their leader) go now; ESRCH when none is left is fine.
  signalGroup(pgid, 'SIGKILL');
  return wentOnTerm ? 'terminated' : 'killed';
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
