/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): the secret is `whsec_` + base64 of random bytes;
 * a message is signed as HMAC-SHA256 over `<webhook-id>.<webhook-timestamp>.<body>` with the secret's decoded
 * bytes, sent as `webhook-signature: v1,<base64>`. Also makes new secrets and checks given ones.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SECRET_PREFIX = 'whsec_';

/** A new secret: `whsec_` + base64 of 24 random bytes. */
export function newWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(24).toString('base64');
}

/** Why a secret given by a person cannot be used, or null when it can. */
export function secretProblem(secret: string): string | null {
  const body = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : null;
  if (body === null || !/^[A-Za-z0-9+/]+={0,2}$/.test(body) || body.length % 4 !== 0) {
    return 'a secret is "whsec_" followed by base64 (such as whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw); leave it out and one is generated';
  }
  const bytes = Buffer.from(body, 'base64').length;
  if (bytes < 16 || bytes > 64) {
    return `the secret holds ${bytes} bytes; use 16 to 64 random bytes (base64), or leave it out and one is generated`;
  }
  return null;
}

function keyOf(secret: string): Buffer {
  return Buffer.from(
    secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret,
    'base64',
  );
}

/** The `webhook-signature` header value for one message. */
export function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', keyOf(secret))
    .update(`${id}.${timestampSeconds}.${body}`)
    .digest('base64');
  return `v1,${mac}`;
}

/** Whether a `webhook-signature` header (space-separated `v1,<sig>` entries) holds a valid signature. */
export function verifyWebhook(
  secret: string,
  id: string,
  timestampSeconds: number,
  body: string,
  header: string,
): boolean {
  const expected = Buffer.from(signWebhook(secret, id, timestampSeconds, body));
  return header.split(' ').some((candidate) => {
    const given = Buffer.from(candidate);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
