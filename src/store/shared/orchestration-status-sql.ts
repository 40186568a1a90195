/**
 * The derived status of an orchestration (domain/rules/orchestration-status.ts) said as one SQL expression over
 * `orchestrations o`, for filtering lists in SQL; it is the same in SQLite and PostgreSQL, and must say the same
 * thing as the rule.
 */
const has = (statuses: string) =>
  `EXISTS (SELECT 1 FROM tasks t WHERE t.orchestration_id = o.id AND t.status IN (${statuses}))`;

/** `orchestrationStatus` in SQL over `orchestrations o`: a handful of index seeks per orchestration, whatever its size. */
export const DERIVED_STATUS_SQL = `
  CASE
    WHEN NOT EXISTS (SELECT 1 FROM tasks t WHERE t.orchestration_id = o.id) THEN 'pending'
    WHEN ${has("'waiting', 'queued', 'running'")} THEN
      CASE WHEN ${has("'running', 'completed', 'failed', 'cancelled', 'skipped'")} THEN 'running' ELSE 'pending' END
    WHEN o.cancel_requested <> 0 THEN 'cancelled'
    WHEN o.budget_exhausted <> 0 OR ${has("'failed', 'cancelled'")} THEN 'failed'
    ELSE 'completed'
  END`;
