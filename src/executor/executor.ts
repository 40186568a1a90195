/**
 * The Executor seam: runs one attempt of a task and says how it ended. The Claude adapter (claude-executor.ts)
 * drives Claude Code through the Agent SDK; tests and benchmarks may pass their own implementation.
 * An executor never throws for a failed attempt: it returns a classified failure. It never writes to the store.
 */
import type { AttemptChild, Failure, Task, Usage } from '../domain/vocabulary.js';

/** Why the engine aborted an attempt (passed as the AbortSignal's reason). */
export type AbortReason = 'cancelled' | 'timeout' | 'shutdown' | 'lease_lost' | 'memory_limit';

export interface ExecutionRequest {
  task: Task;
  attempt: number;
  /** Resume this Claude session instead of starting a new one. */
  resume_session_id: string | null;
  /** The W3C trace context Claude Code runs in (its TRACEPARENT), so its own telemetry joins the trace. */
  trace_parent?: string | null;
  /** Aborted by the engine; `signal.reason` is an AbortReason. */
  signal: AbortSignal;
  /** Called for every message from Claude Code, in order. */
  onMessage: (message: ExecutorMessage) => void;
  /** Called once Claude Code is started: its pid (memory sampling), start-time token and host (orphans). */
  onSpawn?: (child: AttemptChild) => void;
}

/** One message from Claude Code, translated. */
export interface ExecutorMessage {
  /** The raw SDK message, for the JSONL transcript. */
  raw: unknown;
  /** One human log line: `[tool:Bash] npm test`, `[text] …`, `[result] success, 3 turns, $0.0123`. Null to skip. */
  line: string | null;
  session_id: string | null;
  num_turns: number | null;
  cost_usd: number | null;
}

export interface ResultInfo {
  text: string | null;
  session_id: string | null;
  num_turns: number | null;
  cost_usd: number | null;
  usage: Usage | null;
}

export type ExecutionOutcome =
  { ok: true; result: ResultInfo } | { ok: false; failure: Failure; result: ResultInfo | null };

/** A session as the Agent SDK names it (camelCase, as its session store adapter receives it). */
export interface SdkSessionKey {
  projectKey: string;
  sessionId: string;
  subpath?: string;
}

/**
 * Where Claude Code session transcripts are mirrored so an attempt can resume a session started on another
 * machine (the Agent SDK's `sessionStore`, alpha). The engine provides it over the store; the executor only hands
 * it to the SDK.
 */
export interface SessionMirror {
  append(
    key: SdkSessionKey,
    entries: Array<{ type: string; uuid?: string; [k: string]: unknown }>,
  ): Promise<void>;
  load(key: SdkSessionKey): Promise<Array<{ type: string; uuid?: string; [k: string]: unknown }> | null>;
  listSubkeys(key: { projectKey: string; sessionId: string }): Promise<string[]>;
}

export interface Executor {
  execute(request: ExecutionRequest): Promise<ExecutionOutcome>;
}
