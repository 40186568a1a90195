/**
 * One try of one delivery over HTTP: POST the body with the Standard Webhooks headers (the signature for plain
 * webhooks; Slack and Discord take the same request, their URL is the secret), a 10 s timeout, no redirects
 * followed. Says whether it was acknowledged (a 2xx) and, if not, why, in words for the delivery log. Never throws.
 */
import { signWebhook } from './signature.js';

export interface SendRequest {
  url: string;
  webhookId: string;
  secret: string;
  body: string;
  /** Plain webhooks carry the signature headers; Slack and Discord ignore them, so they are sent only to webhooks. */
  signed: boolean;
  timeoutMs: number;
}

export interface SendResult {
  ok: boolean;
  response_code: number | null;
  error: string | null;
}

const USER_AGENT = 'claude-worker-webhooks';

export async function sendWebhook(request: SendRequest): Promise<SendResult> {
  const timestamp = Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': USER_AGENT,
  };
  if (request.signed) {
    headers['webhook-id'] = request.webhookId;
    headers['webhook-timestamp'] = String(timestamp);
    headers['webhook-signature'] = signWebhook(request.secret, request.webhookId, timestamp, request.body);
  }
  try {
    const response = await fetch(request.url, {
      method: 'POST',
      headers,
      body: request.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    // Read (a bounded part of) the answer: a short reason for the log, and the connection is released.
    const text = (await response.text().catch(() => '')).slice(0, 200).trim();
    if (response.status >= 200 && response.status < 300) {
      return { ok: true, response_code: response.status, error: null };
    }
    return {
      ok: false,
      response_code: response.status,
      error: `the receiver answered HTTP ${response.status}${text ? `: ${text}` : ''}`,
    };
  } catch (err) {
    return { ok: false, response_code: null, error: describeFetchError(err, request.timeoutMs) };
  }
}

function describeFetchError(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') {
    return `no answer within ${Math.round(timeoutMs / 1000)} s (timed out)`;
  }
  const code = e.cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused: nothing listens at that address';
  if (code === 'ENOTFOUND') return 'the host name does not resolve';
  return `request failed: ${e.cause?.message ?? e.message ?? String(err)}`;
}
