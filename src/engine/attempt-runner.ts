/**
 * Runs one claimed attempt from start to recorded outcome: starts the executor with an abort controller and the
 * attempt's timeout, records its messages, turns its end into an outcome (retry policy), and commits it through the
 * finish batcher. Whatever happens — the executor throws, the store is briefly unavailable — the attempt ends with
 * a recorded outcome or, failing that, with its lease left to expire so recovery requeues it. Never silently.
 */
import { failureForAbort } from '../domain/failure-codes.js';
import type { Failure, Task } from '../domain/vocabulary.js';
import type { AbortReason, ExecutionOutcome, Executor } from '../executor/executor.js';
import type { Logger } from '../observability/logger.js';
import type { Tracing } from '../observability/tracing.js';
import { tokenCounts } from '../domain/token-kinds.js';
import type { AttemptOutcome, ClaimedTask, Store } from '../store/store.js';
import { AttemptRecorder } from './attempt-recorder.js';
import type { TaskOutput } from './task-output.js';
import type { EventBus } from './event-bus.js';
import type { FinishBatcher } from './finish-batcher.js';
import type { ModelGates } from './model-gates.js';
import { stopOrphans } from './orphans.js';
import { decideOutcome, type RetrySettings } from './retry-policy.js';

export interface RunningAttempt {
  task: Task;
  attempt: number;
  controller: AbortController;
  /** The Claude Code process, once started. */
  pid: number | null;
  /** Resolves once the outcome is recorded (or given up on) and the slot is free. */
  done: Promise<void>;
}

export interface AttemptDeps {
  store: Store;
  executor: Executor;
  bus: EventBus;
  output: TaskOutput;
  finisher: FinishBatcher;
  gates: ModelGates;
  workerId: string;
  retry: RetrySettings;
  timeoutMs: number;
  logger: Logger;
  tracing: Tracing;
  /** The attempt's outcome is recorded (or given up on): its slot is free. */
  onDone: (attempt: RunningAttempt) => void;
}

export function runAttempt(claimed: ClaimedTask, deps: AttemptDeps): RunningAttempt {
  const controller = new AbortController();
  const running: RunningAttempt = {
    task: claimed.task,
    attempt: claimed.attempt,
    controller,
    pid: null,
    done: Promise.resolve(),
  };
  running.done = execute(claimed, running, deps).finally(() => deps.onDone(running));
  return running;
}

