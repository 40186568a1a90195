/**
 * When the sealed totals of `/metrics` move forward. Attempts that finished before `sealed_before` are counted in
 * the `attempt_totals` table; a scrape aggregates only the attempts after it (the live window). The seal moves once
 * the window is two hours long, back to one hour: a scrape reads one to two hours of attempts whatever the store's
 * size, and the seal runs about once an hour. The hour of margin also covers node clocks that disagree by less than
 * an hour (an attempt stamped by a late clock still lands after `sealed_before`).
 */

/** The live window after a seal. */
export const SEAL_KEEP_MS = 60 * 60 * 1000;

/** The live window at which the next seal is due. */
export const SEAL_DUE_MS = 2 * SEAL_KEEP_MS;

/** The new `sealed_before` when a seal is due at `now` (epoch ms), or null when the live window is short enough. */
export function nextSealBefore(sealedBefore: number, now: number): number | null {
  return sealedBefore < now - SEAL_DUE_MS ? now - SEAL_KEEP_MS : null;
}
