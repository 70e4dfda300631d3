import { expect, it } from "vitest";
import { getExecution, listExecutions } from "../../worker/client.ts";
import { NonRetryableError } from "../../worker/errors.ts";
import { sendSignal, startWorkflow } from "../../worker/workflows/client.ts";
import { forEachDriver } from "../helpers/db.ts";
import { reaches, register, run, settled } from "./helpers.ts";

forEachDriver("workflow effects", (t) => {
  it("cancels the unstarted losers of Promise.race and takes the winner", async () => {
    await register(t.db, {
      racer: [
        'let slow = Task.run("never", {}, { queue: "nobody" })',
        'let timer = Timer.delay("200ms")',
        "let r = await Promise.race({ slow, timer })",
        "return r.key",
      ].join("\n"),
    });
    await run(t);
    const id = await startWorkflow(t.db, "racer");
    expect((await settled(t.db, id)).output).toBe("timer");
    const [loser] = await listExecutions(t.db, { parentId: id });
    expect(loser.status).toBe("cancelled");
  });

  it("cancels a child workflow that lost a race, with its pending tasks", async () => {
    await register(t.db, {
      racer: 'let r = await Promise.race([Workflow.run("slowChild", {}), Signal.next("stop")])\n' +
        "return r",
      slowChild: 'return await Task.run("never", {}, { queue: "nobody" })',
    });
    await run(t);
    const id = await startWorkflow(t.db, "racer");
    // The signal wins only once the child is waiting on its task, so both must be cancelled.
    await expect.poll(async () => {
      const [child] = await listExecutions(t.db, { parentId: id });
      return child ? (await listExecutions(t.db, { parentId: child.id })).length : 0;
    }).toBe(1);
    const [child] = await listExecutions(t.db, { parentId: id });
    const [pending] = await listExecutions(t.db, { parentId: child.id });
    await sendSignal(t.db, id, "stop", "now");
    expect((await settled(t.db, id)).output).toBe("now");
    await expect.poll(async () => (await getExecution(t.db, child.id))?.status).toBe("cancelled");
    await expect.poll(async () => (await getExecution(t.db, pending.id))?.status).toBe("cancelled");
  });

  it("runs Promise.all, allSettled and any over tasks in list and object forms", async () => {
    await register(t.db, {
      fan: [
        'let all = await Promise.all([1, 2, 3].map((n) => Task.run("double", { n })))',
        'let obj = await Promise.all({ a: Task.run("double", { n: 5 }), b: 7 })',
        "let settled = await Promise.allSettled([",
        '  Task.run("boom", {}, { retry: { maxAttempts: 1 } }), Task.run("double", { n: 0 })])',
        'let any = await Promise.any([Task.run("boom", {}, { retry: { maxAttempts: 1 } }),',
        '  Task.run("double", { n: 50 })])',
        "return { all, obj, kinds: settled.map((s) => s.status), reason: settled[0].reason.name, any }",
      ].join("\n"),
    });
    await run(t, {
      double: (i: { n: number }) => i.n * 2,
      boom: () => {
        throw new Error("boom");
      },
    });
    const done = await settled(t.db, await startWorkflow(t.db, "fan"));
    expect(done.output).toStrictEqual({
      all: [2, 4, 6],
      obj: { a: 10, b: 7 },
      kinds: ["rejected", "fulfilled"],
      reason: "TaskError",
      any: 100,
    });
  });

  it("throws task failures into the workflow as catchable TaskErrors after the retries", async () => {
    await register(t.db, {
      careful: [
        "try {",
        '  await Task.run("flaky", {}, { retry: { maxAttempts: 2, backoff: "10ms" } })',
        "} catch (e) {",
        "  return { name: e.name, message: e.message, task: e.task, attempts: e.attempts }",
        "}",
      ].join("\n"),
    });
    let attempts = 0;
    await run(t, {
      flaky: () => {
        attempts++;
        throw new Error("card declined");
      },
    });
    const done = await settled(t.db, await startWorkflow(t.db, "careful"));
    expect(done.output).toEqual({
      name: "TaskError",
      message: "card declined",
      task: "flaky",
      attempts: 2,
    });
    expect(attempts).toBe(2);
  });

  it("fails the execution with an uncaught error and its .flow line", async () => {
    await register(t.db, {
      broken: 'let a = 1\nawait Task.run("fine", {})\nthrow new Error("bad order " + a)',
    });
    await run(t, { fine: () => null });
    const done = await settled(t.db, await startWorkflow(t.db, "broken"));
    expect(done.status).toBe("failed");
    expect(done.error).toMatchObject({ name: "Error", message: "bad order 1", line: 3 });
  });

  it("fails on a non-retryable task error at once and surfaces it as a WorkflowError to a parent", async () => {
    await register(t.db, {
      outer: 'try { await Workflow.run("inner", {}) } catch (e) { return [e.name, e.message] }',
      inner: 'return await Task.run("strict", {})',
    });
    let calls = 0;
    await run(t, {
      strict: () => {
        calls++;
        throw new NonRetryableError("invalid card");
      },
    });
    const done = await settled(t.db, await startWorkflow(t.db, "outer"));
    expect(done.output).toEqual(["WorkflowError", 'workflow "inner" failed: invalid card']);
    expect(calls).toBe(1);
  });

  it("runs sub-workflows three levels deep", async () => {
    await register(t.db, {
      level1: 'return 1 + await Workflow.run("level2", { n: 10 })',
      level2: 'return Inputs.n + await Workflow.run("level3", { n: 100 })',
      level3: 'return Inputs.n + await Task.run("base", {})',
    });
    await run(t, { base: () => 1000 });
    expect((await settled(t.db, await startWorkflow(t.db, "level1"))).output).toBe(1111);
  });

  it("applies task options: queue, priority, timeout and idempotency key", async () => {
    await register(t.db, {
      options: [
        'let a = await Task.run("where", {}, { queue: "special", priority: 5 })',
        'let b = await Task.run("once", {}, { idempotencyKey: "k-1" })',
        'let c = await Task.run("once", {}, { idempotencyKey: "k-1" })',
        "try {",
        '  await Task.run("slow", {}, { timeout: "100ms", retry: { maxAttempts: 1 } })',
        "} catch (e) { return [a, b, c, e.name] }",
      ].join("\n"),
    });
    let onces = 0;
    await run(t, {
      once: () => ++onces,
      slow: () => new Promise((r) => setTimeout(r, 2000)),
    });
    await run(t, { where: () => "special queue" }, { queues: ["special"] });
    const id = await startWorkflow(t.db, "options");
    const done = await settled(t.db, id);
    expect(done.output).toEqual(["special queue", 1, 1, "TaskError"]);
    expect(onces).toBe(1);
    const children = await listExecutions(t.db, { parentId: id });
    const where = children.find((c) => c.name === "where")!;
    expect([where.queue, where.priority]).toEqual(["special", 5]);
  });

  it("runs a workflow and its tasks on the front matter's queue", async () => {
    await register(t.db, {
      queued: '---\nqueue: orders\n---\nreturn await Task.run("where", {})',
    });
    await run(t, { where: (_: unknown, ctx: { executionId: string }) => ctx.executionId }, {
      queues: ["orders"],
    });
    const id = await startWorkflow(t.db, "queued");
    const done = await settled(t.db, id);
    expect(done.queue).toBe("orders");
    const [task] = await listExecutions(t.db, { parentId: id });
    expect([task.queue, task.id]).toEqual(["orders", done.output]);
  });

  it("starts work that is never awaited and still completes the workflow", async () => {
    await register(t.db, { fire: 'Task.run("background", {})\nreturn "done"' });
    let ran = false;
    await run(t, { background: () => (ran = true) });
    const id = await startWorkflow(t.db, "fire");
    expect((await settled(t.db, id)).output).toBe("done");
    await expect.poll(() => ran).toBe(true);
  });

  it("leaves a child workflow it never awaited running after it completes or fails", async () => {
    await register(t.db, {
      waiter: 'return await Signal.next("go")',
      okParent: 'Workflow.run("waiter", {})\nreturn "done"',
      badParent: 'Workflow.run("waiter", {})\nthrow new Error("boom")',
    });
    await run(t);
    for (const [name, status] of [["okParent", "completed"], ["badParent", "failed"]]) {
      const id = await startWorkflow(t.db, name);
      expect((await settled(t.db, id)).status).toBe(status);
      const [child] = await listExecutions(t.db, { parentId: id });
      await reaches(t.db, child.id, "suspended");
      await sendSignal(t.db, child.id, "go", 7);
      expect(await settled(t.db, child.id)).toMatchObject({ status: "completed", output: 7 });
    }
  });

  it("returns the first execution for a repeated idempotency key", async () => {
    await register(t.db, { idem: 'await Signal.next("x")\nreturn 1' });
    await run(t);
    const a = await startWorkflow(t.db, "idem", {}, { idempotencyKey: "order-1" });
    const b = await startWorkflow(t.db, "idem", {}, { idempotencyKey: "order-1" });
    expect(b).toBe(a);
    await reaches(t.db, a, "suspended");
    expect((await getExecution(t.db, a))?.idempotencyKey).toBe("order-1");
  });
});
