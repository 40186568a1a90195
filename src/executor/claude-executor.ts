/**
 * The Claude adapter of the Executor seam: runs one attempt of a task as a Claude Code child process through
 * `query()` of the Claude Agent SDK, hands every message to the engine as it arrives, and says how the attempt
 * ended. It never writes to the store and never throws for a failed attempt (only for a programmer error, such as
 * an `onMessage` callback that throws). Protocol facts it relies on: ../../../shared/CLAUDE_PROTOCOL.md.
 */
import { statSync } from 'node:fs';
import type { Options } from '@anthropic-ai/claude-agent-sdk';
import { hostname } from 'node:os';
import type { AttemptChild, Failure, Task } from '../domain/vocabulary.js';
import { missingDirectoryFailure } from '../domain/workers.js';
import { AttemptEvidence } from './attempt-evidence.js';
import { buildChildEnv } from './child-env.js';
import { classifyFailure, makeFailure } from './classify.js';
import { killLeftovers, spawnClaudeProcess } from './claude-process.js';
import type { ExecutionOutcome, ExecutionRequest, Executor, SessionMirror } from './executor.js';
import { workingDirectoryProblem } from '../platform/working-directory.js';
import { envBytes } from '../domain/task-env.js';

export interface ClaudeExecutorOptions {
  /** The Claude Code executable (`claude_path`); null uses the SDK's bundled binary. */
  claudePath: string | null;
  /** Environment for every child, above the server's and below the task's (e.g. CLAUDE_CODE_MAX_RETRIES). */
  childEnvOverrides?: Record<string, string>;
  /** `child_dies_with_server` (default true): the child ends soon after the server dies, where the platform allows. */
  childDiesWithServer?: boolean;
  /** `allowed_roots`: checked again on the real path before each start (a link may have changed since submit). */
  allowedRoots?: readonly string[];
  /** Mirror session transcripts here, so a session can resume on another machine (`session_mirror`). */
  sessionMirror?: SessionMirror | null;
}

/** Thrown out of the message loop when the engine's own callback fails, so it is not mistaken for a crash. */
class CallbackFailed {
  constructor(readonly cause: unknown) {}
}

export class ClaudeExecutor implements Executor {
  constructor(private readonly options: ClaudeExecutorOptions) {}

  async execute(request: ExecutionRequest): Promise<ExecutionOutcome> {
    const { task, signal } = request;
    const problem = this.preflight(task, signal) ?? (await this.directoryRefusal(task));
    if (problem) return { ok: false, failure: problem, result: null };
    const resumeId = request.resume_session_id;
    const first = await this.run(request, resumeId);
    if (resumeId === null || !first.resumeImpossible || signal.aborted) return first.outcome;
    // The session's transcript is on another machine and was not mirrored (or is gone): carry on in a new
    // session rather than fail a task that can still be done. The log says so.
    request.onMessage({
      raw: { type: 'claude_worker', subtype: 'resume_unavailable', session_id: resumeId },
      line:
        `[resume] session ${resumeId} cannot be resumed on this machine (its transcript is not here and not in ` +
        'the database); starting a new session',
      session_id: null,
      num_turns: null,
      cost_usd: null,
    });
    return (await this.run({ ...request, resume_session_id: null }, null)).outcome;
  }

  /** One Claude Code process through the SDK, to its end. */
  private async run(
    request: ExecutionRequest,
    resumeId: string | null,
  ): Promise<{ outcome: ExecutionOutcome; resumeImpossible: boolean }> {
    const { task, signal } = request;
    const recorder = new AttemptEvidence(resumeId);
    const controller = new AbortController();
    const forwardAbort = (): void => controller.abort(signal.reason);
    signal.addEventListener('abort', forwardAbort, { once: true });
    let thrown: unknown;
    let childPid: number | null = null;
    const onSpawn = (child: AttemptChild): void => {
      childPid = child.pid;
      request.onSpawn?.(child);
    };
    /** Why the operating system refused to start the child, if it did. */
    const spawnRefusal: { code: string | null } = { code: null };
    try {
      // Loaded on the first attempt: an idle server does not pay the SDK's memory.
      const { query } = await import('@anthropic-ai/claude-agent-sdk');
      const messages = query({
        prompt: task.execution_prompt,
        options: this.sdkOptions(request, controller, recorder, onSpawn, spawnRefusal),
      });
      for await (const message of messages) {
        const translated = recorder.observe(message);
        try {
          request.onMessage(translated);
        } catch (err) {
          throw new CallbackFailed(err);
        }
      }
    } catch (err) {
      if (err instanceof CallbackFailed) {
        controller.abort('shutdown'); // leaving the loop already closes the query; make sure the child goes too
        throw err.cause;
      }
      thrown = err;
    } finally {
      signal.removeEventListener('abort', forwardAbort);
      // Stopped by the engine: the SDK ended Claude Code; tools it started in the background go too.
      if (childPid !== null && (signal.aborted || controller.signal.aborted)) killLeftovers(childPid);
    }
    if (spawnRefusal.code === 'E2BIG') {
      return {
        outcome: { ok: false, failure: tooLargeToStart(task), result: null },
        resumeImpossible: false,
      };
    }
    return {
      outcome: recorder.outcome(thrown, signal, task.timeout_seconds),
      resumeImpossible: resumeId !== null && recorder.resumeImpossible(thrown),
    };
  }

