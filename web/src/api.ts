/**
 * Typed calls to the claude-worker REST API from the browser. The types are the contract's own (src/contract,
 * src/domain, the CLI client's request types); only types cross into the bundle. The session cookie authenticates
 * every call (same origin, so the browser sends it and the Origin header the server checks).
 */
import type {
  Attempt,
  Orchestration,
  OrchestrationDetail,
  Task,
  TaskEvent,
  TaskStatus,
  Worker,
} from '../../src/domain/vocabulary.js';
import type {
  CreateTaskRequest,
  OrchestrationValidation,
  RetryTaskRequest,
  TaskList,
  TaskWithAttempts,
} from '../../src/client/http-client.js';
import type { HealthDetailed } from '../../src/api/wire-schemas.js';

export type { Attempt, Orchestration, OrchestrationDetail, Task, TaskEvent, TaskStatus, TaskWithAttempts, Worker };
export type { CreateTaskRequest, OrchestrationValidation, HealthDetailed };

export const TASK_STATUS_WORDS: readonly TaskStatus[] = [
  'waiting',
  'queued',
  'running',
  'completed',
  'failed',
  'cancelled',
  'skipped',
];

/** One problem of a rejected request, at its field (`path` like `max_turns` or `tasks.1.depends_on`). */
export interface Issue {
  path: string;
  message: string;
}

/** An answer other than 2xx: the problem+json body's words, ready to show. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly code: string,
    readonly issues: Issue[],
  ) {
    super(detail || title);
  }
}

/** Called when the server answers 401: the session ended; the app shows the sign-in form. */
let onSignedOut: () => void = () => undefined;
export function whenSignedOut(fn: () => void): void {
  onSignedOut = fn;
}

async function problemOf(response: Response): Promise<ApiError> {
  let body: Record<string, unknown> = {};
  try {
    body = (await response.json()) as Record<string, unknown>;
  } catch {
    // not JSON: keep the status line
  }
  const text = (key: string): string => (typeof body[key] === 'string' ? (body[key] as string) : '');
  const issues = Array.isArray(body.issues) ? (body.issues as Issue[]) : [];
  return new ApiError(response.status, text('title') || response.statusText, text('detail'), text('code'), issues);
}

type Query = Record<string, string | number | boolean | undefined | null>;

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

export async function request(
  method: string,
  path: string,
  options: { query?: Query; body?: unknown; signedOutOk?: boolean } = {},
): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(withQuery(path, options.query), {
    method,
    headers,
    credentials: 'same-origin',
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  if (!response.ok) {
    const error = await problemOf(response);
    if (response.status === 401 && !options.signedOutOk) onSignedOut();
    throw error;
  }
  return response;
}

async function json<T>(method: string, path: string, options: { query?: Query; body?: unknown } = {}): Promise<T> {
  const response = await request(method, path, options);
  return (await response.json()) as T;
}

export interface TaskFilters {
  status?: string;
  model?: string;
  tag?: string;
  orchestration_id?: string;
  q?: string;
}

export interface DailyStats {
  days: {
    date: string;
    tasks: Partial<Record<TaskStatus, number>>;
    cost_usd: number;
    by_model: Record<string, { tasks: number; cost_usd: number }>;
    failure_classes: Record<string, number>;
  }[];
}

/** `GET /api/v1/system`: health (as /health/detailed), the workers, and every failure class with its suggestion. */
export interface SystemInfo {
  health: HealthDetailed;
  workers: Worker[];
  failure_classes: { code: string; title: string; retryable: boolean; suggestion: string }[];
}

export interface DocumentProblem {
  line: number | null;
  column: number | null;
  path: string;
  message: string;
}
export interface DocumentCheck {
  valid: boolean;
  problems: DocumentProblem[];
  graph: { tasks: { identifier: string; [key: string]: unknown }[]; edges: { from: string; to: string }[] };
}

export const api = {
  session: () => json<{ signed_in: boolean; expires_at: string }>('GET', '/api/v1/session'),
  signIn: (body: { code: string } | { token: string }) =>
    request('POST', '/api/v1/session', { body, signedOutOk: true }),
  signOut: () => request('DELETE', '/api/v1/session', { signedOutOk: true }),

  listTasks: (filters: TaskFilters, cursor?: string, limit = 200) =>
    json<TaskList>('GET', '/api/v1/tasks', { query: { ...filters, cursor, limit } }),
  getTask: (id: number) => json<TaskWithAttempts>('GET', `/api/v1/tasks/${id}`),
  createTask: (input: CreateTaskRequest) => json<Task>('POST', '/api/v1/tasks', { body: input }),
  cancelTask: (id: number) => json<Task>('POST', `/api/v1/tasks/${id}/cancel`),
  retryTask: (id: number, changes: RetryTaskRequest = {}) =>
    json<Task>('POST', `/api/v1/tasks/${id}/retry`, {
      body: Object.keys(changes).length > 0 ? changes : undefined,
    }),
  attempts: async (id: number) => (await json<{ attempts: Attempt[] }>('GET', `/api/v1/tasks/${id}/attempts`)).attempts,
  log: async (id: number, format: 'text' | 'jsonl') =>
    (await request('GET', `/api/v1/tasks/${id}/logs`, { query: { format } })).text(),

  listOrchestrations: (cursor?: string) =>
    json<{ orchestrations: Orchestration[]; next_cursor: string | null }>('GET', '/api/v1/orchestrations', {
      query: { cursor, limit: 100 },
    }),
  getOrchestration: (id: number) => json<OrchestrationDetail>('GET', `/api/v1/orchestrations/${id}`),
  cancelOrchestration: (id: number) => json<Orchestration>('POST', `/api/v1/orchestrations/${id}/cancel`),
  createOrchestration: (document: unknown) => json<OrchestrationDetail>('POST', '/api/v1/orchestrations', { body: document }),
  dryRun: (document: unknown) =>
    json<OrchestrationValidation>('POST', '/api/v1/orchestrations/validate', { body: document }),
  validateDocument: (document: string, format: 'yaml' | 'json') =>
    json<DocumentCheck>('POST', '/api/v1/orchestrations/validate-document', { body: { document, format } }),

  stats: () => json<Record<string, unknown>>('GET', '/api/v1/stats'),
  daily: (days: number) => json<DailyStats>('GET', '/api/v1/stats/daily', { query: { days } }),
  system: () => json<SystemInfo>('GET', '/api/v1/system'),
};
