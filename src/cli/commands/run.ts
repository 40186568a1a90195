/**
 * `claude-worker run [prompt-or-file]`: queues one task and prints its id at once; `--watch` then follows it like
 * `watch` (and exits like it). The prompt is the argument, or the file it names, with piped stdin appended.
 * Task defaults set in the user's files or environment (default_model, permission_mode, max_attempts,
 * task_timeout_seconds) are sent explicitly, so a project file applies to the tasks started from that project.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CreateTaskRequest } from '../../client/http-client.js';
import type { NotifyOptions, PermissionMode } from '../../domain/vocabulary.js';
import {
  collect,
  collectEnv,
  collectLabels,
  collectNotify,
  collectTools,
  durationSeconds,
  positiveNumber,
  wholeNumber,
} from '../args.js';
import { connect } from '../connect.js';
import type { CliContext, CliRun } from '../context.js';
import { readPrompt } from '../input.js';
import { queuedLine } from '../task-view.js';
import { followTask } from '../watch-view.js';

interface RunOptions {
  dir?: string;
  model?: string;
  systemPrompt?: string;
  permissionMode?: string;
  allowedTools?: string[];
  disallowedTools?: string[];
  maxTurns?: number;
  maxBudgetUsd?: number;
  env?: Record<string, string>;
  timeout?: number;
  priority?: number;
  tag?: string[];
  runsOn?: string[];
  notify?: Record<string, string>;
  notifyOn?: string[];
  maxAttempts?: number;
  retryBase?: number;
  retryCap?: number;
  watch?: boolean;
  json?: boolean;
  stdin: boolean;
}

export function registerRun(program: Command, run: CliRun): void {
  program
    .command('run')
    .description('Queue a task: a prompt for Claude Code to run in the background. Prints its id at once.')
    .argument(
      '[prompt-or-file]',
      'the prompt, or a file whose contents are the prompt; piped stdin is appended',
    )
    .option('-d, --dir <dir>', 'working directory (default: the current folder; made absolute)')
    .option('-m, --model <model>', 'sonnet, opus, haiku or a full claude-… model id')
    .option('--system-prompt <text>', "system prompt (default: Claude Code's own)")
    .option('--permission-mode <mode>', 'default, acceptEdits, bypassPermissions, plan, dontAsk or auto')
    .option(
      '--allowed-tools <tools>',
      'tools allowed without asking, comma-separated (repeatable)',
      collectTools,
    )
    .option('--disallowed-tools <tools>', 'tools never allowed, comma-separated (repeatable)', collectTools)
    .option('--max-turns <n>', 'stop after this many turns', wholeNumber)
    .option('--max-budget-usd <usd>', 'stop when this much has been spent', positiveNumber)
    .option('-e, --env <KEY=VALUE>', 'extra environment for Claude Code (repeatable)', collectEnv)
    .option('-t, --timeout <duration>', 'limit per attempt: seconds, or 90s, 30m, 2h', durationSeconds)
    .option('--priority <n>', 'higher runs first (-1000 to 1000; default 0)', wholeNumber)
    .option('--tag <tag>', 'a label to find the task by (repeatable)', collect)
    .option(
      '--runs-on <labels>',
      'only a worker having ALL these labels runs it, comma-separated (see `claude-worker worker --label`)',
      collectLabels,
    )
    .option(
      '--notify <settings>',
      'who hears of its ending: sound, desktop, slack, discord each =on or =off, comma-separated (repeatable); off: none',
      collectNotify,
    )
    .option(
      '--notify-on <endings>',
      'tell people only of these endings: completed, failed, needs_attention (comma-separated)',
      collectLabels,
    )
    .option('--max-attempts <n>', 'attempts before the task fails (1 to 20)', wholeNumber)
    .option(
      '--retry-base <duration>',
      'first retry backoff for this task, doubling per attempt (e.g. 10s)',
      durationSeconds,
    )
    .option('--retry-cap <duration>', 'largest retry backoff for this task (e.g. 10m)', durationSeconds)
    .option('-w, --watch', 'follow the task until it ends; exit like `watch`')
    .option('--json', 'print the created task (with --watch: the finished task) as JSON')
    .option('--no-stdin', 'do not read stdin')
    .addHelpText(
      'after',
      `
Examples:
  claude-worker run "Add input validation to src/api/users.ts" --dir ~/proj --model opus
  claude-worker run instructions.md --tag nightly
  claude-worker run "Refactor the parser" --notify-on failed --notify slack=off   # hear only of a failure
  git diff | claude-worker run "Review these changes"      # prompt: "Review these changes\\n\\n<the diff>"

Exit codes: 0 queued (with --watch: completed), 1 with --watch: failed/cancelled/skipped, 2 invalid input
(nothing is created), 3 server unreachable.`,
    )
    .action(async (arg: string | undefined, options: RunOptions, command: Command) => {
      const context = run.context(command);
      run.exitCode = await runTask(context, arg, options);
    });
}

async function runTask(context: CliContext, arg: string | undefined, options: RunOptions): Promise<number> {
  const { prompt } = await readPrompt(arg, context.io.cwd, options.stdin);
  const request = buildRequest(context, prompt, options);
  const client = await connect(context);
  const task = await client.createTask(request);
  if (!options.watch) {
    if (options.json) context.json(task);
    else context.print(queuedLine(task));
    return 0;
  }
  if (!options.json) context.print(queuedLine(task).replace(/\. Follow it:.*$/, '.'));
  return followTask(context, client, task.id, {
    json: options.json === true,
    reconnect: () => connect(context),
  });
}

function buildRequest(context: CliContext, prompt: string, options: RunOptions): CreateTaskRequest {
  const { config, sources } = context.loaded;
  const configured = (key: 'default_model' | 'permission_mode' | 'max_attempts' | 'task_timeout_seconds') =>
    sources[key] !== 'default';
  const request: CreateTaskRequest = {
    execution_prompt: prompt,
    working_directory: resolve(context.io.cwd, options.dir ?? '.'),
  };
  const model = options.model ?? (configured('default_model') ? config.default_model : undefined);
  if (model !== undefined) request.model = model;
  const permission =
    options.permissionMode ?? (configured('permission_mode') ? config.permission_mode : undefined);
  if (permission !== undefined) request.permission_mode = permission as PermissionMode;
  const attempts = options.maxAttempts ?? (configured('max_attempts') ? config.max_attempts : undefined);
  if (attempts !== undefined) request.max_attempts = attempts;
  if (options.retryBase !== undefined) request.retry_base_seconds = options.retryBase;
  if (options.retryCap !== undefined) request.retry_cap_seconds = options.retryCap;
  const timeout =
    options.timeout ?? (configured('task_timeout_seconds') ? config.task_timeout_seconds : undefined);
  if (timeout !== undefined) request.timeout_seconds = timeout;
  if (options.systemPrompt !== undefined) request.system_prompt = options.systemPrompt;
  if (options.allowedTools !== undefined) request.allowed_tools = options.allowedTools;
  if (options.disallowedTools !== undefined) request.disallowed_tools = options.disallowedTools;
  if (options.maxTurns !== undefined) request.max_turns = options.maxTurns;
  if (options.maxBudgetUsd !== undefined) request.max_budget_usd = options.maxBudgetUsd;
  if (options.env !== undefined) request.env = options.env;
  if (options.priority !== undefined) request.priority = options.priority;
  if (options.tag !== undefined) request.tags = options.tag;
  if (options.runsOn !== undefined) request.runs_on = options.runsOn;
  if (options.notify !== undefined || options.notifyOn !== undefined) {
    request.notify = {
      ...options.notify,
      ...(options.notifyOn ? { on: options.notifyOn } : {}),
    } as NotifyOptions;
  }
  return request;
}
