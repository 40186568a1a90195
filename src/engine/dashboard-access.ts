/**
 * Dashboard sign-in as a service: issues one-time link codes, turns a code (or the API token, checked by the
 * caller) into a session, checks a session cookie (sliding its expiry) and ends it. Secrets are random 32-byte
 * values; the store keeps only their SHA-256, so a copy of the database signs nobody in. The lifetimes and the words
 * of refusals are domain rules (domain/dashboard-access.ts); the cookie itself is the API's business.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  LINK_TTL_MS,
  SESSION_MAX_MS,
  linkRefusal,
  sessionRefusal,
  shouldExtend,
  slidingExpiry,
} from '../domain/dashboard-access.js';
import { ClaudeWorkerError } from '../domain/errors.js';
import type { Store } from '../store/store.js';

/** A new secret: 32 random bytes, base64url (43 characters). */
function secret(): string {
  return randomBytes(32).toString('base64url');
}

export function hashSecret(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** A secret as we issue them; anything else is refused before it reaches the store. */
const SECRET_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export interface IssuedLink {
  code: string;
  expires_at: Date;
}

export interface StartedSession {
  /** The session id, for the cookie; never stored. */
  id: string;
  expires_at: Date;
  /** When the session ends at the latest, however active (the cookie's lifetime). */
  max_expires_at: Date;
}

export class DashboardAccess {
  constructor(
    private readonly store: Store,
    private readonly clock: () => number = Date.now,
  ) {}

  async issueLink(): Promise<IssuedLink> {
    const code = secret();
    const now = this.clock();
    await this.store.createDashboardLink(hashSecret(code), now, now + LINK_TTL_MS);
    return { code, expires_at: new Date(now + LINK_TTL_MS) };
  }

  /** Redeems a link code (once) and starts a session; throws `unauthorized` saying why a link is refused. */
  async signInWithCode(code: string): Promise<StartedSession> {
    const state = SECRET_SHAPE.test(code)
      ? await this.store.redeemDashboardLink(hashSecret(code), this.clock())
      : 'unknown';
    if (state !== 'valid') {
      throw new ClaudeWorkerError('unauthorized', linkRefusal(state), { data: { link: state } });
    }
    return this.startSession();
  }

  /** Starts a session for a caller already proven (the API token was checked by the caller). */
  async startSession(): Promise<StartedSession> {
    const id = secret();
    const now = this.clock();
    const expires = slidingExpiry(now, now);
    await this.store.createDashboardSession(hashSecret(id), now, expires);
    return { id, expires_at: new Date(expires), max_expires_at: new Date(now + SESSION_MAX_MS) };
  }

  /** The session's expiry after this request (extended when due), or null when there is no such live session. */
  async checkSession(id: string): Promise<Date | null> {
    if (!SECRET_SHAPE.test(id)) return null;
    const hash = hashSecret(id);
    const session = await this.store.getDashboardSession(hash);
    const now = this.clock();
    if (!session || session.expires_at <= now) return null;
    const next = slidingExpiry(session.created_at, now);
    if (!shouldExtend(session.expires_at, next)) return new Date(session.expires_at);
    await this.store.extendDashboardSession(hash, next);
    return new Date(next);
  }

  /** Ends a session (signing out); false when it was not stored (already ended). */
  async endSession(id: string): Promise<boolean> {
    if (!SECRET_SHAPE.test(id)) return false;
    return this.store.deleteDashboardSession(hashSecret(id));
  }

  /** The refusal for a cookie that names no live session. */
  sessionEnded(): ClaudeWorkerError {
    return new ClaudeWorkerError('unauthorized', sessionRefusal());
  }
}
