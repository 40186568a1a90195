/**
 * REST requests as spans: each request opens one (a child of the caller's W3C `traceparent` header when valid) and
 * ends it with the response's status; its request log lines carry `trace_id`. A route reads the request's context
 * with `requestTraceparent` (POST /api/v1/tasks stores it on the task). With tracing off, the caller's header is
 * still read, so the task keeps the caller's context.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RequestTrace, Tracing } from '../observability/tracing.js';

const traces = new WeakMap<FastifyRequest, RequestTrace>();

export function traceRequests(fastify: FastifyInstance, tracing: Tracing): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    const header = request.headers.traceparent;
    const route = request.routeOptions.url ?? 'unknown route';
    const span = tracing.startRequest(request.method, route, typeof header === 'string' ? header : null);
    traces.set(request, span);
    if (span.trace_id !== null) {
      // Fastify's "request completed" line is written by the reply's logger.
      request.log = request.log.child({ trace_id: span.trace_id });
      reply.log = request.log;
    }
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    traces.get(request)?.end(reply.statusCode);
    traces.delete(request);
    done();
  });
}

/** The request's trace context: its span's when tracing is on, else the caller's valid header, else null. */
export function requestTraceparent(request: FastifyRequest): string | null {
  return traces.get(request)?.traceparent ?? null;
}
