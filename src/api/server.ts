/**
 * Builds the Fastify instance of the REST API around an opened App: JSON body parsing with a clear message for bad
 * JSON, refusal of foreign browser origins and Host headers (origin-guard.ts), bearer-token auth, the route table (tasks, logs, events, health, OpenAPI), problem+json errors, and the live
 * streams that the server ends when it closes. Listening, the token file and server.json are serve.ts's job.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import Fastify, { type FastifyInstance, type onRequestHookHandler } from 'fastify';
import type { Logger } from 'pino';
import type { App } from '../app.js';
import { ClaudeWorkerError } from '../domain/errors.js';
import { tooDeepAt, tooDeepMessage } from '../domain/nesting.js';
import { authenticator } from './request-auth.js';
import { defaultWebRoot, isDashboardPath, serveWeb } from './web-files.js';
import { LiveStreams } from './live-streams.js';
import { originRefusal } from './origin-guard.js';
import { openApiRoute } from './openapi.js';
import { PROBLEM_CONTENT_TYPE, problemOf, toProblem } from './problem.js';
import { registerRoutes, type Route } from './route-table.js';
import { traceRequests } from './request-trace.js';
import { answerClientError, drainRequest, MAX_PARAM_LENGTH, sendRouterError } from './router-errors.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { eventRoutes } from './routes/events.js';
import { detailedHealth, healthRoutes } from './routes/health.js';
import { systemRoutes } from './routes/system.js';
import { workflowEditorRoutes } from './routes/workflow-editor.js';
import { logRoutes } from './routes/logs.js';
import { maintenanceRoutes } from './routes/maintenance.js';
import { metricsRoutes } from './routes/metrics.js';
import { orchestrationRoutes } from './routes/orchestrations.js';
import { stagedGroupRoutes } from './routes/staged-groups.js';
import { statsRoutes } from './routes/stats.js';
import { taskRoutes } from './routes/tasks.js';
import { webhookRoutes } from './routes/webhooks.js';
import { workerRoutes } from './routes/workers.js';

export interface ServerOptions {
  /** The bearer token every /api/v1 request must carry. */
  token: string;
  /** Request and error log; false (the default) logs nothing. */
  logger?: Logger | false;
  /** Comment line interval on SSE streams (default 15 s). */
  heartbeatMs?: number;
  /** How often followed logs look for new lines (default 200 ms). */
  followIntervalMs?: number;
  /** More endpoints from outside the REST API (the MCP endpoint), registered behind the same token check. */
  mounts?: ServerMount[];
  /** The built dashboard to serve at `/` (default dist/web beside the built server); tests pass a fixture. */
  webRoot?: string;
}

/** Registers routes of another part on the server (e.g. `/mcp`), given the bearer-token check to put before them. */
export type ServerMount = (fastify: FastifyInstance, authenticate: onRequestHookHandler) => void;

function parseJsonBody(
  _request: unknown,
  body: string | Buffer,
  done: (err: Error | null, body?: unknown) => void,
): void {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  if (text.trim() === '') {
    done(null, undefined);
    return;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    done(
      new ClaudeWorkerError(
        'validation',
        `The request body is not valid JSON: ${reason}. Send one JSON object with Content-Type: application/json.`,
      ),
    );
    return;
  }
  const deep = tooDeepAt(value);
  if (deep !== null) {
    done(ClaudeWorkerError.validation([{ path: '', message: tooDeepMessage(deep) }], 'The request body'));
    return;
  }
  done(null, value);
}

export function buildServer(app: App, options: ServerOptions): FastifyInstance {
  const bodyLimit = app.config.body_limit_bytes;
  const fastify = Fastify({
    bodyLimit,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors: sendRouterError,
    clientErrorHandler: answerClientError(http.maxHeaderSize),
    genReqId: () => randomUUID(),
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
  }) as unknown as FastifyInstance;

  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, parseJsonBody);

  const streams = new LiveStreams();
  fastify.addHook('preClose', (done) => {
    streams.closeAll();
    done();
  });

  traceRequests(fastify, app.tracing);

  // Before everything else, on every route (and unknown paths): browser pages of other origins are refused.
  const policy = { bindHost: app.config.host, allowedOrigins: app.config.allowed_origins };
  fastify.addHook('onRequest', (request, _reply, done) => {
    const origin = request.headers.origin;
    const refusal = originRefusal(
      { origin, host: request.headers.host, localPort: request.socket.localPort ?? 0 },
      policy,
    );
    if (refusal) done(new ClaudeWorkerError('forbidden', refusal));
    else done();
  });

  // The bearer token, or a dashboard session cookie (changes by cookie only from this server's own pages).
  const authenticate: onRequestHookHandler = authenticator({
    token: options.token,
    tokenPath: app.paths.token,
    allowedOrigins: app.config.allowed_origins,
    dashboard: app.dashboard,
  });
  const webRoot = options.webRoot ?? defaultWebRoot();

  fastify.setErrorHandler(async (err, request, reply) => {
    const { problem, internal } = toProblem(
      err,
      {
        bodyLimit,
        contentLength: request.headers['content-length'],
        contentType: request.headers['content-type'],
      },
      app.paths.serverLog,
    );
    if (internal) request.log.error({ err }, 'request failed');
    else request.log.info({ code: problem.code, status: problem.status }, problem.detail);
    if (problem.status === 401) reply.header('www-authenticate', 'Bearer');
    // A refused body may still be arriving: read it first, so the client gets this answer instead of a reset.
    await drainRequest(request.raw);
    return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  });

  fastify.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? request.url;
    if ((request.method === 'GET' || request.method === 'HEAD') && isDashboardPath(path)) {
      return serveWeb(request, reply, webRoot);
    }
    const problem = problemOf(
      new ClaudeWorkerError(
        'not_found',
        `There is no route ${request.method} ${path}. The routes are listed at /openapi.json.`,
      ),
    );
    return reply.code(404).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  });

  const startedAt = new Date();
  const routes: Route[] = [
    ...healthRoutes(app, streams, startedAt),
    ...taskRoutes(app),
    ...orchestrationRoutes(app),
    ...stagedGroupRoutes(app),
    ...logRoutes(app, streams, options.followIntervalMs ?? 200),
    ...eventRoutes(app, streams, options.heartbeatMs ?? 15_000),
    ...statsRoutes(app),
    ...workerRoutes(app),
    ...webhookRoutes(app),
    ...maintenanceRoutes(app),
    ...dashboardRoutes(app, options.token),
    ...workflowEditorRoutes(app),
    ...systemRoutes(app, async () => ({ ...(await detailedHealth(app, streams, startedAt)) })),
    ...metricsRoutes(app),
  ];
  routes.push(openApiRoute(() => routes, { public: app.config.openapi_public }));
  registerRoutes(fastify, routes, authenticate);
  for (const mount of options.mounts ?? []) mount(fastify, authenticate);
  return fastify;
}
