/**
 * The small vocabularies Claude Code uses to say what went wrong, mapped to our failure codes: HTTP statuses of the
 * API, the `error` field of assistant frames, start-up failure reasons, and, when nothing structured is available,
 * the words in an error text. Pure functions; classify.ts decides which evidence wins.
 */
import type { FailureCode } from '../domain/vocabulary.js';

/** An API status (`api_error_status`, `api_retry.error_status`) → code. */
export function codeForStatus(status: number): FailureCode | null {
  if (status === 429) return 'rate_limit';
  if (status === 529) return 'overloaded';
  if (status === 401 || status === 403) return 'auth';
  if (status === 402) return 'billing';
  if (status === 408) return 'network';
  if (status >= 500 && status <= 599) return 'server_error';
  if (status >= 400 && status <= 499) return 'invalid_request';
  return null;
}

/** The `error` field of an assistant frame (SDKAssistantMessageError) → code. */
export function codeForAssistantError(error: string): FailureCode | null {
  switch (error) {
    case 'authentication_failed':
    case 'oauth_org_not_allowed':
    case 'account_on_hold':
    case 'verification_required':
    case 'cloud_credential_error':
      return 'auth';
    case 'billing_error':
      return 'billing';
    case 'rate_limit':
      return 'rate_limit';
    case 'overloaded':
      return 'overloaded';
    case 'server_error':
      return 'server_error';
    case 'invalid_request':
    case 'model_not_found':
      return 'invalid_request';
    case 'max_output_tokens':
      return 'execution_error';
    default:
      return null; // 'unknown' and anything newer: let the text decide.
  }
}

/** `startup_failure_reason` of an error result → code (Claude Code refused to start a session). */
export function codeForStartupFailure(reason: string): FailureCode {
  switch (reason) {
    case 'org_verify_failed':
    case 'org_config_required_unavailable':
    case 'remote_settings_required_unavailable':
    case 'worktree_unverified':
      return 'network';
    case 'org_pin_api_key_conflict':
    case 'org_pin_mismatch':
    case 'org_config_refused':
    case 'gateway_signin_required':
    case 'gateway_access_denied':
      return 'auth';
    default:
      return 'invalid_request';
  }
}

/**
 * An HTTP status written where it IS a status, never a bare number: a stack frame at line 401, a path
 * `/build-429/`, a timestamp or `took 529 ms` must not decide a class. The forms Claude Code and the API use:
 * `API Error: 401 …`, `API Error: Request rejected (429)`, `"api_error_status":429`, `status 429`,
 * `status: 529`, `statusCode=401`, `HTTP 529`, `HTTP/1.1 429`, `(429)`, and `429 Too Many Requests`.
 */
function statusPattern(codes: string, reasonPhrase: string): RegExp {
  const n = String.raw`(?:${codes})(?![\d.:])`;
  return new RegExp(
    [
      String.raw`API Error:?\s*(?:[A-Za-z ]{0,40}\()?${n}`,
      String.raw`(?<![A-Za-z])(?:status|status[ _-]?code|error[_ ]status|api_error_status)["']?\s*[:=]?\s*${n}`,
      String.raw`\bHTTP(?:\/\d(?:\.\d)?)?\s+${n}`,
      String.raw`(?<![\w/.:-])\(${n}\)`,
      String.raw`(?<![\w/.:-])${n}\s+(?:${reasonPhrase})`,
    ].join('|'),
    'i',
  );
}

/** Ordered: billing words beat the 400 they arrive with, a 401 beats the "/login" hint that follows it. */
const TEXT_PATTERNS: ReadonlyArray<readonly [FailureCode, RegExp]> = [
  ['billing', /credit balance|billing|insufficient (credit|funds)|payment required|purchase credits/i],
  ['auth', statusPattern('401|403', 'Unauthorized|Forbidden')],
  [
    'auth',
    /authentication[_ ](error|failed)|not logged in|invalid (x-)?api[- _]?key|please run \/login|oauth token (has )?expired/i,
  ],
  ['rate_limit', statusPattern('429', 'Too Many Requests')],
  ['rate_limit', /rate[_ -]?limit|usage limit reached|too many requests/i],
  ['overloaded', statusPattern('529', 'Overloaded')],
  ['overloaded', /overloaded/i],
  [
    'server_error',
    statusPattern(String.raw`5\d\d`, 'Internal Server Error|Bad Gateway|Service Unavailable|Gateway Timeout'),
  ],
  ['server_error', /internal server error|"api_error"/i],
  [
    'invalid_request',
    /API Error:?\s*\(?(400|404|413)\b|invalid_request_error|model.{0,40}not (found|available)|prompt is too long|unknown option|unknown argument/i,
  ],
  [
    'network',
    /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|ECONNRESET|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|fetch failed|socket hang up|connection error|getaddrinfo/i,
  ],
];

/** The code the words of an error text point to, or null. */
export function codeForText(text: string): FailureCode | null {
  for (const [code, pattern] of TEXT_PATTERNS) if (pattern.test(text)) return code;
  return null;
}

/** Words that mean Claude Code itself could not be started. */
export function looksLikeMissingExecutable(text: string): boolean {
  return /spawn \S+ (ENOENT|EACCES)|Native CLI binary for .* not found|native binary not found|executable not found/i.test(
    text,
  );
}

/**
 * How long the API asked us to wait, in ms: "retry after 30 seconds", "retry-after: 30", "try again in 2 minutes",
 * or a subscription's "usage limit reached|<epoch seconds>".
 */
export function retryAfterMs(text: string, now: number): number | null {
  const epoch = /usage limit reached\|(\d{9,11})/i.exec(text);
  if (epoch?.[1]) return Math.max(0, Number(epoch[1]) * 1000 - now);
  const m =
    /retry[- ]after:?\s*(\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?)?\b/i.exec(
      text,
    ) ??
    /try again in\s*(\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?)\b/i.exec(text);
  if (!m?.[1]) return null;
  const value = Number(m[1]);
  const unit = (m[2] ?? 's').toLowerCase();
  if (unit.startsWith('ms') || unit.startsWith('milli')) return Math.round(value);
  if (unit.startsWith('m')) return Math.round(value * 60_000);
  return Math.round(value * 1000);
}
