/**
 * Instrumentation of the engine's units of work: one OpenTelemetry span per task attempt and
 * per workflow step, and duration observations for metrics.
 *
 * Spans go through `@opentelemetry/api` only: the global tracer provider the application
 * registered (or the API's no-op one), never a provider of ours. A workflow's trace survives
 * its suspensions through a {@link TraceCarrier} (W3C `traceparent`), plain JSON kept in the
 * workflow's saved state: every step span is a child of the carried context, so all steps of
 * one workflow share one trace whatever worker runs them and however long it sleeps between.
 * The carrier is built and parsed here without a propagator, so it works with no SDK set up.
 *
 * Observers ({@link addEngineObserver}) receive the duration of every attempt and step and the
 * claim latency of every claimed execution (the `/metrics` histograms subscribe here).
 *
 * @module
 */
import {
  type Context,
  context,
  INVALID_SPAN_CONTEXT,
  ProxyTracerProvider,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
} from "@opentelemetry/api";

/** A trace context as plain JSON (W3C Trace Context header values). */
export interface TraceCarrier {
  traceparent?: string;
  tracestate?: string;
}

/** Receives measurements of the engine; every method optional, exceptions ignored. */
export interface EngineObserver {
  /** A task attempt ended (`ok` false when it threw, timed out or was interrupted). */
  taskAttempt?(event: { name: string; queue: string; ms: number; ok: boolean }): void;
  /** A workflow step ended (`ok` false when advancing it threw). */
  workflowStep?(event: { workflow: string; ms: number; ok: boolean }): void;
  /** An execution was claimed `latencyMs` after it became ready. */
  claim?(event: { queue: string; latencyMs: number }): void;
}

const TRACER = "rhythm";
const observers = new Set<EngineObserver>();
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * Subscribes an observer; returns the function that unsubscribes it.
 *
 * @example
 * ```ts
 * const remove = addEngineObserver({ taskAttempt: (e) => console.log(e.name, e.ms) });
 * remove();
 * ```
 */
export function addEngineObserver(observer: EngineObserver): () => void {
  observers.add(observer);
  return () => void observers.delete(observer);
}

function notify(call: (observer: EngineObserver) => void): void {
  for (const observer of observers) {
    try {
      call(observer);
    } catch {
      // an observer's failure must never fail the engine
    }
  }
}

/**
 * Reports that an execution was claimed `latencyMs` after it became ready (`run_at`).
 *
 * @example
 * ```ts
 * observeClaim("default", 3.2);
 * ```
 */
export function observeClaim(queue: string, latencyMs: number): void {
  if (observers.size > 0) notify((o) => o.claim?.({ queue, latencyMs }));
}

/**
 * The carrier of `ctx`'s span (default: the active span); `{}` when there is none.
 *
 * @example
 * ```ts
 * const carrier = injectTraceContext(); // { traceparent: "00-…-…-01" } inside a span
 * ```
 */
export function injectTraceContext(ctx: Context = context.active()): TraceCarrier {
  const spanContext = trace.getSpanContext(ctx);
  if (!spanContext || !trace.isSpanContextValid(spanContext)) return {};
  const flags = (spanContext.traceFlags & 0xff).toString(16).padStart(2, "0");
  const carrier: TraceCarrier = {
    traceparent: `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`,
  };
  const state = spanContext.traceState?.serialize();
  if (state) carrier.tracestate = state;
  return carrier;
}

/**
 * A context whose (remote) parent span is the carrier's; the root context when the carrier is
 * missing or malformed.
 *
 * @example
 * ```ts
 * const parent = extractTraceContext(state.trace);
 * ```
 */
export function extractTraceContext(carrier: TraceCarrier | null | undefined): Context {
  const match = TRACEPARENT.exec(carrier?.traceparent ?? "");
  if (!match) return ROOT_CONTEXT;
  const spanContext = {
    traceId: match[1],
    spanId: match[2],
    traceFlags: parseInt(match[3], 16) & TraceFlags.SAMPLED,
    isRemote: true,
  };
  if (!trace.isSpanContextValid(spanContext)) return ROOT_CONTEXT;
  return trace.setSpanContext(ROOT_CONTEXT, spanContext);
}

/** What {@link withTaskSpan} records about a task attempt. */
export interface TaskSpanInfo {
  executionId: string;
  name: string;
  queue: string;
  attempt: number;
  /** The trace the attempt belongs to (e.g. its workflow's); a new trace when absent. */
  carrier?: TraceCarrier | null;
}

/**
 * Runs one task attempt inside a span `task <name>` (kind consumer) and reports its duration.
 * The span ends when `fn` settles; a rejection is recorded on it and rethrown.
 *
 * @example
 * ```ts
 * const output = await withTaskSpan(
 *   { executionId: row.id, name: row.name, queue: row.queue, attempt: row.attempt },
 *   () => definition.run(inputs, context),
 * );
 * ```
 */
export function withTaskSpan<T>(info: TaskSpanInfo, fn: () => Promise<T> | T): Promise<T> {
  if (observers.size === 0 && !tracing()) {
    // Nothing records the span nor the duration: run `fn` in the context the no-op tracer's span
    // would give it (the carrier's remote span, else an invalid one), without the span objects.
    const parent = info.carrier ? extractTraceContext(info.carrier) : ROOT_CONTEXT;
    try {
      return Promise.resolve(context.with(parent === ROOT_CONTEXT ? NO_SPAN : parent, fn));
    } catch (error) {
      return Promise.reject(error);
    }
  }
  const attributes = {
    "rhythm.execution.id": info.executionId,
    "rhythm.task.name": info.name,
    "rhythm.queue": info.queue,
    "rhythm.attempt": info.attempt,
  };
  const parent = extractTraceContext(info.carrier);
  const span = trace.getTracer(TRACER).startSpan(
    `task ${info.name}`,
    { kind: SpanKind.CONSUMER, attributes },
    parent,
  );
  return timed(span, parent, fn, (ms, ok) => {
    notify((o) => o.taskAttempt?.({ name: info.name, queue: info.queue, ms, ok }));
  });
}

