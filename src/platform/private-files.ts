/**
 * The home folder is private: it holds prompts, results, task env values, logs and the API token. Folders are
 * created 0700 and files 0600 whatever the umask, and an existing home whose modes let other local users read it is
 * tightened at server start (the caller logs what changed). Only what this user owns is touched, never through a
 * symbolic link, and never a shared folder (one with the sticky bit, such as /tmp).
 */
import {
  chmodSync,
  closeSync,
  fstatSync,
  fchmodSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
} from 'node:fs';
import { join } from 'node:path';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Bits that let the group or others in. */
const OPEN_BITS = 0o077;
const STICKY = 0o1000;
/** How deep below the home tightening looks (home/logs/tasks/<file> is 3). */
const MAX_DEPTH = 3;

/** Creates a folder (and missing parents) with mode 0700. Existing folders are left as they are. */
export function makePrivateDir(path: string): void {
  mkdirSync(path, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/** Creates the file empty with mode 0600 when it does not exist; narrows it to 0600 when it does. */
export function ensurePrivateFile(path: string): void {
  const fd = openSync(path, 'a', PRIVATE_FILE_MODE);
  try {
    if ((fstatSync(fd).mode & OPEN_BITS) !== 0) fchmodSync(fd, PRIVATE_FILE_MODE);
  } finally {
    closeSync(fd);
  }
}

/**
 * Narrows the home folder to 0700 and what it holds to 0700 (folders) and 0600 (files). Returns the paths it
 * changed; a path it cannot change is skipped (the caller's log says which were tightened).
 */
export function tightenHome(home: string): string[] {
  const changed: string[] = [];
  const uid = typeof process.getuid === 'function' ? process.getuid() : null;
  const visit = (path: string, depth: number): void => {
    let info;
    try {
      info = lstatSync(path);
    } catch {
      return;
    }
    if (info.isSymbolicLink() || (uid !== null && info.uid !== uid)) return;
    if (info.isDirectory()) {
      if ((info.mode & STICKY) !== 0) return; // a shared folder: not ours to close
      if (narrow(path, info.mode, PRIVATE_DIR_MODE)) changed.push(path);
      if (depth >= MAX_DEPTH) return;
      let names: string[] = [];
      try {
        names = readdirSync(path);
      } catch {
        return;
      }
      for (const name of names) visit(join(path, name), depth + 1);
    } else if (info.isFile()) {
      if (narrow(path, info.mode, PRIVATE_FILE_MODE)) changed.push(path);
    }
  };
  visit(home, 0);
  return changed;
}

/** Removes group and other bits; true when the mode changed. */
function narrow(path: string, mode: number, fallback: number): boolean {
  if ((mode & OPEN_BITS) === 0) return false;
  try {
    chmodSync(path, (mode & 0o700) | (fallback & 0o700));
    return true;
  } catch {
    return false;
  }
}
