/**
 * What the CI job asks for, read from `CW_*` variables (the GitHub Action maps its inputs onto them; the GitLab
 * template's jobs set them as variables): a task (`CW_PROMPT` and/or `CW_PROMPT_FILE`) or a workflow file
 * (`CW_WORKFLOW`), and the `claude-worker run` options. Turns them into the CLI's arguments. Values the CLI checks
 * itself (models, numbers, durations) are passed through so its own messages report them; only what the CLI cannot
 * know (task or workflow, not both) is checked here. Pure.
 */
import { ClaudeWorkerError } from '../domain/errors.js';

/** The variables this script reads, by input name (GitHub input `max-turns` ↔ `CW_MAX_TURNS`). */
export const INPUT_VARIABLES = {
  prompt: 'CW_PROMPT',
  'prompt-file': 'CW_PROMPT_FILE',
  workflow: 'CW_WORKFLOW',
  dir: 'CW_DIR',
  model: 'CW_MODEL',
  'permission-mode': 'CW_PERMISSION_MODE',
  'system-prompt': 'CW_SYSTEM_PROMPT',
  'allowed-tools': 'CW_ALLOWED_TOOLS',
  'disallowed-tools': 'CW_DISALLOWED_TOOLS',
  'max-turns': 'CW_MAX_TURNS',
  'max-budget-usd': 'CW_MAX_BUDGET_USD',
  timeout: 'CW_TIMEOUT',
  'max-attempts': 'CW_MAX_ATTEMPTS',
  tags: 'CW_TAGS',
  'output-dir': 'CW_OUTPUT_DIR',
} as const;
export type InputName = keyof typeof INPUT_VARIABLES;

/** `run` options: input name → CLI flag. Comma lists (tools, tags) are passed whole; the CLI splits them. */
const RUN_FLAGS: ReadonlyArray<[InputName, string]> = [
  ['model', '--model'],
  ['permission-mode', '--permission-mode'],
  ['system-prompt', '--system-prompt'],
  ['allowed-tools', '--allowed-tools'],
  ['disallowed-tools', '--disallowed-tools'],
  ['max-turns', '--max-turns'],
  ['max-budget-usd', '--max-budget-usd'],
  ['timeout', '--timeout'],
  ['max-attempts', '--max-attempts'],
];

export type CiWork =
  | { kind: 'task'; prompt: string | null; promptFile: string | null; args: string[] }
  | { kind: 'workflow'; file: string; args: string[] };

/** Reads the inputs; relative paths (dir, prompt-file, workflow) start from the current folder (the checkout). */
export function readWork(env: Record<string, string | undefined>): CiWork {
  const get = (name: InputName): string | null => {
    const value = env[INPUT_VARIABLES[name]];
    return value === undefined || value.trim() === '' ? null : value;
  };
  const prompt = get('prompt');
  const promptFile = get('prompt-file');
  const workflow = get('workflow');
  if (workflow !== null) {
    const extra = [
      ...(prompt !== null ? ['prompt'] : []),
      ...(promptFile !== null ? ['prompt-file'] : []),
      ...RUN_FLAGS.map(([name]) => name).filter((name) => get(name) !== null),
      ...(get('dir') !== null ? ['dir'] : []),
      ...(get('tags') !== null ? ['tags'] : []),
    ];
    if (extra.length > 0) {
      throw new ClaudeWorkerError(
        'validation',
        `workflow runs the tasks its file describes, so ${extra.join(', ')} cannot be given with it. ` +
          'Put those settings in the file (per task or under `defaults`), or run a single task with prompt instead of workflow.',
      );
    }
    return { kind: 'workflow', file: workflow.trim(), args: ['orchestrate', workflow.trim(), '--json'] };
  }
  if (prompt === null && promptFile === null) {
    throw new ClaudeWorkerError(
      'validation',
      'Nothing to run: give prompt (the task for Claude Code), prompt-file (a file holding it) or workflow ' +
        '(an orchestration file). In GitHub: `with: prompt: "Fix the failing tests"`; in GitLab: ' +
        'variables CW_PROMPT, CW_PROMPT_FILE or CW_WORKFLOW.',
    );
  }
  const args = ['run', '--json', '--dir', get('dir')?.trim() ?? '.'];
  for (const [name, flag] of RUN_FLAGS) {
    const value = get(name);
    if (value !== null) args.push(flag, value.trim());
  }
  for (const tag of (get('tags') ?? '').split(',').map((t) => t.trim()))
    if (tag !== '') args.push('--tag', tag);
  // The prompt goes on stdin (no argument-length limit, not visible in the process list); a prompt file is the
  // argument, and the CLI appends stdin to its contents.
  if (promptFile !== null) args.push('--', promptFile.trim());
  return { kind: 'task', prompt, promptFile, args };
}

/** The environment for claude-worker itself: everything but this script's own inputs. */
export function withoutInputs(env: Record<string, string | undefined>): Record<string, string> {
  const ours = new Set<string>(Object.values(INPUT_VARIABLES));
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined && !ours.has(key)) out[key] = value;
  return out;
}
