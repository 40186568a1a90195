/**
 * The route table: each route is declared once, with its method, path, auth, input schemas and responses, and that
 * one declaration both registers the Fastify handler (parsing params, query and body with the shared zod schemas)
 * and documents the route in /openapi.json, so the document cannot drift from what the server does.
 */
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  HTTPMethods,
  onRequestHookHandler,
} from 'fastify';
import type * as z from 'zod';
import { parseOrThrow } from '../contract/zod-issues.js';
import { ClaudeWorkerError } from '../domain/errors.js';
import type { Actor } from '../domain/vocabulary.js';

export interface ResponseDoc {
  description: string;
  /** JSON body schema; omit for non-JSON bodies or none. */
  schema?: z.ZodType;
  /** Defaults to application/json when `schema` is set. */
  contentType?: string;
}

export interface RouteContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  request: FastifyRequest;
  reply: FastifyReply;
  /** Who is calling, for the audit trail. */
  actor: Actor;
}

export interface RouteDef<P, Q, B> {
  method: HTTPMethods;
  /** Fastify syntax: `/api/v1/tasks/:id`. */
  url: string;
  summary: string;
  description?: string;
  /** True: needs `Authorization: Bearer <token>`. */
  auth: boolean;
  tag: string;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** False: the body may be left out (documented as optional). Default true when `body` is set. */
  bodyRequired?: boolean;
  /** How validation messages name the body: "The task is invalid: …". Default "The request body". */
  bodyLabel?: string;
  responses: Record<number, ResponseDoc>;
  /** Returns the JSON body, or the reply after sending it itself (streams). */
  handler: (context: RouteContext<P, Q, B>) => Promise<unknown>;
}

/** A declared route with its types erased, ready to register and document. */
export interface Route {
  method: HTTPMethods;
  url: string;
  summary: string;
  description?: string;
  auth: boolean;
  tag: string;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  bodyRequired: boolean;
  responses: Record<number, ResponseDoc>;
  handle(request: FastifyRequest, reply: FastifyReply): Promise<unknown>;
}

const ACTOR_HEADER = 'x-claude-worker-actor';
const CORRELATION_HEADER = 'x-correlation-id';

/** The caller's self-description (`cli`, `mcp`), else `api`; a correlation id from the caller, else the request id. */
export function actorOf(request: FastifyRequest): Actor {
  const name = request.headers[ACTOR_HEADER];
  const correlation = request.headers[CORRELATION_HEADER];
  return {
    actor: typeof name === 'string' && /^[a-z][a-z0-9:_-]{0,31}$/.test(name) ? name : 'api',
    correlation_id:
      typeof correlation === 'string' && /^[A-Za-z0-9._:-]{1,100}$/.test(correlation)
        ? correlation
        : request.id,
  };
}

export function defineRoute<P = undefined, Q = undefined, B = undefined>(def: RouteDef<P, Q, B>): Route {
  return {
    method: def.method,
    url: def.url,
    summary: def.summary,
    description: def.description,
    auth: def.auth,
    tag: def.tag,
    params: def.params,
    query: def.query,
    body: def.body,
    bodyRequired: def.bodyRequired ?? true,
    responses: def.responses,
    handle: (request, reply) => {
      const params = (def.params ? parseOrThrow(def.params, request.params, 'The URL') : undefined) as P;
      const query = (
        def.query ? parseOrThrow(def.query, singleValues(request.query), 'The query') : noQuery(request.query)
      ) as Q;
      const body = (
        def.body
          ? parseOrThrow(def.body, request.body, def.bodyLabel ?? 'The request body')
          : noBody(request.body)
      ) as B;
      return def.handler({ params, query, body, request, reply, actor: actorOf(request) });
    },
  };
}

/** A query parameter given twice (`limit=5&limit=6`) is refused by name rather than as "a list". */
function singleValues(query: unknown): unknown {
  if (typeof query !== 'object' || query === null) return {};
  const repeated = Object.entries(query).filter(([, value]) => Array.isArray(value));
  if (repeated.length === 0) return query;
  throw ClaudeWorkerError.validation(
    repeated.map(([key, value]) => ({
      path: key,
      message: `is given ${(value as unknown[]).length} times; give it once${key === 'status' ? ' (several statuses: status=a,b)' : ''}`,
    })),
    'The query',
  );
}

/** A route without a query schema takes no query parameters: any is refused, never silently ignored. */
function noQuery(query: unknown): undefined {
  const keys = typeof query === 'object' && query !== null ? Object.keys(query) : [];
  if (keys.length === 0) return undefined;
  throw ClaudeWorkerError.validation(
    keys.map((key) => ({
      path: '',
      message: `unknown field "${key.length > 60 ? `${key.slice(0, 57)}...` : key}"; this request takes no query parameters`,
    })),
    'The query',
  );
}

/** A route without a body schema takes no fields: anything sent is refused, never silently ignored. */
function noBody(body: unknown): undefined {
  if (body === undefined || body === null) return undefined;
  const isObject = typeof body === 'object' && !Array.isArray(body);
  if (isObject && Object.keys(body).length === 0) return undefined;
  const issues = isObject
    ? Object.keys(body).map((key) => ({
        path: '',
        message: `unknown field "${key.length > 60 ? `${key.slice(0, 57)}...` : key}"; this request takes no body`,
      }))
    : [{ path: '', message: 'this request takes no body; send none (or {})' }];
  throw ClaudeWorkerError.validation(issues, 'The request body');
}

/** Registers every route; `authenticate` runs before body parsing on the routes that need a token. */
export function registerRoutes(
  fastify: FastifyInstance,
  routes: readonly Route[],
  authenticate: onRequestHookHandler,
): void {
  for (const route of routes) {
    fastify.route({
      method: route.method,
      url: route.url,
      onRequest: route.auth ? authenticate : undefined,
      handler: (request, reply) => route.handle(request, reply),
    });
  }
}
