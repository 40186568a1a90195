/**
 * The workflow module: orchestration files and documents → a validated plan. Pure (apart from reading a file and
 * the caller's directory check): no store, no engine. The engine stores a plan in one transaction, renders prompts
 * with `renderPrompt` when a task becomes ready, and decides dependents with `evaluateTriggerRule`.
 */
export { loadWorkflowFile, parseWorkflowText, detectFormat } from './parse.js';
export type { LoadedWorkflow, ParseOptions, WorkflowFormat } from './parse.js';
export { validateWorkflow } from './validate.js';
export { selfDependencyIssues } from './check-graph.js';
export type { ExistingTasks, ValidateOptions } from './validate.js';
export { buildPlan } from './plan.js';
export type { NormalizedTask, PlannedTask, PlanInput, WorkflowPlan } from './plan.js';
export { formatPlan } from './format-plan.js';
export type { FormatPlanOptions } from './format-plan.js';
export { renderPrompt, templateReferences, templateProblems } from '../domain/template.js';
export type { TemplateProblem } from '../domain/template.js';
export {
  countDependencies,
  evaluateTriggerRule,
  skipReason,
  TRIGGER_RULE_DESCRIPTIONS,
} from '../domain/trigger-rules.js';
export type { DependencyCounts, DependencyState, TriggerDecision } from '../domain/trigger-rules.js';