/** The context of a no-op tracer's span that has no parent: its span context is invalid. */
const NO_SPAN = trace.setSpan(ROOT_CONTEXT, trace.wrapSpanContext(INVALID_SPAN_CONTEXT));

/**
 * Whether a tracer provider is registered: spans are only recorded then. Without one, the
 * global provider is the API's proxy with no delegate, whose tracers are no-ops.
 */
function tracing(): boolean {
  const provider = trace.getTracerProvider();
  return !(provider instanceof ProxyTracerProvider) ||
    provider.getDelegateTracer(TRACER) !== undefined;
}

/** What {@link withStepSpan} records about a workflow step. */
export interface StepSpanInfo {
  executionId: string;
  workflow: string;
  /** The workflow version (content hash) the execution is pinned to. */
  version?: string | null;
  /** The carrier saved in the workflow's state by an earlier step, if any. */
  carrier?: TraceCarrier | null;
}

/**
 * Runs one workflow step inside a span `step <workflow>` and reports its duration. `fn`
 * receives the carrier to save with the new state: the one it was given, or — on the first
 * step of a workflow that has none — this step's own, so later steps join this trace; and this
 * step's own carrier, for the work the step starts.
 *
 * @example
 * ```ts
 * const next = await withStepSpan(
 *   { executionId: id, workflow: name, version, carrier: state.trace },
 *   (carrier) => advanceAndSave({ ...state, trace: carrier }),
 * );
 * ```
 */
export function withStepSpan<T>(
  info: StepSpanInfo,
  fn: (carrier: TraceCarrier, stepCarrier: TraceCarrier) => Promise<T> | T,
): Promise<T> {
  const attributes: Record<string, string> = {
    "rhythm.execution.id": info.executionId,
    "rhythm.workflow.name": info.workflow,
  };
  if (info.version) attributes["rhythm.workflow.version"] = info.version;
  const parent = extractTraceContext(info.carrier);
  const span = trace.getTracer(TRACER).startSpan(`step ${info.workflow}`, { attributes }, parent);
  const inherited = trace.getSpanContext(parent) !== undefined;
  const own = injectTraceContext(trace.setSpan(parent, span));
  const carrier = inherited ? (info.carrier as TraceCarrier) : own;
  return timed(span, parent, () => fn(carrier, own), (ms, ok) => {
    notify((o) => o.workflowStep?.({ workflow: info.workflow, ms, ok }));
  });
}

async function timed<T>(
  span: Span,
  parent: Context,
  fn: () => Promise<T> | T,
  report: (ms: number, ok: boolean) => void,
): Promise<T> {
  const started = performance.now();
  try {
    const result = await context.with(trace.setSpan(parent, span), fn);
    report(performance.now() - started, true);
    return result;
  } catch (error) {
    report(performance.now() - started, false);
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: messageOf(error) });
    throw error;
  } finally {
    span.end();
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * A carrier stored as JSON text (`executions.trace_context`); null for none or malformed text.
 *
 * @example
 * ```ts
 * const carrier = parseCarrier(row.traceContext); // { traceparent: "00-…" } or null
 * ```
 */
export function parseCarrier(text: string | null): TraceCarrier | null {
  if (text === null) return null;
  try {
    const carrier = JSON.parse(text);
    return carrier !== null && typeof carrier === "object" ? carrier as TraceCarrier : null;
  } catch {
    return null;
  }
}

/**
 * A carrier as JSON text to store, or null when it has no span to continue.
 *
 * @example
 * ```ts
 * carrierText({ traceparent: "00-…" }); // '{"traceparent":"00-…"}'
 * carrierText({}); // null
 * ```
 */
export function carrierText(carrier: TraceCarrier): string | null {
  return carrier.traceparent === undefined ? null : JSON.stringify(carrier);
}

const SNAPSHOT_TRACE = /^\{"trace":(\{[^{}]*\})/;

/**
 * The carrier saved at the front of a workflow snapshot's JSON text by
 * {@link snapshotWithCarrier}, read without parsing the whole snapshot; null when there is none.
 *
 * @example
 * ```ts
 * carrierInSnapshot('{"trace":{"traceparent":"00-…"},"format":1}'); // { traceparent: "00-…" }
 * ```
 */
export function carrierInSnapshot(snapshot: string | null): TraceCarrier | null {
  const match = snapshot === null ? null : SNAPSHOT_TRACE.exec(snapshot);
  if (!match) return null;
  try {
    return JSON.parse(match[1]) as TraceCarrier;
  } catch {
    return null;
  }
}

/**
 * A snapshot's JSON text with the trace carrier as its first property (the interpreter ignores
 * properties it does not know).
 *
 * @example
 * ```ts
 * const text = snapshotWithCarrier(advanced.state, carrier); // '{"trace":{…},"format":1,…}'
 * ```
 */
export function snapshotWithCarrier(state: object, carrier: TraceCarrier): string {
  const { trace: _old, ...rest } = state as Record<string, unknown>;
  return JSON.stringify({ trace: carrier, ...rest });
}
