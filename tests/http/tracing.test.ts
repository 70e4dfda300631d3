import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type Context,
  type Span,
  type SpanContext,
  type SpanOptions,
  SpanStatusCode,
  trace,
  type Tracer,
  type TracerProvider,
} from "@opentelemetry/api";
import { listExecutions, queueTask } from "../../worker/client.ts";
import { defineTask } from "../../worker/tasks.ts";
import { startWorkflow } from "../../worker/workflows/client.ts";
import { registerWorkflows } from "../../worker/workflows/definitions.ts";
import {
  addEngineObserver,
  extractTraceContext,
  injectTraceContext,
  withStepSpan,
  withTaskSpan,
} from "../../worker/tracing.ts";
import { forEachDriver } from "../helpers/db.ts";
import { finished, startWorker } from "../helpers/engine.ts";

interface Recorded {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  attributes: Record<string, unknown>;
  status: { code: SpanStatusCode; message?: string };
  exceptions: unknown[];
  ended: boolean;
}

const hex = (bytes: number) =>
  Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, "0"))
    .join("");

/** A tracer provider written against the API only: it records every span in `spans`. */
function memoryProvider(): TracerProvider & { spans: Recorded[] } {
  const spans: Recorded[] = [];
  const tracer: Tracer = {
    startSpan(name: string, options: SpanOptions = {}, ctx?: Context): Span {
      const parent = ctx ? trace.getSpanContext(ctx) : undefined;
      const spanContext: SpanContext = {
        traceId: parent?.traceId ?? hex(16),
        spanId: hex(8),
        traceFlags: 1,
      };
      const record: Recorded = {
        name,
        traceId: spanContext.traceId,
        spanId: spanContext.spanId,
        parentSpanId: parent?.spanId ?? null,
        attributes: { ...options.attributes },
        status: { code: SpanStatusCode.UNSET },
        exceptions: [],
        ended: false,
      };
      spans.push(record);
      const span: Span = {
        spanContext: () => spanContext,
        setAttribute: (k, v) => (record.attributes[k] = v, span),
        setAttributes: (a) => (Object.assign(record.attributes, a), span),
        addEvent: () => span,
        addLink: () => span,
        addLinks: () => span,
        setStatus: (s) => (record.status = s, span),
        updateName: (n) => (record.name = n, span),
        end: () => void (record.ended = true),
        isRecording: () => !record.ended,
        recordException: (e) => void record.exceptions.push(e),
      };
      return span;
    },
    startActiveSpan(): never {
      throw new Error("not used by Rhythm");
    },
  };
  return { spans, getTracer: () => tracer };
}

const provider = memoryProvider();
beforeAll(() => void trace.setGlobalTracerProvider(provider));
afterAll(() => trace.disable());
beforeEach(() => void provider.spans.splice(0));

