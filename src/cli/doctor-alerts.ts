/**
 * The `doctor` checks of sounds and desktop notices: which player and which notifier this machine would use (or
 * that none was found, and how to set one), whether the settings turn them on here, and whether the shipped sound
 * files are in place. Never a failure: a machine without sound still runs tasks.
 */
import type { Config } from '../config/schema.js';
import { alertsOn, inCi } from '../domain/local-alerts.js';
import { findNotifier, findPlayer } from '../notify/local-players.js';
import { soundFile, soundFilesPresent } from '../notify/sound-files.js';
import type { Check } from './doctor-checks.js';
import type { CliContext } from './context.js';

function stateOf(mode: Config['sound'], on: boolean, env: CliContext['io']['env']): string {
  if (mode !== 'auto') return `${mode} (set)`;
  return on ? 'on (auto: a terminal)' : `off (auto: ${inCi(env) ? 'CI' : 'not a terminal'})`;
}

export function alertChecks(context: CliContext, config: Config): Check[] {
  const env = context.io.env;
  const where = { terminal: context.io.stdout.isTTY === true, env };
  const machine = { platform: process.platform, env };
  const soundOn = alertsOn(config.sound, where);
  const player = findPlayer(config.sound_player, machine);
  const sound: Check = player
    ? {
        name: 'sound',
        status: 'ok',
        message: `${stateOf(config.sound, soundOn, env)}; player ${player.name === 'sound_player' ? `sound_player "${player.where}"` : `${player.name} (${player.where})`}`,
        fix: null,
      }
    : {
        name: 'sound',
        status: 'warn',
        message: `${stateOf(config.sound, soundOn, env)}; no sound player found (looked for ${process.platform === 'darwin' ? 'afplay' : process.platform === 'win32' ? 'powershell' : 'paplay, aplay'} on PATH)`,
        fix: 'Install one (Linux: pulseaudio-utils or alsa-utils), or set CLAUDE_WORKER_SOUND_PLAYER to a command that plays the file given as its last argument (e.g. "mpv --no-video"); CLAUDE_WORKER_SOUND=off silences this.',
      };
  if (player && !soundFilesPresent()) {
    sound.status = 'warn';
    sound.message += `; the shipped sound file ${soundFile('success')} is missing`;
    sound.fix = 'Reinstall claude-worker (the package ships sounds/).';
  }
  const notifier = findNotifier(machine);
  const desktopOn = alertsOn(config.desktop_notify, where);
  const desktop: Check = notifier
    ? {
        name: 'desktop notices',
        status: 'ok',
        message: `${stateOf(config.desktop_notify, desktopOn, env)}; ${notifier.name} (${notifier.where})`,
        fix: null,
      }
    : {
        name: 'desktop notices',
        status: 'warn',
        message: `${stateOf(config.desktop_notify, desktopOn, env)}; no desktop notifier found (looked for ${process.platform === 'darwin' ? 'osascript' : 'notify-send'} on PATH)`,
        fix:
          process.platform === 'win32'
            ? 'Desktop notices are not supported on Windows yet; CLAUDE_WORKER_DESKTOP_NOTIFY=off silences this.'
            : 'Install notify-send (libnotify-bin), or set CLAUDE_WORKER_DESKTOP_NOTIFY=off.',
      };
  return [sound, desktop];
}
