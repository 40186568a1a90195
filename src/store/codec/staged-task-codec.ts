/** The staged-task row codec, shared by every store (column types: values.ts). */
import type { StagedTask } from '../store.js';
import {
  intOrNull,
  isoOrNull,
  isoTime,
  parseJson,
  type IntValue,
  type JsonValue,
  type TimeValue,
} from './values.js';

export interface StagedTaskRecordRow {
  group_name: string;
  identifier: string;
  document: JsonValue;
  actor: string;
  staged_at: TimeValue;
  orchestration_id: IntValue | null;
  submitted_at: TimeValue | null;
}

export function stagedTaskFromRow(row: StagedTaskRecordRow): StagedTask {
  return {
    group: row.group_name,
    identifier: row.identifier,
    document: parseJson<Record<string, unknown>>(row.document) ?? {},
    actor: row.actor,
    staged_at: isoTime(row.staged_at),
    orchestration_id: intOrNull(row.orchestration_id),
    submitted_at: isoOrNull(row.submitted_at),
  };
}