describe("tracing helpers", () => {
  it("records a task attempt as a span with its attributes, and its duration", async () => {
    const seen: unknown[] = [];
    const remove = addEngineObserver({ taskAttempt: (e) => seen.push(e) });
    const result = await withTaskSpan(
      { executionId: "e1", name: "charge", queue: "payments", attempt: 2 },
      () => 42,
    );
    remove();
    expect(result).toBe(42);
    expect(provider.spans).toEqual([expect.objectContaining({
      name: "task charge",
      ended: true,
      attributes: {
        "rhythm.execution.id": "e1",
        "rhythm.task.name": "charge",
        "rhythm.queue": "payments",
        "rhythm.attempt": 2,
      },
    })]);
    expect(seen).toEqual([{ name: "charge", queue: "payments", ms: expect.any(Number), ok: true }]);
  });

  it("marks a span failed and rethrows when the task throws", async () => {
    const failing = withTaskSpan({ executionId: "e", name: "t", queue: "q", attempt: 1 }, () => {
      throw new RangeError("nope");
    });
    await expect(failing).rejects.toThrow("nope");
    expect(provider.spans[0].status).toEqual({
      code: SpanStatusCode.ERROR,
      message: "RangeError: nope",
    });
    expect(provider.spans[0].exceptions).toHaveLength(1);
    expect(provider.spans[0].ended).toBe(true);
  });

  it("keeps every step of a workflow in one trace across suspensions, via the carrier", async () => {
    const info = { executionId: "w1", workflow: "checkout", version: "abc" };
    const saved = await withStepSpan(info, (carrier) => JSON.parse(JSON.stringify(carrier)));
    expect(saved.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    // … the workflow sleeps; another worker, much later, resumes from the saved state:
    const again = await withStepSpan({ ...info, carrier: saved }, (carrier) => carrier);
    expect(again).toEqual(saved);
    const [first, second] = provider.spans;
    expect(second.traceId).toBe(first.traceId);
    expect(second.parentSpanId).toBe(first.spanId);
    expect(second.attributes["rhythm.workflow.version"]).toBe("abc");
  });

  it("makes a task span a child of a carried context", async () => {
    const carrier = { traceparent: `00-${hex(16)}-${hex(8)}-01` };
    await withTaskSpan({ executionId: "e", name: "t", queue: "q", attempt: 1, carrier }, () => 1);
    expect(carrier.traceparent).toBe(
      `00-${provider.spans[0].traceId}-${provider.spans[0].parentSpanId}-01`,
    );
  });

  it("round-trips a carrier and ignores malformed ones", () => {
    const carrier = { traceparent: `00-${hex(16)}-${hex(8)}-01` };
    expect(injectTraceContext(extractTraceContext(carrier))).toEqual(carrier);
    for (
      const bad of [{}, null, { traceparent: "garbage" }, {
        traceparent: `00-${"0".repeat(32)}-${hex(8)}-01`,
      }]
    ) {
      expect(injectTraceContext(extractTraceContext(bad))).toEqual({});
    }
  });
});

forEachDriver("tracing a worker", (t) => {
  it("gives every task attempt run by a worker its own span", async () => {
    let calls = 0;
    const flaky = defineTask("flaky", () => {
      if (++calls === 1) throw new Error("first attempt fails");
      return "ok";
    }, { retry: { maxAttempts: 2, backoff: { initial: 0 } } });
    await startWorker(t, { tasks: [flaky] });
    const id = await queueTask(t.db, flaky, {});
    expect((await finished(t.db, id)).status).toBe("completed");
    const spans = provider.spans.filter((s) => s.attributes["rhythm.execution.id"] === id);
    expect(spans.map((s) => [s.name, s.attributes["rhythm.attempt"], s.status.code])).toEqual([
      ["task flaky", 1, SpanStatusCode.ERROR],
      ["task flaky", 2, SpanStatusCode.UNSET],
    ]);
  });

  it("puts every step of a workflow in one trace across its suspensions", async () => {
    await registerWorkflows(t.db, {
      twoWaits: 'await Task.run("noop", {})\nawait Task.run("noop", {})\nreturn "done"',
    });
    await startWorker(t, { tasks: [{ noop: () => null }] });
    const id = await startWorkflow(t.db, "twoWaits", {});
    expect((await finished(t.db, id)).output).toBe("done");
    const steps = provider.spans.filter((s) =>
      s.name === "step twoWaits" && s.attributes["rhythm.execution.id"] === id
    );
    expect(steps.length).toBeGreaterThanOrEqual(3);
    expect(new Set(steps.map((s) => s.traceId)).size).toBe(1);
    expect(steps.slice(1).every((s) => s.parentSpanId === steps[0].spanId)).toBe(true);
    expect(steps.every((s) => s.ended)).toBe(true);
  });

  it("puts the task attempts a workflow starts in the workflow's trace, under their step", async () => {
    await registerWorkflows(t.db, {
      fanOut: 'let a = await Task.run("noop", 1)\nlet b = await Task.run("noop", 2)\nreturn "done"',
    });
    await startWorker(t, { tasks: [{ noop: () => null }] });
    const id = await startWorkflow(t.db, "fanOut", {});
    expect((await finished(t.db, id)).output).toBe("done");
    const steps = provider.spans.filter((s) => s.attributes["rhythm.execution.id"] === id);
    const children = await listExecutions(t.db, { parentId: id });
    const tasks = provider.spans.filter((s) =>
      children.some((c) => c.id === s.attributes["rhythm.execution.id"])
    );
    expect(tasks.map((s) => s.name)).toEqual(["task noop", "task noop"]);
    for (const task of tasks) {
      expect(task.traceId).toBe(steps[0].traceId);
      expect(steps.map((s) => s.spanId)).toContain(task.parentSpanId);
    }
  });

  it("continues the trace in a child workflow and the tasks it starts", async () => {
    await registerWorkflows(t.db, {
      parent: 'let r = await Workflow.run("child", {}, { idempotencyKey: "k" })\nreturn r',
      child: 'return await Task.run("noop", {})',
    });
    await startWorker(t, { tasks: [{ noop: () => "ok" }] });
    const id = await startWorkflow(t.db, "parent", {});
    expect((await finished(t.db, id)).output).toBe("ok");
    const [child] = await listExecutions(t.db, { parentId: id });
    const [task] = await listExecutions(t.db, { parentId: child.id });
    const traceOf = (executionId: string) =>
      provider.spans.filter((s) => s.attributes["rhythm.execution.id"] === executionId)
        .map((s) => s.traceId);
    const [traceId] = traceOf(id);
    expect(new Set([...traceOf(id), ...traceOf(child.id), ...traceOf(task.id)])).toEqual(
      new Set([traceId]),
    );
    expect(traceOf(task.id)).toHaveLength(1);
  });
});
