/**
 * Staged groups over REST (and the MCP tools that reach them): the group name in the path, a task to stage (one
 * entry of a workflow document, strict), the settings a group is submitted with, and the group as returned.
 */
import * as z from 'zod';
import {
  IDENTIFIER_PATTERN,
  invalidIdentifierMessage,
  OrchestrationDocument,
  WorkflowTask,
} from './orchestration-schemas.js';

export const GroupName = z
  .string({ error: 'orchestration_group must be text such as "release"' })
  .regex(IDENTIFIER_PATTERN, {
    error: (iss) => `orchestration_group: ${invalidIdentifierMessage(String(iss.input))}`,
  });

export const StagedGroupPath = z.strictObject({ group: GroupName });

/** One task of the group, as an entry of a workflow document; the graph is checked as a whole at submit. */
export const StageTaskBody = WorkflowTask;

const document = OrchestrationDocument.shape;

export const SubmitStagedGroupBody = z.strictObject({
  name: document.name,
  max_parallel: document.max_parallel,
  budget_usd: document.budget_usd,
  notify: document.notify,
});
export type SubmitStagedGroupBody = z.infer<typeof SubmitStagedGroupBody>;

export const StagedTaskSchema = z.object({
  group: z.string(),
  identifier: z.string(),
  document: z.record(z.string(), z.unknown()),
  actor: z.string(),
  staged_at: z.string(),
  orchestration_id: z.number().nullable(),
  submitted_at: z.string().nullable(),
});

export const StagedGroupSchema = z.object({
  group: z.string(),
  /** Set once the group was submitted. */
  orchestration_id: z.number().nullable(),
  submitted_at: z.string().nullable(),
  tasks: z.array(StagedTaskSchema),
});
export type StagedGroup = z.infer<typeof StagedGroupSchema>;
