/**
 * When a second stop signal means "exit now". A signal sent to a whole process group (GNU `timeout`, a terminal's
 * Ctrl-C, `kill -- -PGID`) can reach a process twice within milliseconds: that is one request, and the graceful stop
 * must go on. Only a signal at least a second after the first one forces the exit.
 */
export const REPEAT_WINDOW_MS = 1000;

export function forcesExit(firstSignalAt: number, now: number): boolean {
  return now - firstSignalAt >= REPEAT_WINDOW_MS;
}
