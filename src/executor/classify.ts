/**
 * Classifies a failed attempt into one `Failure`: a code from the table in domain/failure-codes.ts, a message in
 * plain words that includes what Claude Code said, the exit code's meaning, and a retry-after when the API gave one.
 * Pure: the executor gathers the evidence (result message, assistant error frames, the SDK's thrown error, the abort
 * reason, the tail of stderr); this module decides which piece of it explains the failure best.
 */
import { FAILURE_CLASSES, exitCodeMeaning, failureForAbort, makeFailure } from '../domain/failure-codes.js';
export { makeFailure };
import type { Failure, FailureCode } from '../domain/vocabulary.js';
import {
  codeForAssistantError,
  codeForStartupFailure,
  codeForStatus,
  codeForText,
  looksLikeMissingExecutable,
  retryAfterMs,
} from './classify-text.js';

/** The fields of a `result` message that matter for classification. */
export interface ResultEvidence {
  subtype: string;
  is_error: boolean;
  api_error_status?: number | null;
  errors?: string[];
  result?: string | null;
  startup_failure_reason?: string | null;
}

/** An assistant frame that carried an `error` field, with its text. */
export interface AssistantErrorEvidence {
  error: string;
  text: string;
}

export interface FailureEvidence {
  result: ResultEvidence | null;
  assistantErrors: AssistantErrorEvidence[];
  /** What the SDK threw, if anything. */
  thrown: unknown;
  /** True when the engine aborted the attempt; `abortReason` is then the signal's reason. */
  aborted: boolean;
  abortReason?: unknown;
  /** The last few KB of Claude Code's stderr. */
  stderr: string;
  /** How many messages Claude Code sent. */
  messageCount: number;
  /** The attempt's timeout, for the message of a `timeout`. */
  timeoutSeconds?: number | null;
  now?: number;
}

/** A Failure of `code`, with the table's retry decision and suggestion. */

export function classifyFailure(ev: FailureEvidence): Failure {
  const now = ev.now ?? Date.now();
  if (ev.aborted) return failureForAbort(ev.abortReason, ev.timeoutSeconds ?? null);
  const thrown = describeThrown(ev.thrown);
  if (thrown?.errorClass === 'aborted') return failureForAbort(undefined, null);
  if (thrown && isLaunchFailure(thrown)) {
    return makeFailure('cli_not_found', `Claude Code could not be started: ${oneLine(thrown.message)}`);
  }
  if (ev.result?.is_error) return fromResult(ev.result, ev.assistantErrors, now);
  if (ev.assistantErrors.length > 0) return fromApiError(null, null, ev.assistantErrors, '', now);
  if (thrown?.signal || thrown?.errorClass === 'process_killed_by_signal') {
    const meaning = exitCodeMeaning(null, thrown.signal ?? 'unknown');
    return makeFailure('process_crashed', `Claude Code was ${meaning}.${stderrNote(ev.stderr)}`, {
      exit_meaning: meaning,
    });
  }
  if (thrown?.exitCode !== undefined) return fromExit(thrown.exitCode, thrown.message, ev.stderr, now);
  if (thrown) {
    const text = `${thrown.message} ${ev.stderr}`;
    const code = codeForText(text) ?? 'process_crashed';
    return withRetryAfter(code, `${FAILURE_CLASSES[code].title}: ${oneLine(thrown.message)}`, text, now);
  }
  if (ev.messageCount === 0) {
    return makeFailure('no_result', `Claude Code exited without any output.${stderrNote(ev.stderr)}`);
  }
  return makeFailure('no_result', `Claude Code ended without a result message.${stderrNote(ev.stderr)}`);
}

function fromResult(result: ResultEvidence, assistantErrors: AssistantErrorEvidence[], now: number): Failure {
  const text = joinText([result.result, ...(result.errors ?? []), ...assistantErrors.map((a) => a.text)]);
  switch (result.subtype) {
    case 'error_max_turns':
      return makeFailure('max_turns', `Claude Code stopped at its turn limit: ${text || 'error_max_turns'}`);
    case 'error_max_budget_usd':
      return makeFailure('budget', `Claude Code stopped at its budget: ${text || 'error_max_budget_usd'}`);
    case 'error_during_execution':
    case 'error_max_structured_output_retries': {
      if (result.startup_failure_reason) {
        const code = codeForStartupFailure(result.startup_failure_reason);
        return makeFailure(code, `Claude Code refused to start (${result.startup_failure_reason}): ${text}`);
      }
      return makeFailure(
        'execution_error',
        `Claude Code reported an error while working: ${text || result.subtype}`,
      );
    }
    default:
      return fromApiError(result.api_error_status ?? null, result.result ?? null, assistantErrors, text, now);
  }
}

