/**
 * Sounds and desktop notices on the machine of the person who started the work, in plain rules: whether a setting
 * (`auto`, `on`, `off`) means on where the process runs, which sound an ending plays, and the title and body a
 * desktop notice shows. Reads and runs nothing.
 */

export const LOCAL_ALERT_MODES = ['auto', 'on', 'off'] as const;
export type LocalAlertMode = (typeof LOCAL_ALERT_MODES)[number];

/** What `auto` looks at: is the output a terminal, is this a CI job. */
export interface Surroundings {
  terminal: boolean;
  env: Readonly<Record<string, string | undefined>>;
}

/** A CI job (`CI` set to anything but false/0): no one sits at this machine. */
export function inCi(env: Surroundings['env']): boolean {
  const ci = env['CI'];
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}

/** `on` and `off` mean what they say; `auto` is on at a local terminal and off in CI or without a terminal. */
export function alertsOn(mode: LocalAlertMode, where: Surroundings): boolean {
  if (mode === 'on') return true;
  if (mode === 'off') return false;
  return where.terminal && !inCi(where.env);
}

/**
 * Whether the machine lets a task ask for this alert at all: not when it is set `off`, nor in CI (`auto` there
 * means no one sits at the machine).
 */
export function alertsAvailable(mode: LocalAlertMode, where: Surroundings): boolean {
  return mode === 'on' || (mode === 'auto' && !inCi(where.env));
}

/**
 * One ending's alert: the task's (or orchestration's) own `on` / `off` wins where the machine allows alerts at all;
 * without one, the machine's setting decides as `alertsOn` says.
 */
export function alertWanted(
  mode: LocalAlertMode,
  where: Surroundings,
  own: 'on' | 'off' | undefined,
): boolean {
  if (!alertsAvailable(mode, where)) return false;
  return own === undefined ? alertsOn(mode, where) : own === 'on';
}

export type SoundKind = 'success' | 'failure';

/** Completed sounds like success; everything else that ends (failed, cancelled, skipped, needs attention) does not. */
export function soundFor(status: string): SoundKind {
  return status === 'completed' ? 'success' : 'failure';
}

/** A desktop notice's text: one short title and a body of at most a few lines. */
export interface DesktopText {
  title: string;
  body: string;
}

const BODY_CHARS = 240;

/** Control characters (but line breaks when `keepBreaks`) become spaces: they would garble a notice. */
function plain(text: string, keepBreaks: boolean): string {
  return [...text]
    .map((ch) => {
      const code = ch.charCodeAt(0);
      const control = code < 0x20 || code === 0x7f;
      return control && !(keepBreaks && ch === '\n') ? ' ' : ch;
    })
    .join('');
}

export function desktopText(title: string, lines: (string | null | undefined)[]): DesktopText {
  const body = plain(
    lines.filter((l): l is string => typeof l === 'string' && l.trim() !== '').join('\n'),
    true,
  );
  return {
    title: plain(title, false).slice(0, 120),
    body: body.length > BODY_CHARS ? `${body.slice(0, BODY_CHARS - 1)}…` : body,
  };
}

/** An AppleScript string literal: backslashes and double quotes escaped, so text cannot end the string. */
export function appleScriptString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, ' ')}"`;
}

/** A PowerShell single-quoted string literal ('' stands for '). */
export function powerShellString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
