/**
 * Every setting of claude-worker in one schema, with its default, its environment variable and a description.
 * The loader (load.ts) layers defaults < user file < project file < CLAUDE_WORKER_* env < flags and validates the
 * merged result with this schema.
 */
import * as z from 'zod';
import { ModelName } from '../contract/task-schemas.js';
import { PERMISSION_MODES } from '../domain/vocabulary.js';
import { databaseUrlProblem } from './database-url.js';
import { parseCommandLine } from '../domain/command-line.js';
import { LOCAL_ALERT_MODES } from '../domain/local-alerts.js';

export const ConfigSchema = z.strictObject({
  home: z.string().min(1).describe('Folder for the database, logs, server.json and token'),
  claude_path: z
    .string()
    .min(1)
    .nullable()
    .describe("Claude Code executable; null uses the Agent SDK's bundled binary"),
  host: z.string().min(1).describe('Address the server binds (loopback unless a token is configured)'),
  port: z.int().min(0).max(65535).describe('Preferred server port; a busy port moves to the next free one'),
  url: z.string().url().nullable().describe('URL of a server to talk to instead of the local one'),
  token: z.string().min(16).nullable().describe('API bearer token; null generates one in <home>/token'),
  concurrency: z
    .int()
    .positive({ error: 'concurrency must be a positive whole number (tasks run at once)' })
    .max(256)
    .describe('Tasks this worker runs at once'),
  default_model: ModelName.describe('Model for tasks that do not name one'),
  permission_mode: z.enum(PERMISSION_MODES).describe('Permission mode for tasks that do not set one'),
  task_timeout_seconds: z
    .int()
    .positive()
    .max(7 * 24 * 3600)
    .describe('Attempt timeout for tasks that set none and whose model has no default below'),
  timeout_haiku_seconds: z
    .int()
    .positive()
    .max(7 * 24 * 3600)
    .describe('Default attempt timeout for haiku models'),
  timeout_sonnet_seconds: z
    .int()
    .positive()
    .max(7 * 24 * 3600)
    .describe('Default attempt timeout for sonnet models'),
  timeout_opus_seconds: z
    .int()
    .positive()
    .max(7 * 24 * 3600)
    .describe('Default attempt timeout for opus models'),
  max_attempts: z
    .int()
    .min(1)
    .max(20)
    .describe('Attempts per task (an attempt interrupted by a stopped worker does not count)'),
  max_interruptions: z
    .int()
    .min(1)
    .max(1000)
    .describe('A task interrupted by a dying worker this many times in a row fails as worker_lost'),
  retry_base_seconds: z
    .number()
    .min(0)
    .max(3600)
    .describe('First retry backoff (doubles per attempt, full jitter)'),
  retry_cap_seconds: z.number().min(0).max(86_400).describe('Largest retry backoff'),
  rate_limit_cooldown_seconds: z
    .number()
    .min(0)
    .max(86_400)
    .describe('Wait after a 429 when the API does not say how long'),
  claude_max_retries: z
    .int()
    .min(0)
    .max(20)
    .describe("Claude Code's own API retries inside one attempt (CLAUDE_CODE_MAX_RETRIES)"),
  resume_on_retry: z
    .boolean()
    .describe('Resume the Claude session after interrupted, timeout or crashed attempts'),
  child_dies_with_server: z
    .boolean()
    .describe(
      'Claude Code and the tools it runs end soon after the server dies (Linux: setpriv --pdeathsig; POSIX: a lifeline)',
    ),
  session_mirror: z
    .boolean()
    .describe(
      'Mirror Claude Code session transcripts into the database, so an interrupted task resumes its session on another machine',
    ),
  breaker_threshold: z
    .int()
    .min(1)
    .max(1000)
    .describe('Consecutive transient API failures of a model that open its circuit breaker'),
  breaker_cool_seconds: z
    .number()
    .min(0)
    .max(86_400)
    .describe('How long an open breaker waits before one probe'),
  min_free_memory_mb: z.int().min(0).describe('No new task starts while free system memory is below this'),
  memory_limit_mb: z
    .int()
    .positive()
    .nullable()
    .describe('A task whose Claude Code process tree uses more memory than this is stopped; null: no limit'),
  memory_sample_seconds: z.number().positive().max(600).describe('How often memory is sampled'),
  shutdown_grace_seconds: z
    .number()
    .min(0)
    .max(86_400)
    .describe('On shutdown, how long running tasks may finish before they are interrupted and requeued'),
  lease_seconds: z
    .int()
    .min(2)
    .max(3600)
    .describe('How long a running task stays claimed without a heartbeat'),
  heartbeat_seconds: z.number().positive().max(600).describe('How often a worker renews its leases'),
  poll_seconds: z
    .number()
    .positive()
    .max(600)
    .describe('Safety-net poll for ready tasks (wake-ups are immediate)'),
  body_limit_bytes: z.int().min(1024).describe('Largest accepted request body'),
  log_level: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .describe('Server log level'),
  allowed_roots: z
    .array(z.string())
    .describe('If not empty, working directories must lie under one of these (real paths, links followed)'),
  allowed_origins: z
    .array(
      z.string().regex(/^https?:\/\/[^/?#\s]+$/, {
        error: (iss) =>
          `"${String(iss.input)}" is not an origin: write scheme, host and port only, such as http://localhost:5173`,
      }),
    )
    .describe("Browser origins allowed to call the API besides the server's own (others get 403)"),
  openapi_public: z.boolean().describe('Serve /openapi.json without a token'),
  metrics_public: z
    .boolean()
    .describe(
      'Serve /metrics without a token (for a Prometheus that cannot send one; it shows counts and costs)',
    ),
  database_url: z
    .string()
    .min(1)
    .refine((url) => databaseUrlProblem(url) === null, {
      error: 'database_url must be a PostgreSQL URL like postgres://user@host:5432/claude_worker',
    })
    .nullable()
    .describe(
      'PostgreSQL shared by every node (postgres://user@host/db); null keeps the SQLite file in <home>',
    ),
  database_pool_size: z.int().min(1).max(200).describe('Connections each process keeps open to PostgreSQL'),
  webhook_retry_base_seconds: z
    .number()
    .min(0)
    .max(3600)
    .describe(
      'First wait before a failed webhook delivery is tried again (doubles per try, full jitter, for 24 h)',
    ),
  slack_webhook_url: z
    .string()
    .regex(/^https?:\/\/\S+$/, {
      error: 'slack_webhook_url is an http(s) URL, such as https://hooks.slack.com/services/T…/B…/…',
    })
    .nullable()
    .describe(
      'Slack incoming webhook: task and orchestration endings are posted there (also notify.slack_webhook_url)',
    ),
  discord_webhook_url: z
    .string()
    .regex(/^https?:\/\/\S+$/, {
      error: 'discord_webhook_url is an http(s) URL, such as https://discord.com/api/webhooks/…',
    })
    .nullable()
    .describe(
      'Discord webhook: task and orchestration endings are posted there (also notify.discord_webhook_url)',
    ),
  sound: z
    .enum(LOCAL_ALERT_MODES)
    .describe(
      'A sound when a task or orchestration ends: on, off, or auto (on at a local terminal, off in CI); also notify.sound',
    ),
  sound_player: z
    .string()
    .refine((text) => parseCommandLine(text).ok, {
      error: (iss) => {
        const parsed = parseCommandLine(String(iss.input));
        return `sound_player is a command line such as "mpv --no-video" (run without a shell, the sound file added last); ${parsed.ok ? '' : parsed.problem}`;
      },
    })
    .nullable()
    .describe(
      "Command that plays a sound, run with the sound file's path as its last argument; null: afplay, paplay, aplay or PowerShell, the first found",
    ),
  desktop_notify: z
    .enum(LOCAL_ALERT_MODES)
    .describe(
      'A desktop notice (notify-send, osascript) when a task or orchestration ends: on, off, or auto like sound',
    ),
  dashboard_url: z
    .string()
    .url()
    .nullable()
    .describe(
      "Where people reach the dashboard: the base of links in notifications (webhooks, Slack, Discord), and https here marks the sign-in cookie Secure (behind a TLS proxy); null: the server's own URL",
    ),
});
export type Config = z.infer<typeof ConfigSchema>;
export type ConfigKey = keyof Config;

