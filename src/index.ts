/**
 * The library entry point (`import … from 'claude-worker'`): the composition root and the seams a program may
 * implement or call. Everything else is internal and may change.
 */
export { App, type AppOptions } from './app.js';
export { DEFAULTS, ConfigSchema, type Config } from './config/schema.js';
export { loadConfig } from './config/load.js';
export { runServer, type RunningServer } from './serve.js';
export { ClaudeWorkerClient } from './client/http-client.js';
export { ClaudeExecutor } from './executor/claude-executor.js';
export type { Executor, ExecutionOutcome, ExecutionRequest, ExecutorMessage } from './executor/executor.js';
export type { Store } from './store/store.js';
export { SqliteStore } from './store/sqlite/sqlite-store.js';
export { ClaudeWorkerError, type ErrorCode } from './domain/errors.js';
export type * from './domain/vocabulary.js';
