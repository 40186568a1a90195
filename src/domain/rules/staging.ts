/**
 * Staged groups, decided from plain data: a task may be staged in a group that was not submitted yet, under an
 * identifier not staged in it already; a group may be submitted once, and only when something is staged in it.
 * Throws the conflict (or not_found) in words a person can act on.
 */
import { ClaudeWorkerError } from '../errors.js';

export interface StagedEntry {
  identifier: string;
  orchestration_id: number | null;
  /** ISO time of the submit, when submitted. */
  submitted_at: string | null;
}

export function checkCanStage(group: string, identifier: string, staged: readonly StagedEntry[]): void {
  const submitted = staged.find((row) => row.orchestration_id !== null);
  if (submitted) throw alreadySubmitted(group, submitted);
  if (staged.some((row) => row.identifier === identifier)) {
    throw new ClaudeWorkerError(
      'conflict',
      `A task "${identifier}" is already staged in group "${group}"; each task of a group needs its own ` +
        `identifier. Choose another one (staged so far: ${staged.map((r) => `"${r.identifier}"`).join(', ')}).`,
      { data: { group, identifier } },
    );
  }
}

export function checkCanSubmit(group: string, staged: readonly StagedEntry[]): void {
  if (staged.length === 0) {
    throw new ClaudeWorkerError(
      'not_found',
      `Nothing is staged in group "${group}"; stage tasks in it first.`,
      {
        data: { group },
      },
    );
  }
  const submitted = staged.find((row) => row.orchestration_id !== null);
  if (submitted) throw alreadySubmitted(group, submitted);
}

function alreadySubmitted(group: string, row: StagedEntry): ClaudeWorkerError {
  const at = row.submitted_at === null ? '' : ` at ${row.submitted_at}`;
  return new ClaudeWorkerError(
    'conflict',
    `Group "${group}" was already submitted as orchestration ${String(row.orchestration_id)}${at}. Follow that ` +
      `orchestration (its id is ${String(row.orchestration_id)}), or stage new tasks under a new group name.`,
    { data: { group, orchestration_id: row.orchestration_id } },
  );
}
