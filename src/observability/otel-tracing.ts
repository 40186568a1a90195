/**
 * Tracing with the OpenTelemetry SDK and the OTLP/HTTP exporter (loaded only when the OTEL_* variables ask for it:
 * tracing.ts). Spans: a REST request (kind server, a child of the caller's `traceparent`), a task's submission when
 * no request carried one (so each task has a trace of its own), an attempt (a child of the context stored on the
 * task, so attempts on any node and after a restart join the same trace) and each tool call inside it. Contexts are
 * passed explicitly, never through a global context manager, so several servers in one process do not mix.
 */
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-node';
import { VERSION } from '../version.js';
import {
  validTraceparent,
  type AttemptEnd,
  type AttemptStart,
  type AttemptTrace,
  type RequestTrace,
  type Tracing,
} from './tracing.js';

function contextOf(traceparent: string | null): Context {
  const valid = validTraceparent(traceparent);
  if (valid === null) return ROOT_CONTEXT;
  const [, traceId, spanId, flags] = valid.split('-') as [string, string, string, string];
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId,
    spanId,
    traceFlags: parseInt(flags, 16) & TraceFlags.SAMPLED,
    isRemote: true,
  });
}

function traceparentOf(span: Span): string {
  const c = span.spanContext();
  return `00-${c.traceId}-${c.spanId}-${c.traceFlags.toString(16).padStart(2, '0')}`;
}

interface ContentBlock {
  type?: unknown;
  id?: unknown;
  name?: unknown;
  tool_use_id?: unknown;
  is_error?: unknown;
}

function contentOf(raw: unknown): { type: string; blocks: ContentBlock[] } | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const message = raw as { type?: unknown; message?: { content?: unknown } };
  const content = message.message?.content;
  if (typeof message.type !== 'string' || !Array.isArray(content)) return null;
  return {
    type: message.type,
    blocks: content.filter((b): b is ContentBlock => typeof b === 'object' && b !== null),
  };
}

class OtelAttempt implements AttemptTrace {
  private readonly tools = new Map<string, Span>();
  private readonly context: Context;
  readonly traceparent: string;
  readonly trace_id: string;

  constructor(
    private readonly tracer: Tracer,
    private readonly span: Span,
  ) {
    this.context = trace.setSpan(ROOT_CONTEXT, span);
    this.traceparent = traceparentOf(span);
    this.trace_id = span.spanContext().traceId;
  }

  message(raw: unknown): void {
    const content = contentOf(raw);
    if (!content) return;
    for (const block of content.blocks) {
      if (content.type === 'assistant' && block.type === 'tool_use' && typeof block.id === 'string') {
        const name = typeof block.name === 'string' ? block.name : 'unknown';
        const span = this.tracer.startSpan(
          `tool ${name}`,
          { attributes: { 'claude_worker.tool.name': name, 'claude_worker.tool.use_id': block.id } },
          this.context,
        );
        this.tools.set(block.id, span);
      } else if (
        content.type === 'user' &&
        block.type === 'tool_result' &&
        typeof block.tool_use_id === 'string'
      ) {
        const span = this.tools.get(block.tool_use_id);
        if (!span) continue;
        if (block.is_error === true)
          span.setStatus({ code: SpanStatusCode.ERROR, message: 'the tool reported an error' });
        span.end();
        this.tools.delete(block.tool_use_id);
      }
    }
  }

  end(end: AttemptEnd): void {
    for (const span of this.tools.values()) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'the attempt ended before the tool answered' });
      span.end();
    }
    this.tools.clear();
    const attributes: Record<string, string | number> = { 'claude_worker.outcome': end.outcome };
    const put = (key: string, value: string | number | null) => {
      if (value !== null) attributes[key] = value;
    };
    put('claude_worker.failure_class', end.failure_class);
    put('claude_worker.exit_code', end.exit_code);
    put('claude_worker.cost_usd', end.cost_usd);
    put('claude_worker.turns', end.num_turns);
    put('gen_ai.usage.input_tokens', end.input_tokens);
    put('gen_ai.usage.output_tokens', end.output_tokens);
    this.span.setAttributes(attributes);
    if (end.outcome !== 'succeeded') {
      this.span.setStatus({ code: SpanStatusCode.ERROR, message: end.failure_class ?? end.outcome });
    }
    this.span.end();
  }
}

export class OtelTracing implements Tracing {
  readonly enabled = true;

  private constructor(
    private readonly provider: BasicTracerProvider,
    private readonly tracer: Tracer,
  ) {}

  static start(env: NodeJS.ProcessEnv): OtelTracing {
    const kind = env['OTEL_TRACES_EXPORTER']?.trim().toLowerCase() || 'otlp';
    // The exporter reads OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT, _HEADERS and _TIMEOUT itself (http/json).
    const exporter: SpanExporter = kind === 'console' ? new ConsoleSpanExporter() : new OTLPTraceExporter();
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({
        'service.name': env['OTEL_SERVICE_NAME']?.trim() || 'claude-worker',
        'service.version': VERSION,
      }),
      spanProcessors: [new BatchSpanProcessor(exporter)],
    });
    return new OtelTracing(provider, provider.getTracer('claude-worker', VERSION));
  }

  taskContext(parent: string | null): string | null {
    if (validTraceparent(parent) !== null) return parent;
    const span = this.tracer.startSpan(
      'claude_worker.task.submit',
      { kind: SpanKind.INTERNAL },
      ROOT_CONTEXT,
    );
    span.end();
    return traceparentOf(span);
  }

  startAttempt(start: AttemptStart): AttemptTrace {
    const attributes: Record<string, string | number> = {
      'claude_worker.task.id': start.task_id,
      'claude_worker.attempt': start.attempt,
      'claude_worker.model': start.model,
      'gen_ai.request.model': start.model,
      'claude_worker.worker.id': start.worker_id,
    };
    if (start.orchestration_id !== null)
      attributes['claude_worker.orchestration.id'] = start.orchestration_id;
    if (start.identifier !== null) attributes['claude_worker.task.identifier'] = start.identifier;
    const span = this.tracer.startSpan(
      'claude_worker.attempt',
      { kind: SpanKind.INTERNAL, attributes },
      contextOf(start.trace_parent),
    );
    return new OtelAttempt(this.tracer, span);
  }

  startRequest(method: string, route: string, traceparentHeader: string | null): RequestTrace {
    const span = this.tracer.startSpan(
      `${method} ${route}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': method, 'http.route': route } },
      contextOf(traceparentHeader),
    );
    return {
      traceparent: traceparentOf(span),
      trace_id: span.spanContext().traceId,
      end: (statusCode) => {
        span.setAttribute('http.response.status_code', statusCode);
        if (statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      },
    };
  }

  async shutdown(): Promise<void> {
    await this.provider.shutdown();
  }
}
