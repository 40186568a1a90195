/**
 * The CI system the script runs in, and how it talks to it: GitHub Actions (step summary and outputs files,
 * `::error::` annotations, `::add-mask::`), GitLab CI (files in the project folder, collected as artefacts and
 * reports by the template; errors as plain lines), or anything else (files only). Where claude-worker keeps its
 * home and where the reports go. Pure, except `appendTo`.
 */
import { appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { escapeData, escapeProperty } from './secrets.js';

export type CiPlatform = 'github' | 'gitlab' | 'other';

type Env = Record<string, string | undefined>;

export function detectPlatform(env: Env): CiPlatform {
  if (env['GITHUB_ACTIONS'] === 'true') return 'github';
  if (env['GITLAB_CI'] === 'true') return 'gitlab';
  return 'other';
}

/** Where the summary, JUnit report, result and outputs files go (CW_OUTPUT_DIR, else per platform). */
export function outputDir(env: Env, platform: CiPlatform, cwd: string): string {
  const chosen = env['CW_OUTPUT_DIR']?.trim();
  if (chosen) return resolve(cwd, chosen);
  // GitHub: the runner's temporary folder, which is never uploaded. GitLab: inside the project, where artefacts
  // are collected from.
  if (platform === 'github') return join(env['RUNNER_TEMP'] || tmpdir(), 'claude-worker');
  return resolve(env['CI_PROJECT_DIR'] || cwd, 'claude-worker-report');
}

/** claude-worker's home for this job: the configured one, else a fresh folder outside the checkout. */
export function homeDir(env: Env, platform: CiPlatform, unique: string): string {
  const configured = env['CLAUDE_WORKER_HOME']?.trim();
  if (configured) return configured;
  const base = platform === 'github' ? env['RUNNER_TEMP'] || tmpdir() : tmpdir();
  return join(base, `claude-worker-home-${unique}`);
}

/** The annotation (GitHub) or error line (elsewhere) that makes the failure stand out in the job. */
export function errorLine(platform: CiPlatform, title: string, message: string): string {
  if (platform === 'github') return `::error title=${escapeProperty(title)}::${escapeData(message)}`;
  // GitLab colours lines by ANSI codes; the red "ERROR:" is what its users look for.
  if (platform === 'gitlab') return `\x1b[31;1mERROR: ${title}: ${message.replace(/\n/g, ' ')}\x1b[0m`;
  return `ERROR: ${title}: ${message.replace(/\n/g, ' ')}`;
}

/** `name=value` lines for `$GITHUB_OUTPUT`, using the delimiter form so no value can inject another output. */
export function githubOutputLines(values: Record<string, string>, delimiter: string): string {
  return Object.entries(values)
    .map(([name, value]) => `${name}<<${delimiter}\n${value.replace(/\r?\n/g, ' ')}\n${delimiter}\n`)
    .join('');
}

/** `CW_STATUS=completed` lines for a GitLab dotenv report (later jobs get them as variables). */
export function dotenvLines(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([name, value]) => `CW_${name.toUpperCase().replace(/-/g, '_')}=${value.replace(/\r?\n/g, ' ')}\n`)
    .join('');
}

export function appendTo(path: string, text: string): void {
  appendFileSync(path, text);
}
