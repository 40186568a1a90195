/**
 * Plays the ending's sound and shows a desktop notice on this machine (`watch`, `run --watch`, and a server started
 * from a terminal). Each program runs detached with its output ignored and is killed after a timeout if it is still
 * going; nothing waits for it, and a program that is missing or fails is logged, never thrown: a notice must never
 * change how the work ends.
 */
import { spawn } from 'node:child_process';
import type { Config } from '../config/schema.js';
import {
  alertsAvailable,
  alertWanted,
  desktopText,
  soundFor,
  type LocalAlertMode,
  type Surroundings,
} from '../domain/local-alerts.js';
import type { NotifyOptions } from '../domain/vocabulary.js';
import {
  findNotifier,
  findPlayer,
  type Invocation,
  type Machine,
  type Notifier,
  type Player,
} from './local-players.js';
import { soundFile } from './sound-files.js';

/** Where problems go (a logger's warn, or a line on stderr). */
export type AlertLog = (message: string, detail: Record<string, unknown>) => void;

export interface LocalAlertsOptions {
  /** Null when the machine allows no sound (set `off`, or CI) or none was found. */
  player: Player | null;
  notifier: Notifier | null;
  /** The machine's settings and surroundings: they decide for an ending whose work says nothing. */
  sound: LocalAlertMode;
  desktop: LocalAlertMode;
  where: Surroundings;
  log: AlertLog;
  /** A player or notifier still running after this long is killed (default 15 s). */
  timeoutMs?: number;
}

/** One ending to tell the person about. */
export interface Ending {
  /** "Task 12 completed", "Orchestration 3 (release) failed". */
  title: string;
  /** completed, failed, cancelled, skipped; picks the sound. */
  status: string;
  /** A few lines for the desktop notice (the prompt, the failure's suggestion). */
  lines: (string | null | undefined)[];
  /** The task's or orchestration's own `notify` settings (`sound`, `desktop`), when it has them. */
  notify?: NotifyOptions | null;
}

export class LocalAlerts {
  constructor(private readonly options: LocalAlertsOptions) {}

  /** The settings decide, with `auto` read from where the process runs; a task may then turn its alerts on or off. */
  static fromConfig(
    config: Pick<Config, 'sound' | 'sound_player' | 'desktop_notify'>,
    where: Surroundings,
    machine: Machine,
    log: AlertLog,
  ): LocalAlerts {
    return new LocalAlerts({
      player: alertsAvailable(config.sound, where) ? findPlayer(config.sound_player, machine) : null,
      notifier: alertsAvailable(config.desktop_notify, where) ? findNotifier(machine) : null,
      sound: config.sound,
      desktop: config.desktop_notify,
      where,
      log,
    });
  }

  /** Whether any ending could play or show something here (else nobody needs to listen for endings). */
  get active(): boolean {
    return this.options.player !== null || this.options.notifier !== null;
  }

  /** Starts the sound and the notice this ending wants and returns at once. */
  tell(ending: Ending): void {
    const { player, notifier, where } = this.options;
    const own = ending.notify ?? {};
    if (player && alertWanted(this.options.sound, where, own.sound)) {
      this.start(player.play(soundFile(soundFor(ending.status))), 'sound player');
    }
    if (notifier && alertWanted(this.options.desktop, where, own.desktop)) {
      this.start(notifier.show(desktopText(ending.title, ending.lines)), 'desktop notifier');
    }
  }

  private start(invocation: Invocation, what: string): void {
    const { log } = this.options;
    const detail = { command: invocation.command, args: invocation.args };
    try {
      const child = spawn(invocation.command, invocation.args, {
        detached: process.platform !== 'win32',
        stdio: 'ignore',
        windowsHide: true,
      });
      const timer = setTimeout(() => {
        log(`the ${what} still ran after ${this.timeoutMs / 1000} s and was stopped`, detail);
        child.kill('SIGKILL');
      }, this.timeoutMs);
      timer.unref();
      child.on('error', (err) => {
        clearTimeout(timer);
        log(`the ${what} could not start (${err.message})`, detail);
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        if (code !== 0 && signal !== 'SIGKILL') {
          log(`the ${what} ended with ${signal ?? `exit code ${String(code)}`}`, detail);
        }
      });
      child.unref();
    } catch (err) {
      log(`the ${what} could not start (${err instanceof Error ? err.message : String(err)})`, detail);
    }
  }

  private get timeoutMs(): number {
    return this.options.timeoutMs ?? 15_000;
  }
}
