/**
 * The sound files shipped in the package (`sounds/` beside `dist/`, listed in package.json `files`), found from this
 * module's own place, so they resolve the same from `src/` (tests) and `dist/` (the installed package).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SoundKind } from '../domain/local-alerts.js';

/** Absolute path of the shipped sound for an ending. */
export function soundFile(kind: SoundKind): string {
  return fileURLToPath(new URL(`../../sounds/${kind}.wav`, import.meta.url));
}

export function soundFilesPresent(): boolean {
  return existsSync(soundFile('success')) && existsSync(soundFile('failure'));
}