/** An API error after Claude Code's own retries: status first, then the frame's `error`, then the words. */
function fromApiError(
  status: number | null,
  resultText: string | null,
  assistantErrors: AssistantErrorEvidence[],
  text: string,
  now: number,
): Failure {
  const all = text || joinText([resultText, ...assistantErrors.map((a) => a.text)]);
  const byFrame = assistantErrors.map((a) => codeForAssistantError(a.error)).find((c) => c !== null) ?? null;
  const code =
    (codeForText(all) === 'billing' ? 'billing' : null) ??
    (status !== null ? codeForStatus(status) : null) ??
    byFrame ??
    codeForText(all) ??
    'execution_error';
  const statusNote = status !== null ? ` (HTTP ${status})` : '';
  return withRetryAfter(
    code,
    `${FAILURE_CLASSES[code].title}${statusNote}. Claude Code said: ${all || 'nothing'}`,
    all,
    now,
  );
}

/** Claude Code's guard: bypassPermissions is refused when it runs as root, unless IS_SANDBOX=1 declares a sandbox. */
const ROOT_BYPASS_REFUSAL = /cannot be used with root\/sudo privileges/i;
const ROOT_BYPASS_SUGGESTION =
  'Claude Code refuses permission mode bypassPermissions when it runs as root. Run the task again in another ' +
  'mode: `claude-worker retry <id> --permission-mode acceptEdits` (and set permission_mode, e.g. ' +
  'CLAUDE_WORKER_PERMISSION_MODE=acceptEdits, for new tasks); or run the claude-worker server as a normal user, ' +
  "or (only on a disposable sandbox) with IS_SANDBOX=1 in the server's environment, then `claude-worker retry <id>`.";

function fromExit(exitCode: number, sdkMessage: string, stderr: string, now: number): Failure {
  const meaning = exitCodeMeaning(exitCode);
  const said = stderr.trim() ? tail(stderr, 400) : oneLine(sdkMessage);
  const details = { exit_code: exitCode, exit_meaning: meaning };
  const explained = meaning && meaning !== `exit code ${exitCode}` ? ` (${meaning})` : '';
  const message = `Claude Code exited with code ${exitCode}${explained}: ${said}`;
  if (exitCode === 126 || exitCode === 127) return makeFailure('cli_not_found', message, details);
  if (ROOT_BYPASS_REFUSAL.test(stderr)) {
    return { ...makeFailure('invalid_request', message, details), suggestion: ROOT_BYPASS_SUGGESTION };
  }
  const byText = codeForText(`${stderr}\n${sdkMessage}`);
  if (byText && exitCode < 128) {
    return makeFailure(byText, message, { ...details, retry_after_ms: retryAfterMs(stderr, now) });
  }
  return makeFailure('process_crashed', message, details);
}

function withRetryAfter(code: FailureCode, message: string, text: string, now: number): Failure {
  const retryAfter = FAILURE_CLASSES[code].retryable ? retryAfterMs(text, now) : null;
  return makeFailure(code, message, { retry_after_ms: retryAfter });
}

interface ThrownInfo {
  message: string;
  errorClass: string | null;
  exitCode?: number;
  signal?: string;
  code?: string;
}

/** The SDK marks its errors with `errorClass`, `exitCode`, `signal`; `err.name` is always "Error". */
function describeThrown(thrown: unknown): ThrownInfo | null {
  if (thrown === undefined || thrown === null) return null;
  if (!(thrown instanceof Error)) return { message: String(thrown), errorClass: null };
  const fields = thrown as Error & Record<string, unknown>;
  const info: ThrownInfo = {
    message: thrown.message,
    errorClass: typeof fields['errorClass'] === 'string' ? fields['errorClass'] : null,
  };
  if (typeof fields['exitCode'] === 'number') info.exitCode = fields['exitCode'];
  if (typeof fields['signal'] === 'string') info.signal = fields['signal'];
  if (typeof fields['code'] === 'string') info.code = fields['code'];
  return info;
}

function isLaunchFailure(t: ThrownInfo): boolean {
  if (t.errorClass === 'executable_not_found' || t.errorClass === 'executable_launch_failed') return true;
  if (t.errorClass?.startsWith('process_')) return false;
  return t.code === 'ENOENT' || t.code === 'EACCES' || looksLikeMissingExecutable(t.message);
}

function joinText(parts: Array<string | null | undefined>): string {
  const seen = new Set<string>();
  for (const p of parts) if (p && p.trim()) seen.add(oneLine(p));
  return [...seen].join(' · ');
}

function oneLine(text: string, max = 500): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** The end of a text, on one line: the last lines of stderr say the most. */
function tail(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `…${flat.slice(flat.length - max + 1)}` : flat;
}

function stderrNote(stderr: string): string {
  return stderr.trim() ? ` Last stderr: ${tail(stderr, 400)}` : '';
}
