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

/**
 * Attempts one seal transaction adds at most. A history never sealed (the first scrape after the upgrade, or a store
 * not scraped for weeks) is caught up in steps, each its own transaction, so no writer waits on one long seal.
 */
export const SEAL_STEP_ATTEMPTS = 50_000;

/**
 * The bound of one seal step from `from` towards `target`: the target, or the finish time of the first attempt past
 * the step's SEAL_STEP_ATTEMPTS (`stepEnd`; null when there are no more) when that comes first. Always past `from`,
 * so every step moves, however many attempts share one millisecond.
 */
export function sealStepBefore(from: number, target: number, stepEnd: number | null): number {
  return stepEnd !== null && stepEnd < target ? Math.max(stepEnd, from + 1) : target;
}
