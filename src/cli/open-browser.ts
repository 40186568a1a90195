/**
 * Opens a URL in the person's browser, detached, ignoring every error (printing the link is the promise; opening
 * it is a convenience). Decides first whether to try at all: not in CI, not without a display on Linux.
 */
import { spawn } from 'node:child_process';

/** Why the browser is not opened (for a note), or null when it may be. */
export function whyNotOpen(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
): string | null {
  if (env['CI'] && env['CI'] !== 'false' && env['CI'] !== '0') return 'CI is set';
  if (platform !== 'darwin' && platform !== 'win32' && !env['DISPLAY'] && !env['WAYLAND_DISPLAY']) {
    return 'there is no display (DISPLAY and WAYLAND_DISPLAY are unset)';
  }
  return null;
}

export function openInBrowser(url: string, platform: NodeJS.Platform = process.platform): void {
  const [command, args] =
    platform === 'darwin'
      ? ['open', [url]]
      : platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url.replace(/&/g, '^&')]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(command, args as string[], { detached: true, stdio: 'ignore' });
    child.on('error', () => undefined); // no opener installed: the printed link is enough
    child.unref();
  } catch {
    // spawn itself may throw on odd platforms; the link was printed
  }
}
