/**
 * The rules of dashboard sign-in, pure: how long a one-time link and a session live, what a link's stored state
 * means when it is presented, and the words a person sees when sign-in is refused. The store keeps only hashes of
 * codes and session ids; src/engine/dashboard-access.ts applies these rules.
 */

/** A one-time sign-in link is good for 10 minutes, once. */
export const LINK_TTL_MS = 10 * 60 * 1000;
/** A session ends after 12 hours without a request (sliding)... */
export const SESSION_IDLE_MS = 12 * 60 * 60 * 1000;
/** ...and 7 days after sign-in at the latest, however active. */
export const SESSION_MAX_MS = 7 * 24 * 60 * 60 * 1000;
/** A session's expiry is written again only when it would move by more than this (not on every request). */
export const SESSION_EXTEND_STEP_MS = 60 * 1000;

/** The command that prints a new link, for messages. */
export const NEW_LINK_COMMAND = 'claude-worker dashboard';

/** A stored link as the store returns it (times in epoch ms). */
export interface StoredLink {
  expires_at: number;
  used_at: number | null;
}

export type LinkState = 'valid' | 'used' | 'expired' | 'unknown';

/** What a presented link is: unknown (never issued, or pruned), used, expired, or valid to redeem now. */
export function linkState(link: StoredLink | undefined, now: number): LinkState {
  if (!link) return 'unknown';
  if (link.used_at !== null) return 'used';
  if (link.expires_at <= now) return 'expired';
  return 'valid';
}

/** A session's expiry after a request at `now`: idle window from now, never past the maximum from sign-in. */
export function slidingExpiry(createdAt: number, now: number): number {
  return Math.min(now + SESSION_IDLE_MS, createdAt + SESSION_MAX_MS);
}

/** True when the stored expiry should be written again (it moves by more than a step). */
export function shouldExtend(storedExpiry: number, nextExpiry: number): boolean {
  return nextExpiry - storedExpiry > SESSION_EXTEND_STEP_MS;
}

/** Why a sign-in with a link was refused, in words a person can act on. */
export function linkRefusal(state: Exclude<LinkState, 'valid'>): string {
  switch (state) {
    case 'used':
      return `This sign-in link was already used; each link works once. Run \`${NEW_LINK_COMMAND}\` for a new one.`;
    case 'expired':
      return `This sign-in link expired (links work for ${LINK_TTL_MS / 60_000} minutes). Run \`${NEW_LINK_COMMAND}\` for a new one.`;
    case 'unknown':
      return `This sign-in link is not valid (mistyped or cut short?). Run \`${NEW_LINK_COMMAND}\` for a new one, or sign in with the API token.`;
  }
}

/** Why a session cookie was refused. */
export function sessionRefusal(): string {
  return `Your dashboard session has ended (signed out, expired after ${SESSION_IDLE_MS / 3_600_000} hours idle or ${SESSION_MAX_MS / 86_400_000} days, or unknown to this server). Sign in again: run \`${NEW_LINK_COMMAND}\` for a link, or paste the API token.`;
}
