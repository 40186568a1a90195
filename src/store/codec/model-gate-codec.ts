/**
 * The model gate row codec, shared by every store. The breaker's state is derived at read time from the row and
 * the clock: open while its cool period runs, `half_open` after (one probe may run), closed otherwise; an expired
 * cool-down or probe reads as none.
 */
import type { ModelGate } from '../store.js';
import { epochMs, flag, isoTime, type FlagValue, type TimeValue } from './values.js';

export interface ModelGateRecordRow {
  model: string;
  cooldown_until: TimeValue | null;
  cooldown_reason: string | null;
  breaker_open: FlagValue;
  consecutive_failures: number;
  breaker_open_until: TimeValue | null;
  probe_worker_id: string | null;
  probe_expires_at: TimeValue | null;
  last_failure: string | null;
  updated_at: TimeValue;
}

export function modelGateFromRow(row: ModelGateRecordRow, now: number): ModelGate {
  const open = flag(row.breaker_open);
  const cooldownUntil = row.cooldown_until === null ? null : epochMs(row.cooldown_until);
  const openUntil = row.breaker_open_until === null ? null : epochMs(row.breaker_open_until);
  const probeHeld =
    row.probe_worker_id !== null && (row.probe_expires_at === null ? 0 : epochMs(row.probe_expires_at)) > now;
  const cooling = cooldownUntil !== null && cooldownUntil > now;
  return {
    model: row.model,
    cooldown_until: cooling ? isoTime(cooldownUntil) : null,
    cooldown_reason: cooling ? row.cooldown_reason : null,
    breaker_state: !open ? 'closed' : (openUntil ?? 0) > now ? 'open' : 'half_open',
    consecutive_failures: row.consecutive_failures,
    breaker_open_until: open && openUntil !== null ? isoTime(openUntil) : null,
    probe_worker_id: probeHeld ? row.probe_worker_id : null,
    last_failure: row.last_failure,
    updated_at: isoTime(row.updated_at),
  };
}
