/**
 * Which program plays a sound and which shows a desktop notice on this machine: the configured
 * `sound_player` command, else the first found of `afplay` (macOS), `paplay`, `aplay` (Linux) or PowerShell
 * (Windows); `notify-send` (Linux) or `osascript` (macOS) for notices. Looks programs up on PATH itself (no shell),
 * and builds each argument list so the text is data, never code.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { appleScriptString, powerShellString, type DesktopText } from '../domain/local-alerts.js';
import { parseCommandLine } from '../domain/command-line.js';

export interface Invocation {
  /** Program to run (a path or a name on PATH). */
  command: string;
  args: string[];
}

export interface Player {
  /** `afplay`, `paplay`, `aplay`, `powershell`, or `sound_player` for a configured command. */
  name: string;
  /** Where it was found, or the configured command line. */
  where: string;
  play(file: string): Invocation;
}

export interface Notifier {
  name: string;
  where: string;
  show(text: DesktopText): Invocation;
}

export interface Machine {
  platform: NodeJS.Platform;
  env: Readonly<Record<string, string | undefined>>;
}

/** The full path of an executable named `name` on PATH, or null. */
export function findOnPath(name: string, env: Machine['env'], platform: NodeJS.Platform): string | null {
  const dirs = (env['PATH'] ?? env['Path'] ?? '').split(delimiter).filter((d) => d !== '');
  const suffixes = platform === 'win32' ? ['.exe', '.cmd', '.bat', ''] : [''];
  for (const dir of dirs) {
    for (const suffix of suffixes) {
      const path = join(dir, name + suffix);
      try {
        if (!statSync(path).isFile()) continue;
        if (platform !== 'win32') accessSync(path, constants.X_OK);
        return path;
      } catch {
        // not here
      }
    }
  }
  return null;
}

/** The configured player (already validated by the config schema), or the detected one, or null. */
export function findPlayer(configured: string | null, machine: Machine): Player | null {
  if (configured !== null) {
    const parsed = parseCommandLine(configured);
    if (!parsed.ok) return null;
    const [command, ...args] = parsed.words as [string, ...string[]];
    return {
      name: 'sound_player',
      where: configured,
      play: (file) => ({ command, args: [...args, file] }),
    };
  }
  const candidates: Record<string, string[]> = {
    darwin: ['afplay'],
    win32: ['powershell', 'pwsh'],
  };
  for (const name of candidates[machine.platform] ?? ['paplay', 'aplay']) {
    const where = findOnPath(name, machine.env, machine.platform);
    if (!where) continue;
    if (name === 'powershell' || name === 'pwsh') {
      return {
        name,
        where,
        play: (file) => ({
          command: where,
          args: [
            '-NoProfile',
            '-NonInteractive',
            '-Command',
            `(New-Object Media.SoundPlayer ${powerShellString(file)}).PlaySync()`,
          ],
        }),
      };
    }
    // aplay/paplay: quiet, the file as the last argument.
    const quiet = name === 'aplay' ? ['-q'] : [];
    return { name, where, play: (file) => ({ command: where, args: [...quiet, file] }) };
  }
  return null;
}

export function findNotifier(machine: Machine): Notifier | null {
  if (machine.platform === 'darwin') {
    const where = findOnPath('osascript', machine.env, machine.platform);
    if (!where) return null;
    return {
      name: 'osascript',
      where,
      show: (text) => ({
        command: where,
        args: [
          '-e',
          `display notification ${appleScriptString(text.body)} with title ${appleScriptString(text.title)}`,
        ],
      }),
    };
  }
  if (machine.platform === 'win32') return null;
  const where = findOnPath('notify-send', machine.env, machine.platform);
  if (!where) return null;
  return {
    name: 'notify-send',
    where,
    // `--` ends the options: a title starting with "-" is still text.
    show: (text) => ({ command: where, args: ['--app-name=claude-worker', '--', text.title, text.body] }),
  };
}