  /** Failures we can name before starting a process (the SDK's own words for these mislead). */
  private preflight(task: Task, signal: AbortSignal): Failure | null {
    if (signal.aborted) {
      return classifyFailure({
        result: null,
        assistantErrors: [],
        thrown: undefined,
        aborted: true,
        abortReason: signal.reason,
        stderr: '',
        messageCount: 0,
        timeoutSeconds: task.timeout_seconds,
      });
    }
    if (!isDirectory(task.working_directory)) {
      // Spawning in a missing cwd fails with ENOENT, which the SDK reports as "executable … failed to launch".
      // On a cluster the folder may exist only on other machines: the failure names this one.
      return missingDirectoryFailure(task, hostname());
    }
    const path = this.options.claudePath;
    if (path !== null && !exists(path)) {
      return makeFailure('cli_not_found', `There is no Claude Code executable at ${path} (claude_path).`);
    }
    return null;
  }

  /** The working directory must still lie under the allowed roots, following links: a permanent refusal if not. */
  private async directoryRefusal(task: Task): Promise<Failure | null> {
    const roots = this.options.allowedRoots ?? [];
    if (roots.length === 0) return null;
    const problem = await workingDirectoryProblem(task.working_directory, roots);
    if (!problem) return null;
    return {
      ...makeFailure('invalid_request', `Claude Code was not started: the working directory ${problem}`),
      suggestion: `A directory or a link in its path changed after the task was submitted. Fix the link or the allowed_roots setting, then \`claude-worker retry ${task.id}\`; retrying alone refuses again.`,
    };
  }

  private sdkOptions(
    request: ExecutionRequest,
    controller: AbortController,
    recorder: AttemptEvidence,
    onSpawn: (child: AttemptChild) => void,
    spawnRefusal: { code: string | null },
  ): Options {
    const { task } = request;
    const options: Options = {
      model: task.model,
      cwd: task.working_directory,
      // Without a systemPrompt the model gets a one-line generic prompt; a background task should work like
      // Claude Code does in a terminal, so the default is Claude Code's own prompt.
      systemPrompt: task.system_prompt ?? { type: 'preset', preset: 'claude_code' },
      permissionMode: task.permission_mode,
      // Load the user's, the project's and the local settings (CLAUDE.md, permissions, hooks, MCP servers), so a
      // background task behaves like the user's Claude Code in that directory. Said explicitly rather than relying
      // on the SDK's default, which has changed between SDK versions.
      settingSources: ['user', 'project', 'local'],
      abortController: controller,
      env: buildChildEnv(
        process.env,
        {
          ...this.options.childEnvOverrides,
          // The attempt's trace context (W3C), as OpenTelemetry's environment carrier names it.
          ...(request.trace_parent ? { TRACEPARENT: request.trace_parent } : {}),
        },
        task.env,
      ),
      // We start the child ourselves (claude-process.ts): in its own process group, guarded to die with the server,
      // and reported at once (pid for memory sampling and orphan stopping); so stderr is ours to collect too.
      spawnClaudeCodeProcess: (spawnOptions) => {
        try {
          return spawnClaudeProcess(spawnOptions, {
            onStderr: recorder.onStderr,
            onSpawn,
            guard: this.options.childDiesWithServer ?? true,
          });
        } catch (err) {
          spawnRefusal.code = (err as NodeJS.ErrnoException).code ?? null;
          throw err;
        }
      },
    };
    if (task.permission_mode === 'bypassPermissions') options.allowDangerouslySkipPermissions = true;
    if (task.allowed_tools !== null) options.allowedTools = task.allowed_tools;
    if (task.disallowed_tools !== null) options.disallowedTools = task.disallowed_tools;
    if (task.max_turns !== null) options.maxTurns = task.max_turns;
    if (task.max_budget_usd !== null) options.maxBudgetUsd = task.max_budget_usd;
    if (request.resume_session_id !== null) options.resume = request.resume_session_id;
    if (this.options.claudePath !== null) options.pathToClaudeCodeExecutable = this.options.claudePath;
    if (this.options.sessionMirror) options.sessionStore = this.options.sessionMirror;
    return options;
  }
}

/**
 * E2BIG: the environment and arguments exceed what the operating system lets a process start with. The same task
 * fails the same way every time, so it is not retried (the SDK would report it as a crash).
 */
function tooLargeToStart(task: Task): Failure {
  const taskBytes = envBytes(task.env);
  return {
    ...makeFailure(
      'invalid_request',
      `Claude Code could not be started: the operating system refused it (E2BIG) because its environment and arguments are too large (the task's env takes ${taskBytes} bytes, the server's own environment the rest).`,
    ),
    suggestion: `Make the task's env smaller (large values belong in a file the task reads), or start the server with a smaller environment, then \`claude-worker retry ${task.id}\`. Retrying as it is fails the same way.`,
  };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}