/** Defaults that do not depend on the machine; `home` is filled in by the loader. */
export const DEFAULTS: Omit<Config, 'home'> = {
  claude_path: null,
  host: '127.0.0.1',
  port: 7420,
  url: null,
  token: null,
  concurrency: 4,
  default_model: 'sonnet',
  permission_mode: 'bypassPermissions',
  task_timeout_seconds: 3600,
  timeout_haiku_seconds: 600,
  timeout_sonnet_seconds: 1800,
  timeout_opus_seconds: 3600,
  max_attempts: 3,
  max_interruptions: 10,
  retry_base_seconds: 5,
  retry_cap_seconds: 300,
  rate_limit_cooldown_seconds: 60,
  claude_max_retries: 2,
  resume_on_retry: true,
  child_dies_with_server: true,
  session_mirror: true,
  breaker_threshold: 5,
  breaker_cool_seconds: 60,
  min_free_memory_mb: 256,
  memory_limit_mb: null,
  memory_sample_seconds: 2,
  shutdown_grace_seconds: 20,
  lease_seconds: 30,
  heartbeat_seconds: 5,
  poll_seconds: 2,
  body_limit_bytes: 1024 * 1024,
  log_level: 'info',
  allowed_roots: [],
  database_url: null,
  database_pool_size: 10,
  allowed_origins: [],
  openapi_public: false,
  webhook_retry_base_seconds: 10,
  slack_webhook_url: null,
  discord_webhook_url: null,
  sound: 'auto',
  sound_player: null,
  desktop_notify: 'auto',
  dashboard_url: null,
  metrics_public: false,
};

/** The environment variable of each setting: CLAUDE_WORKER_<UPPER_SNAKE>. */
export function envName(key: ConfigKey): string {
  return `CLAUDE_WORKER_${key.toUpperCase()}`;
}
