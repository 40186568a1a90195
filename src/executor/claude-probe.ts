/**
 * For `doctor`: which Claude Code executable tasks will run, whether it starts and which version it is, and whether
 * credentials for it are present. Finds the SDK's bundled binary the way the SDK does (the optional platform
 * package `@anthropic-ai/claude-agent-sdk-<platform>-<arch>[-musl]`). Runs only `<claude> --version`, bounded.
 */
import { execFile, type ExecFileException } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface ClaudeProbe {
  /** The executable that would run; null when the bundled one cannot be found. */
  path: string | null;
  /** First line of `--version`, e.g. `2.1.331 (Claude Code)`. */
  version: string | null;
  source: 'config' | 'bundled';
  ok: boolean;
  problem: string | null;
}

const VERSION_TIMEOUT_MS = 10_000;
const SDK_PACKAGE = '@anthropic-ai/claude-agent-sdk';
const SCRIPT_SUFFIXES = ['.js', '.mjs', '.cjs', '.ts'];

export async function probeClaude(claudePath: string | null): Promise<ClaudeProbe> {
  const source = claudePath === null ? 'bundled' : 'config';
  const path = claudePath ?? bundledClaudePath();
  if (path === null) {
    return {
      path,
      version: null,
      source,
      ok: false,
      problem:
        `The Claude Code binary bundled with ${SDK_PACKAGE} is not installed for ${process.platform}-${process.arch}. ` +
        'Reinstall claude-worker without --omit=optional, or set claude_path (CLAUDE_WORKER_CLAUDE_PATH) to your `claude` executable.',
    };
  }
  if (!existsSync(path)) {
    return {
      path,
      version: null,
      source,
      ok: false,
      problem: `There is no file at ${path}. Set claude_path (CLAUDE_WORKER_CLAUDE_PATH) to the \`claude\` executable (\`which claude\`).`,
    };
  }
  const { version, problem } = await runVersion(path);
  return { path, version, source, ok: problem === null, problem };
}

/** Where the SDK would find its bundled binary, or null. */
export function bundledClaudePath(): string | null {
  let sdkRequire: NodeRequire;
  try {
    // Resolve from the SDK's own location, as the SDK does, so hoisting or nesting does not matter.
    sdkRequire = createRequire(createRequire(import.meta.url).resolve(SDK_PACKAGE));
  } catch {
    return null; // The SDK itself is missing: the probe reports "not installed".
  }
  const exe = process.platform === 'win32' ? 'claude.exe' : 'claude';
  for (const pkg of platformPackages()) {
    try {
      const candidate = sdkRequire.resolve(`${pkg}/${exe}`);
      if (existsSync(candidate)) return candidate;
    } catch {
      // Not installed for this variant; try the next.
    }
  }
  return null;
}

function platformPackages(): string[] {
  const base = `${SDK_PACKAGE}-${process.platform === 'android' ? 'linux' : process.platform}-${process.arch}`;
  if (process.platform !== 'linux') return [base];
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  const musl = report !== undefined && report.header?.glibcVersionRuntime === undefined;
  return musl ? [`${base}-musl`, base] : [base, `${base}-musl`];
}

async function runVersion(path: string): Promise<{ version: string | null; problem: string | null }> {
  const script = SCRIPT_SUFFIXES.some((s) => path.endsWith(s));
  const [cmd, args] = script ? [process.execPath, [path, '--version']] : [path, ['--version']];
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: VERSION_TIMEOUT_MS, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      const firstLine = stdout.trim().split('\n')[0]?.trim() ?? '';
      if (err) resolve({ version: null, problem: describeRunError(path, err, stderr) });
      else if (!/^\d+\.\d+\.\d+/.test(firstLine)) {
        resolve({
          version: null,
          problem: `${path} --version printed "${firstLine.slice(0, 80)}" instead of a version; it may not be Claude Code.`,
        });
      } else resolve({ version: firstLine, problem: null });
    });
  });
}

function describeRunError(path: string, err: ExecFileException, stderr: string): string {
  if (err.killed) return `${path} --version did not answer within ${VERSION_TIMEOUT_MS / 1000} s.`;
  if (err.code === 'EACCES')
    return `${path} is not executable. Make it executable (chmod +x) or point claude_path elsewhere.`;
  if (err.code === 'ENOENT') return `${path} could not be started (ENOENT).`;
  const said = stderr.trim().split('\n').slice(-3).join(' ').slice(0, 300);
  const how =
    typeof err.code === 'number'
      ? `exit code ${err.code}`
      : err.signal
        ? `signal ${err.signal}`
        : err.message;
  return `${path} --version failed (${how})${said ? `: ${said}` : ''}.`;
}

export interface CredentialsCheck {
  present: boolean;
  /** Where they come from: an environment variable's name, or the credentials file's path. */
  source: string | null;
}

/** Whether Claude Code will find credentials: an API key or OAuth token in the environment, or a login file. */
export function credentialsPresent(
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir(),
): CredentialsCheck {
  for (const name of ['ANTHROPIC_API_KEY', 'CLAUDE_CODE_OAUTH_TOKEN', 'ANTHROPIC_AUTH_TOKEN']) {
    if (env[name]?.trim()) return { present: true, source: name };
  }
  for (const name of ['CLAUDE_CODE_USE_BEDROCK', 'CLAUDE_CODE_USE_VERTEX', 'CLAUDE_CODE_USE_FOUNDRY']) {
    if (env[name] && env[name] !== '0') return { present: true, source: name };
  }
  const configDir = env['CLAUDE_CONFIG_DIR']?.trim() || join(home, '.claude');
  const file = join(configDir, '.credentials.json');
  if (existsSync(file)) return { present: true, source: file };
  return { present: false, source: null };
}
