/**
 * The wire contract of the dashboard's own routes, shared by the server, the CLI's client and the web app (web/):
 * sign-in links and sessions, daily statistics, the workflow editor's validation with line numbers, and the system
 * view. Every name here is a promise the browser app relies on.
 */
import * as z from 'zod';
import { queryInt } from './numbers.js';

/** The cookie that carries a dashboard session (HttpOnly, SameSite=Strict, Path=/). */
export const SESSION_COOKIE = 'claude_worker_session';

// ---- sign-in ----

/** `POST /api/v1/dashboard/links` → 201: a one-time link, `<server>/sign-in#code=<code>`, good for 10 minutes. */
export const DashboardLinkSchema = z.object({ url: z.string(), expires_at: z.string() });
export type DashboardLink = z.infer<typeof DashboardLinkSchema>;

/** `POST /api/v1/session` body: the code from a link, or the API token pasted into the sign-in form. */
export const SessionCreateInput = z
  .strictObject({
    code: z.string().min(1, 'code must not be empty').max(200, 'code is at most 200 characters').optional(),
    token: z
      .string()
      .min(1, 'token must not be empty')
      .max(1000, 'token is at most 1000 characters')
      .optional(),
  })
  .refine((body) => (body.code === undefined) !== (body.token === undefined), {
    error: 'give either "code" (from a sign-in link) or "token" (the API token), not both and not neither',
  });
export type SessionCreateInput = z.infer<typeof SessionCreateInput>;

/** `POST /api/v1/session` → 201 (and the cookie). */
export const SessionCreatedSchema = z.object({ expires_at: z.string() });
export type SessionCreated = z.infer<typeof SessionCreatedSchema>;

/** `GET /api/v1/session` → 200 while signed in (else 401). `expires_at` slides with use, up to 7 days. */
export const SessionStatusSchema = z.object({ signed_in: z.literal(true), expires_at: z.string() });
export type SessionStatus = z.infer<typeof SessionStatusSchema>;

// ---- statistics per day ----

export const DailyStatsQuery = z.strictObject({ days: queryInt('days', 1, 365).default(30) });

export const DailyStatsDaySchema = z.object({
  /** UTC day, `YYYY-MM-DD`. */
  date: z.string(),
  /** Tasks that finished that day, by final status (completed, failed, cancelled, skipped; all present). */
  tasks: z.record(z.string(), z.number()),
  cost_usd: z.number(),
  by_model: z.record(z.string(), z.object({ tasks: z.number(), cost_usd: z.number() })),
  /** Failed attempts that day by failure class (rate_limit, auth, …). */
  failure_classes: z.record(z.string(), z.number()),
});
export type DailyStatsDay = z.infer<typeof DailyStatsDaySchema>;

/** `GET /api/v1/stats/daily?days=N`: one entry per UTC day, oldest first, today last; days without work are zeros. */
export const DailyStatsSchema = z.object({ days: z.array(DailyStatsDaySchema) });
export type DailyStats = z.infer<typeof DailyStatsSchema>;

// ---- the workflow editor ----

/** Largest document the editor may validate (bytes of UTF-8). */
export const MAX_EDITOR_DOCUMENT_BYTES = 1024 * 1024;

export const ValidateDocumentInput = z.strictObject({
  document: z.string({ error: 'document is the workflow text (YAML or JSON) as a string' }),
  format: z.enum(['yaml', 'json'], { error: 'format is "yaml" or "json"' }).optional(),
});
export type ValidateDocumentInput = z.infer<typeof ValidateDocumentInput>;

/** One problem at its place: 1-based line and column in the text, the document path, and the validator's words. */
export const DocumentProblemSchema = z.object({
  line: z.number(),
  column: z.number(),
  path: z.string(),
  message: z.string(),
});
export type DocumentProblem = z.infer<typeof DocumentProblemSchema>;

export const GraphTaskSchema = z.object({
  identifier: z.string(),
  prompt_first_line: z.string(),
  depends_on: z.array(z.string()),
  trigger_rule: z.string(),
  /** `initial_delay` in seconds (after defaults); 0 when none. */
  delay_seconds: z.number(),
  model: z.string().nullable(),
  /** 1-based line of the task's entry in the text. */
  line: z.number(),
});
export type GraphTask = z.infer<typeof GraphTaskSchema>;

/** `POST /api/v1/orchestrations/validate-document` → 200, valid or not (400 only for a malformed request). */
export const DocumentValidationSchema = z.object({
  valid: z.boolean(),
  problems: z.array(DocumentProblemSchema),
  /** The graph as far as it could be read (tasks with an identifier; edges to identifiers that exist). */
  graph: z.object({
    tasks: z.array(GraphTaskSchema),
    edges: z.array(z.object({ from: z.string(), to: z.string() })),
  }),
});
export type DocumentValidation = z.infer<typeof DocumentValidationSchema>;

// ---- the system view ----

export const FailureClassSchema = z.object({
  code: z.string(),
  title: z.string(),
  retryable: z.boolean(),
  suggestion: z.string(),
});

/**
 * `GET /api/v1/system`: what the System view shows in one call. `health` is `/health/detailed` (this server's
 * worker, concurrency, memory admission, model gates with when they lift), `workers` is `/api/v1/workers`, and
 * `failure_classes` is every class the classifier knows, with its suggestion.
 */
export const SystemSchema = z.object({
  health: z.record(z.string(), z.unknown()),
  workers: z.array(z.record(z.string(), z.unknown())),
  failure_classes: z.array(FailureClassSchema),
});
export type SystemView = z.infer<typeof SystemSchema>;
