/**
 * max_parallel at claim time: which ready tasks a claim may take, in claim order, when some orchestrations limit how
 * many of their tasks run at once. Pure bookkeeping over the free slots; the store supplies the candidates (and
 * asks again, excluding the full orchestrations, when a batch passed some over).
 */

export interface Candidate {
  id: number;
  orchestration_id: number | null;
}

export interface CapacityState {
  /** Free slots per limited orchestration (running tasks subtracted). */
  free: Map<number, number>;
  /** Limited orchestrations with no free slot. */
  full: number[];
  /** Task ids taken so far, in claim order. */
  chosen: number[];
}

export function capacityState(limited: ReadonlyArray<{ id: number; free: number }>): CapacityState {
  return {
    free: new Map(limited.map((c) => [c.id, c.free])),
    full: limited.filter((c) => c.free <= 0).map((c) => c.id),
    chosen: [],
  };
}

/**
 * Takes candidates while their orchestration has a slot, up to `limit` in all. Returns true when the batch is as
 * full as it gets (nothing passed over, or fewer candidates than asked for: nothing more is ready).
 */
export function takeWithinCapacity(
  state: CapacityState,
  candidates: readonly Candidate[],
  limit: number,
): boolean {
  const wanted = limit - state.chosen.length;
  let passedOver = false;
  for (const row of candidates) {
    const left = row.orchestration_id === null ? undefined : state.free.get(row.orchestration_id);
    if (left !== undefined) {
      if (left <= 0) {
        passedOver = true;
        continue;
      }
      state.free.set(row.orchestration_id!, left - 1);
      if (left === 1) state.full.push(row.orchestration_id!);
    }
    state.chosen.push(row.id);
  }
  return candidates.length < wanted || !passedOver || state.chosen.length >= limit;
}
