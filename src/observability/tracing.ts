/**
 * Tracing seam: what the engine, the task service and the REST server ask of tracing, and the switch that turns it
 * on. OpenTelemetry is on when the standard variables say so (OTEL_EXPORTER_OTLP_ENDPOINT,
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, OTEL_SERVICE_NAME or OTEL_TRACES_EXPORTER, unless the latter is `none`); then
 * the SDK and the OTLP exporter are imported (otel-tracing.ts). Off, nothing of OpenTelemetry is loaded and the no-op
 * below still passes a caller's W3C `traceparent` on to Claude Code, so its own telemetry can join the trace.
 */

/** What an attempt's span records at its end. */
export interface AttemptEnd {
  outcome: string;
  failure_class: string | null;
  exit_code: number | null;
  cost_usd: number | null;
  num_turns: number | null;
  input_tokens: number | null;
  output_tokens: number | null;
}

export interface AttemptTrace {
  /** The context Claude Code runs in (its TRACEPARENT), or null when there is none. */
  readonly traceparent: string | null;
  /** For log lines; null when there is no trace. */
  readonly trace_id: string | null;
  /** A raw SDK message of the attempt: tool calls become child spans. */
  message(raw: unknown): void;
  end(end: AttemptEnd): void;
}

export interface RequestTrace {
  readonly traceparent: string | null;
  readonly trace_id: string | null;
  end(statusCode: number): void;
}

export interface AttemptStart {
  task_id: number;
  attempt: number;
  model: string;
  orchestration_id: number | null;
  identifier: string | null;
  worker_id: string;
  /** The context stored on the task (from the request that created it). */
  trace_parent: string | null;
}

export interface Tracing {
  readonly enabled: boolean;
  /** The context to store on a new task: under `parent` (a request's span), else a new trace of its own. */
  taskContext(parent: string | null): string | null;
  startAttempt(start: AttemptStart): AttemptTrace;
  /** A REST request's span, a child of the caller's `traceparent` header when it sent a valid one. */
  startRequest(method: string, route: string, traceparentHeader: string | null): RequestTrace;
  /** Exports what is still buffered. */
  shutdown(): Promise<void>;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** A valid W3C traceparent (version 00, ids not all zeros), lower-cased; null otherwise. */
export function validTraceparent(value: string | null | undefined): string | null {
  const text = value?.trim().toLowerCase() ?? '';
  const match = TRACEPARENT.exec(text);
  if (!match || /^0+$/.test(match[1]!) || /^0+$/.test(match[2]!)) return null;
  return text;
}

export function traceIdOf(traceparent: string | null): string | null {
  return traceparent === null ? null : (TRACEPARENT.exec(traceparent)?.[1] ?? null);
}

/** Tracing off: no spans; the caller's context still reaches Claude Code and the log lines. */
export const NO_TRACING: Tracing = {
  enabled: false,
  taskContext: (parent) => parent,
  startAttempt: (start) => ({
    traceparent: start.trace_parent,
    trace_id: traceIdOf(start.trace_parent),
    message: () => {},
    end: () => {},
  }),
  startRequest: (_method, _route, header) => {
    const traceparent = validTraceparent(header);
    return { traceparent, trace_id: traceIdOf(traceparent), end: () => {} };
  },
  shutdown: async () => {},
};

/** True when the standard OpenTelemetry variables ask for traces. */
export function tracingRequested(env: NodeJS.ProcessEnv): boolean {
  const exporter = env['OTEL_TRACES_EXPORTER']?.trim().toLowerCase();
  if (exporter === 'none') return false;
  return [
    'OTEL_EXPORTER_OTLP_ENDPOINT',
    'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
    'OTEL_SERVICE_NAME',
    'OTEL_TRACES_EXPORTER',
  ].some((name) => (env[name] ?? '').trim() !== '');
}

/** The tracing the environment asks for; the OpenTelemetry SDK is imported only when it is on. */
export async function openTracing(env: NodeJS.ProcessEnv = process.env): Promise<Tracing> {
  if (!tracingRequested(env)) return NO_TRACING;
  const { OtelTracing } = await import('./otel-tracing.js');
  return OtelTracing.start(env);
}
