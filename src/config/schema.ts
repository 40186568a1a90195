/**
 * Every setting of claude-worker in one schema, with its default, its environment variable and a description.
 * The loader (load.ts) layers defaults < user file < project file < CLAUDE_WORKER_* env < flags and validates the
 * merged result with this schema.
 */
import { z } from 'zod';
import { ModelName } from '../contract/task-schemas.js';
import { PERMISSION_MODES } from '../domain/vocabulary.js';

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
  concurrency: z.int().positive({ error: 'concurrency must be a positive whole number (tasks run at once)' }).max(256)
    .describe('Tasks this worker runs at once'),
  default_model: ModelName.describe('Model for tasks that do not name one'),
  permission_mode: z.enum(PERMISSION_MODES).describe('Permission mode for tasks that do not set one'),
  task_timeout_seconds: z.int().positive().describe('Attempt timeout for tasks that do not set one'),
  max_attempts: z.int().min(1).max(20).describe('Attempts per task (recovery after a crash uses one)'),
  retry_base_seconds: z.number().min(0).max(3600).describe('First retry backoff (doubles per attempt, full jitter)'),
  retry_cap_seconds: z.number().min(0).max(86_400).describe('Largest retry backoff'),
  rate_limit_cooldown_seconds: z.number().min(0).max(86_400)
    .describe('Wait after a 429 when the API does not say how long'),
  lease_seconds: z.int().min(2).max(3600).describe('How long a running task stays claimed without a heartbeat'),
  heartbeat_seconds: z.number().positive().max(600).describe('How often a worker renews its leases'),
  poll_seconds: z.number().positive().max(600).describe('Safety-net poll for ready tasks (wake-ups are immediate)'),
  body_limit_bytes: z.int().min(1024).describe('Largest accepted request body'),
  log_level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).describe('Server log level'),
  allowed_roots: z.array(z.string()).describe('If not empty, working directories must lie under one of these'),
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
  max_attempts: 3,
  retry_base_seconds: 5,
  retry_cap_seconds: 300,
  rate_limit_cooldown_seconds: 60,
  lease_seconds: 30,
  heartbeat_seconds: 5,
  poll_seconds: 2,
  body_limit_bytes: 1024 * 1024,
  log_level: 'info',
  allowed_roots: [],
};

/** The environment variable of each setting: CLAUDE_WORKER_<UPPER_SNAKE>. */
export function envName(key: ConfigKey): string {
  return `CLAUDE_WORKER_${key.toUpperCase()}`;
}
