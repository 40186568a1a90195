/**
 * What one attempt has seen so far: the session id, a running turn count, the result message, assistant frames
 * that carried an API error, and the tail of stderr. It translates each SDK message for the engine
 * (ExecutorMessage) and, at the end, turns what it saw into an ExecutionOutcome. The result must be recorded the
 * moment it arrives: on an error result the SDK yields it first and throws afterwards.
 */
import type { ExecutionOutcome, ExecutorMessage, ResultInfo } from './executor.js';
import { classifyFailure, type AssistantErrorEvidence, type ResultEvidence } from './classify.js';
import { asFields, num, str, type Fields } from './fields.js';
import { summarizeMessage } from './message-summary.js';

const STDERR_KEEP = 8 * 1024;

export class AttemptEvidence {
  private sessionId: string | null = null;
  private result: Fields | null = null;
  private readonly assistantErrors: AssistantErrorEvidence[] = [];
  /** Distinct main-thread assistant message ids ≈ model round trips, for live progress before the result. */
  private readonly assistantIds = new Set<string>();
  private messageCount = 0;
  private stderrTail = '';

  constructor(sessionId: string | null = null) {
    this.sessionId = sessionId;
  }

  /** The SDK's `stderr` callback: keep only the end, which is what explains a crash. */
  readonly onStderr = (chunk: string): void => {
    this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_KEEP);
  };

  /** Record one message and translate it for the engine. */
  observe(raw: unknown): ExecutorMessage {
    this.messageCount++;
    const m = asFields(raw) ?? {};
    const session = str(m['session_id']);
    if (session) this.sessionId = session;
    if (m['type'] === 'assistant') this.observeAssistant(m);
    if (m['type'] === 'result') this.result = m;
    return {
      raw,
      line: summarizeMessage(raw),
      session_id: this.sessionId,
      num_turns: this.turns(),
      cost_usd: this.result ? num(this.result['total_cost_usd']) : null,
    };
  }

  /**
   * True when Claude Code could not resume the session because this machine has no transcript of it ("No
   * conversation found with session ID"), before any work: the attempt can start a new session instead.
   */
  resumeImpossible(thrown: unknown): boolean {
    if (this.assistantIds.size > 0 || this.assistantErrors.length > 0) return false;
    const errors = this.result ? JSON.stringify(this.result['errors'] ?? this.result['result'] ?? '') : '';
    const text = `${this.stderrTail}\n${thrown instanceof Error ? thrown.message : String(thrown ?? '')}\n${errors}`;
    return /No conversation found with session ID/i.test(text);
  }

  /** How the attempt ended, given what the SDK threw (if anything) and whether the engine aborted it. */
  outcome(thrown: unknown, signal: AbortSignal, timeoutSeconds: number | null): ExecutionOutcome {
    const result = this.result;
    // A clean result is the turn's own verdict; an error the SDK throws after it (a late abort racing the
    // process's exit) does not undo work that finished.
    if (result && result['is_error'] !== true && result['subtype'] === 'success') {
      return { ok: true, result: this.resultInfo() };
    }
    const failure = classifyFailure({
      result: result ? resultEvidence(result) : null,
      assistantErrors: this.assistantErrors,
      thrown,
      aborted: signal.aborted,
      abortReason: signal.reason,
      stderr: this.stderrTail,
      messageCount: this.messageCount,
      timeoutSeconds,
    });
    const info = this.resultInfo();
    const useful = result !== null || info.session_id !== null;
    return { ok: false, failure, result: useful ? info : null };
  }

  private observeAssistant(m: Fields): void {
    const message = asFields(m['message']);
    const id = str(message?.['id']);
    if (id && m['parent_tool_use_id'] == null) this.assistantIds.add(id);
    const error = str(m['error']);
    if (error) this.assistantErrors.push({ error, text: textOf(message) });
  }

  private turns(): number | null {
    const reported = this.result ? num(this.result['num_turns']) : null;
    if (reported !== null) return reported;
    return this.assistantIds.size > 0 ? this.assistantIds.size : null;
  }

  private resultInfo(): ResultInfo {
    const r = this.result;
    return {
      text: r ? str(r['result']) : null,
      session_id: this.sessionId,
      num_turns: this.turns(),
      cost_usd: r ? num(r['total_cost_usd']) : null,
      usage: r ? asFields(r['usage']) : null,
    };
  }
}

function resultEvidence(r: Fields): ResultEvidence {
  return {
    subtype: str(r['subtype']) ?? 'unknown',
    is_error: r['is_error'] === true,
    api_error_status: num(r['api_error_status']),
    errors: Array.isArray(r['errors']) ? r['errors'].filter((e): e is string => typeof e === 'string') : [],
    result: str(r['result']),
    startup_failure_reason: str(r['startup_failure_reason']),
  };
}

function textOf(message: Fields | null): string {
  const content = message?.['content'];
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((b) => asFields(b))
    .map((b) => (b?.['type'] === 'text' ? (str(b['text']) ?? '') : ''))
    .join(' ')
    .trim();
}
