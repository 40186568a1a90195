/**
 * Is this a directory a task may run in? It must be absolute, exist, be a readable directory and, when allowed
 * roots are configured, lie under one of them. The roots are compared on REAL paths (symbolic links resolved, in
 * the directory and in the roots), so `root/link -> /elsewhere` or `root/up -> ..` cannot lead a task outside them.
 * Checked when a task is submitted (task service) and again when an attempt starts (executor), because a link can
 * change in between. The task keeps its directory as written; only the check looks through links.
 */
import { access, constants, realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';

/** The problem with `dir` as a working directory (a sentence a person can act on), or null when it is usable. */
export async function workingDirectoryProblem(dir: string, roots: readonly string[]): Promise<string | null> {
  if (!isAbsolute(dir)) return `must be an absolute path, got "${dir}"`;
  let real: string;
  try {
    const info = await stat(dir);
    if (!info.isDirectory()) return `"${dir}" is not a directory`;
    await access(dir, constants.R_OK | constants.X_OK);
    real = await realpath(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return `"${dir}" does not exist. Create it, or pass an existing directory.`;
    return `"${dir}" cannot be read (${code ?? String(err)}). Check its permissions.`;
  }
  if (roots.length === 0) return null;
  const realRoots = await Promise.all(roots.map(realRoot));
  if (realRoots.some((root) => isInside(root, real))) return null;
  const through = real === resolve(dir) ? '' : ` (its real path, after following links, is "${real}")`;
  return `"${dir}"${through} is outside the allowed roots (${roots.join(', ')}). Use a directory under one of them or change allowed_roots.`;
}

/** A root's real path; a root that does not exist (yet) is taken as written. */
async function realRoot(root: string): Promise<string> {
  try {
    return await realpath(root);
  } catch {
    return resolve(root);
  }
}

/** True when `dir` is `root` or below it (both absolute, normalised). */
export function isInside(root: string, dir: string): boolean {
  const rel = relative(root, dir);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}