async function execute(claimed: ClaimedTask, running: RunningAttempt, deps: AttemptDeps): Promise<void> {
  const { controller } = running;
  const { task, attempt, resume_session_id } = claimed;
  // A process of an earlier attempt that outlived its worker must not edit the same files as this one.
  if (attempt > 1) await stopEarlierChildren(task, attempt, deps);
  const startedAt = Date.now();
  const timeout = setTimeout(() => controller.abort('timeout' satisfies AbortReason), deps.timeoutMs);
  const recorder = new AttemptRecorder(task, attempt, deps.store, deps.bus, deps.output);
  recorder.started(deps.workerId, resume_session_id);
  // The attempt's span: in the trace stored on the task (the caller's, or the task's own), on whichever node runs it.
  const span = deps.tracing.startAttempt({
    task_id: task.id,
    attempt,
    model: task.model,
    orchestration_id: task.orchestration_id,
    identifier: task.identifier,
    worker_id: deps.workerId,
    trace_parent: claimed.trace_parent,
  });
  const ids = { task_id: task.id, attempt, trace_id: span.trace_id };

  let outcome: ExecutionOutcome;
  try {
    outcome = await deps.executor.execute({
      task,
      attempt,
      resume_session_id,
      trace_parent: span.traceparent,
      signal: controller.signal,
      onMessage: (message) => {
        recorder.message(message);
        span.message(message.raw);
      },
      onSpawn: (child) => {
        running.pid = child.pid;
        deps.store.recordChild(task.id, attempt, child).catch((err: unknown) => {
          deps.logger.warn({ ...ids, err: String(err) }, 'could not record the Claude Code process');
        });
      },
    });
  } catch (err) {
    deps.logger.error({ ...ids, err: String(err) }, 'executor threw; recording the attempt as failed');
    outcome = { ok: false, failure: unexpectedFailure(err), result: null };
  } finally {
    clearTimeout(timeout);
  }

  const failure = outcome.ok
    ? null
    : forTask(abortAware(outcome.failure, controller.signal, Math.round(deps.timeoutMs / 1000)), task.id);
  const durationMs = Date.now() - startedAt;
  await deps.gates.onAttemptEnd(task.model, task.id, failure);
  const retry = {
    ...deps.retry,
    ...(task.retry_base_seconds !== null ? { base_ms: task.retry_base_seconds * 1000 } : {}),
    ...(task.retry_cap_seconds !== null ? { cap_ms: task.retry_cap_seconds * 1000 } : {}),
  };
  const decided = decideOutcome(failure, attempt, task.max_attempts, retry, {
    cooldownUntil: deps.gates.cooldownUntil(task.model),
    shutdown: controller.signal.aborted && controller.signal.reason === 'shutdown',
    uncounted: task.uncounted_attempts,
  });
  const decision = exhausted(decided, task.id, attempt - task.uncounted_attempts, task.max_attempts);
  const result = outcome.result;
  const tokens = tokenCounts(result?.usage ?? null);
  span.end({
    outcome: failure === null ? 'succeeded' : failure.code,
    failure_class: failure?.code ?? null,
    exit_code: failure?.exit_code ?? null,
    cost_usd: result?.cost_usd ?? null,
    num_turns: result?.num_turns ?? null,
    input_tokens: tokens.input,
    output_tokens: tokens.output,
  });
  deps.logger.info(
    { ...ids, outcome: failure?.code ?? 'succeeded', duration_ms: durationMs, decision: decision.kind },
    'attempt ended',
  );
  await recorder.flush();
  try {
    const stored = await deps.finisher.submit({
      task_id: task.id,
      attempt,
      worker_id: deps.workerId,
      outcome: decision,
      result: result?.text ?? null,
      session_id: result?.session_id ?? null,
      num_turns: result?.num_turns ?? null,
      cost_usd: result?.cost_usd ?? null,
      usage: result?.usage ?? null,
      duration_ms: durationMs,
      orchestration_id: task.orchestration_id,
    });
    const label = stored
      ? describeOutcome(decision.kind, stored)
      : 'ended, but the task was taken over by another worker';
    recorder.finished(label, durationMs, failure, result?.cost_usd ?? null);
  } catch (err) {
    // The store kept refusing the write. The lease expires and recovery requeues the task: not lost, not hidden.
    deps.logger.error(
      { ...ids, err: String(err) },
      'could not record the attempt outcome; recovery will requeue it',
    );
    recorder.finished(
      'could not be recorded (the store is unavailable); it will be recovered',
      durationMs,
      failure,
      null,
    );
  } finally {
    // The outcome is committed: free the slot now and let the log files flush and close behind it (their last
    // lines are already queued; the app closes every stream on shutdown).
    recorder.close().catch((err: unknown) => {
      deps.logger.warn({ ...ids, err: String(err) }, 'could not close the task log files');
    });
  }
}

async function stopEarlierChildren(task: Task, attempt: number, deps: AttemptDeps): Promise<void> {
  try {
    await stopOrphans(task, attempt, { store: deps.store, logger: deps.logger, output: deps.output });
  } catch (err) {
    deps.logger.warn(
      { task_id: task.id, err: String(err) },
      'could not check for an orphaned Claude Code process of an earlier attempt',
    );
  }
}

function describeOutcome(kind: string, stored: Task): string {
  if (kind === 'requeued') return `will run again at ${stored.run_after ?? 'once a slot is free'}`;
  return stored.status;
}

/** When the engine aborted the attempt, the reason decides the class, whatever the child died of. */
function abortAware(failure: Failure, signal: AbortSignal, timeoutSeconds: number): Failure {
  if (!signal.aborted) return failure;
  const byReason = failureForAbort(signal.reason, timeoutSeconds);
  return byReason.code === failure.code ? failure : byReason;
}

/** Suggestions say `claude-worker retry <id>`: name this task, so the command can be copied as it is. */
function forTask(failure: Failure, taskId: number): Failure {
  return { ...failure, suggestion: failure.suggestion.replaceAll('<id>', String(taskId)) };
}

/** A retryable failure with no attempt left: say so, instead of promising a retry that will not happen. */
function exhausted(
  outcome: AttemptOutcome,
  taskId: number,
  counted: number,
  maxAttempts: number,
): AttemptOutcome {
  if (outcome.kind !== 'failed' || !outcome.failure.retryable) return outcome;
  const suggestion =
    `All ${counted} of ${maxAttempts} attempts are used up, so it is not retried again. ` +
    `${outcome.failure.suggestion} Run it again with \`claude-worker retry ${taskId}\`.`;
  return { ...outcome, failure: { ...outcome.failure, suggestion } };
}

function unexpectedFailure(err: unknown): Failure {
  return {
    code: 'execution_error',
    message: `The executor failed unexpectedly: ${err instanceof Error ? err.message : String(err)}`,
    suggestion: 'This is a bug in claude-worker or its executor. Check the server log, then retry the task.',
    retryable: false,
    exit_code: null,
    exit_meaning: null,
    retry_after_ms: null,
  };
}
