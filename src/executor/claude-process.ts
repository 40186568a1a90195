/**
 * Starts the Claude Code child for the SDK (its `spawnClaudeCodeProcess` hook): in a process group of its own, so
 * the tools it runs (a Bash `sleep`, a test server) can be stopped with it; guarded so it ends soon after the
 * server dies (platform/child-guard.ts); and reported (pid, start-time token, host) as soon as it exists, so an
 * orphan can be found later. Every stop the SDK or the engine asks for reaches the whole group.
 */
import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import type { SpawnedProcess, SpawnOptions } from '@anthropic-ai/claude-agent-sdk';
import type { AttemptChild } from '../domain/vocabulary.js';
import { deathSignalPrefix, startLifeline } from '../platform/child-guard.js';
import { signalGroup, stopGroup } from '../platform/process-group.js';
import { processStartToken } from '../platform/process-identity.js';

export interface ClaudeProcessHooks {
  onStderr: (text: string) => void;
  onSpawn?: (child: AttemptChild) => void;
  /** `child_dies_with_server`: wrap with pdeathsig and start a lifeline where the platform has them. */
  guard: boolean;
}

const OWN_GROUP = process.platform !== 'win32';

export function spawnClaudeProcess(options: SpawnOptions, hooks: ClaudeProcessHooks): SpawnedProcess {
  const prefix = hooks.guard ? deathSignalPrefix() : [];
  const [command, ...args] = [...prefix, options.command, ...options.args] as [string, ...string[]];
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    detached: OWN_GROUP,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => hooks.onStderr(text));
  const pid = child.pid;
  if (pid === undefined) return child; // failed to start: the 'error' event tells the SDK

  const lifeline = hooks.guard && OWN_GROUP ? startLifeline(pid) : null;
  child.once('exit', () => lifeline?.release());
  // The SDK's forwarded signal fires after its graceful stdin-close window: stop what is left of the group.
  const stop = (): void => void stopGroup(pid);
  if (options.signal?.aborted) stop();
  else options.signal?.addEventListener('abort', stop, { once: true });
  const killChild = child.kill.bind(child);
  child.kill = (signal?: NodeJS.Signals | number): boolean => {
    if (OWN_GROUP && typeof signal !== 'number') signalGroup(pid, signal ?? 'SIGTERM');
    return killChild(signal);
  };
  hooks.onSpawn?.({ pid, start: processStartToken(pid) ?? 'unknown', host: hostname() });
  return child;
}

/** After an attempt the engine stopped (cancel, timeout, shutdown…): no tool of it may run on. */
export function killLeftovers(pgid: number): void {
  if (OWN_GROUP) signalGroup(pgid, 'SIGKILL');
}
