/**
 * `advance`, the step function hosts build on: the commands it emits (with front-matter
 * defaults and `.flow` lines), what it waits for, cancellation of race losers, resuming
 * with results, terminal states, and the error constructors hosts report failures with.
 */
import { describe, expect, it } from "vitest";
import {
  advance,
  type AdvanceResult,
  compile,
  type CompiledProgram,
  DEFAULT_RETRY,
  taskError,
  timeoutError,
  workflowError,
} from "../../interpreter/mod.ts";

const context = { executionId: "e1", workflow: "w", version: "v", startedAt: "2025-01-01" };

function program(source: string): CompiledProgram {
  const c = compile(source);
  if (!c.ok) throw new Error(JSON.stringify(c.diagnostics));
  return c.program;
}

function first(source: string, now = 5000, inputs: unknown = {}): AdvanceResult {
  return advance(program(source), { state: null, inputs, context, now, resolutions: [] });
}

describe("advance emits commands", () => {
  it("for a task, with front-matter defaults, the full retry policy and the line", () => {
    const r = first(`---
queue: billing
retry: { "maxAttempts": 5 }
---
let x = 1
await Task.run("charge", { amount: 5 }, { priority: 2, timeout: "30s" })`);
    expect(r.status).toBe("suspended");
    expect(r.commands).toStrictEqual([{
      type: "task",
      handle: "h1",
      name: "charge",
      inputs: { amount: 5 },
      options: {
        queue: "billing",
        priority: 2,
        timeout: 30000,
        retry: { maxAttempts: 5, backoff: DEFAULT_RETRY.backoff },
      },
      line: 6,
    }]);
    expect(r.waiting).toStrictEqual(["h1"]);
  });

  it("for child workflows, timers, signal waits and log lines", () => {
    const r = first(`Workflow.run("child", { a: 1 }, { queue: "q" })
Timer.delay("2m")
Timer.until("2025-01-02T00:00:00Z")
Signal.next("approve", { timeout: 60 })
console.log("hi", [1])
await Signal.next("other")`);
    expect(r.commands).toStrictEqual([
      {
        type: "workflow",
        handle: "h1",
        name: "child",
        inputs: { a: 1 },
        options: { queue: "q" },
        line: 1,
      },
      { type: "timer", handle: "h2", fireAt: 5000 + 120000 },
      { type: "timer", handle: "h3", fireAt: Date.UTC(2025, 0, 2) },
      { type: "signal", handle: "h4", name: "approve", timeoutAt: 5000 + 60000 },
      { type: "log", level: "log", message: "hi [1]" },
      { type: "signal", handle: "h5", name: "other", timeoutAt: null },
    ]);
    expect(r.waiting).toStrictEqual(["h5"]);
  });

  it("rejects unknown options with a TypeError naming them", () => {
    const r = first(`await Task.run("t", {}, { retries: 3 })`);
    expect(r.status).toBe("failed");
    expect(r.error).toMatchObject({ name: "TypeError", line: 1 });
    expect(r.error?.message).toContain('unknown option "retries"');
  });
});

describe("advance waits and resumes", () => {
  const source = `const all = Promise.all([Task.run("a", {}), Task.run("b", {})])
const [a, b] = await all
return a + b + Date.now()`;

  it("waits for every pending member of a combination", () => {
    const r = first(source);
    expect(r.waiting).toStrictEqual(["h1", "h2"]);
  });

  it("resumes only when all results are in, seeing the new clock", () => {
    const p = program(source);
    let r = advance(p, { state: null, inputs: {}, context, now: 0, resolutions: [] });
    r = advance(p, {
      state: r.state,
      context,
      now: 10,
      resolutions: [{ handle: "h2", ok: true, value: 2 }],
    });
    expect(r.status).toBe("suspended");
    expect(r.waiting).toStrictEqual(["h1"]);
    expect(r.commands).toStrictEqual([]);
    r = advance(p, {
      state: r.state,
      context,
      now: 20,
      resolutions: [{ handle: "h1", ok: true, value: 1 }],
    });
    expect(r).toMatchObject({ status: "completed", output: 23 });
  });

  it("continues without suspending when the awaited handle already settled", () => {
    const p = program(`const t = Task.run("fast", {})
await Timer.delay(1)
const v = await t
return v`);
    let r = advance(p, { state: null, inputs: {}, context, now: 0, resolutions: [] });
    r = advance(p, {
      state: r.state,
      context,
      now: 1,
      resolutions: [{ handle: "h1", ok: true, value: "done" }, {
        handle: "h2",
        ok: true,
        value: null,
      }],
    });
    expect(r).toMatchObject({ status: "completed", output: "done" });
  });

  it("cancels the pending losers of a race", () => {
    const p = program(
      `const r = await Promise.race([Task.run("slow", {}), Timer.delay(1), Signal.next("s")])
return r`,
    );
    let r = advance(p, { state: null, inputs: {}, context, now: 0, resolutions: [] });
    r = advance(p, {
      state: r.state,
      context,
      now: 1000,
      resolutions: [{ handle: "h2", ok: true, value: null }],
    });
    expect(r.status).toBe("completed");
    expect(r.commands).toStrictEqual([{ type: "cancel", handle: "h1" }, {
      type: "cancel",
      handle: "h3",
    }]);
  });

  it("throws task failures into the flow with their fields", () => {
    const p = program(
      `try { await Task.run("pay", {}) } catch (e) { return [e.name, e.message, e.task, e.attempts, e.details] }`,
    );
    let r = advance(p, { state: null, inputs: {}, context, now: 0, resolutions: [] });
    const error = taskError("pay", "declined", 3, { code: 51 });
    r = advance(p, {
      state: r.state,
      context,
      now: 1,
      resolutions: [{ handle: "h1", ok: false, error }],
    });
    expect(r.output).toStrictEqual(["TaskError", "declined", "pay", 3, { code: 51 }]);
  });

  it("stays completed: a finished state ignores further steps", () => {
    const p = program("return 7");
    const r = advance(p, { state: null, inputs: {}, context, now: 0, resolutions: [] });
    const again = advance(p, { state: r.state, context, now: 1, resolutions: [] });
    expect(again).toMatchObject({ status: "completed", output: 7, commands: [] });
  });

  it("reports an uncaught error with its .flow line and plain fields", () => {
    const r = first("let a = 1\nthrow { name: 'Custom', message: 'm', extra: [NaN] }");
    expect(r.error).toStrictEqual({ name: "Custom", message: "m", extra: [null], line: 2 });
    const s = first("throw 'plain'");
    expect(s.error).toMatchObject({ name: "Error", message: "plain", value: "plain" });
  });
});

describe("error constructors for hosts", () => {
  it("build serialisable errors with readable messages", () => {
    expect(taskError("t", "m", 2)).toStrictEqual({
      name: "TaskError",
      message: "m",
      task: "t",
      attempts: 2,
      details: null,
    });
    const w = workflowError("child", { name: "Error", message: "nope" });
    expect(w).toMatchObject({ name: "WorkflowError", workflow: "child" });
    expect(w.message).toContain("nope");
    expect(timeoutError("late").name).toBe("TimeoutError");
  });
});
