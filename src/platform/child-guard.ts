/**
 * Makes a Claude Code child (and the tools it runs) end soon after the server that started it dies, where the
 * platform allows. Two parts, both optional (`child_dies_with_server`):
 * - Linux: the child is started through `setpriv --pdeathsig KILL --` (util-linux), which asks the kernel to send
 *   SIGKILL when the thread that forked it exits (libuv forks on the main thread, which lives as long as the
 *   server). setpriv execs the real command, so the pid, start time and process group stay the child's.
 * - POSIX (Linux, macOS): a lifeline, a tiny detached `sh` holding a pipe from the server. When the server dies the
 *   kernel closes the pipe, `read` returns, and it stops the child's whole process group (SIGTERM, 2 s, SIGKILL):
 *   the grandchildren too, which pdeathsig alone leaves running. At the attempt's end the server releases it.
 * Without either (Windows, or the setting off) an orphan runs on until a restarted server stops it (engine/orphans).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

export interface ChildGuardSupport {
  pdeathsig: boolean;
  lifeline: boolean;
  /** In plain words, for `doctor`. */
  detail: string;
}

let cached: ChildGuardSupport | null = null;

/** What this machine offers (probed once). */
export function childGuardSupport(): ChildGuardSupport {
  if (cached) return cached;
  const lifeline = process.platform !== 'win32' && works('/bin/sh', ['-c', 'exit 0']);
  const pdeathsig = process.platform === 'linux' && works('setpriv', ['--pdeathsig', 'KILL', '--', 'true']);
  const parts: string[] = [];
  if (pdeathsig) parts.push('Claude Code gets SIGKILL when the server dies (setpriv --pdeathsig)');
  else if (process.platform === 'linux')
    parts.push(
      'setpriv (util-linux) is missing or has no --pdeathsig, so the kernel cannot kill Claude Code with the server',
    );
  if (lifeline) parts.push("a lifeline stops Claude Code's whole process group when the server dies");
  if (!pdeathsig && !lifeline)
    parts.push('on this platform Claude Code may outlive a server that dies; a restarted server stops it');
  cached = { pdeathsig, lifeline, detail: parts.join('; ') };
  return cached;
}

/** The command prefix that makes the kernel kill the child with its parent, or an empty list. */
export function deathSignalPrefix(): string[] {
  return childGuardSupport().pdeathsig ? ['setpriv', '--pdeathsig', 'KILL', '--'] : [];
}

export interface Lifeline {
  /** The attempt is over: the lifeline exits without touching anything. */
  release(): void;
}

const LIFELINE_SCRIPT = [
  'read -r word',
  '[ "$word" = done ] && exit 0',
  'kill -s TERM -- "-$1" 2>/dev/null',
  'sleep 2',
  'kill -s KILL -- "-$1" 2>/dev/null',
].join('\n');

/** Starts a lifeline for the process group `pgid`; null where there is none. */
export function startLifeline(pgid: number): Lifeline | null {
  if (!childGuardSupport().lifeline) return null;
  let watcher: ChildProcess;
  try {
    watcher = spawn('/bin/sh', ['-c', LIFELINE_SCRIPT, 'claude-worker-lifeline', String(pgid)], {
      detached: true, // its own group: a Ctrl-C or a kill of the server's group does not take it along
      stdio: ['pipe', 'ignore', 'ignore'],
    });
  } catch {
    return null;
  }
  watcher.on('error', () => undefined);
  watcher.stdin?.on('error', () => undefined); // EPIPE if it is gone already
  watcher.unref();
  (watcher.stdin as { unref?: () => void } | null)?.unref?.();
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      watcher.stdin?.end('done\n');
    },
  };
}

function works(command: string, args: string[]): boolean {
  try {
    return spawnSync(command, args, { stdio: 'ignore', timeout: 5000 }).status === 0;
  } catch {
    return false;
  }
}
