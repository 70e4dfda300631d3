import { expect, it } from "vitest";
import { getExecution, listExecutions } from "../../worker/client.ts";
import { PayloadTooDeepError } from "../../worker/errors.ts";
import { sendSignal, startWorkflow } from "../../worker/workflows/client.ts";
import { forEachDriver } from "../helpers/db.ts";
import { reaches, register, run, settled } from "./helpers.ts";

forEachDriver("workflow steps", (t) => {
  it("runs the seed syntax: tasks and a sleep, in order, to completion", async () => {
    await register(t.db, {
      processOrder: [
        'task("chargeCard", { "orderId": "order-123", "amount": 99.99 })',
        "sleep(0.2)",
        'task("shipOrder", { "orderId": "order-123" })',
        'task("sendEmail", { "to": "customer@example.com", "subject": "Shipped!" })',
      ].join("\n"),
    });
    const calls: string[] = [];
    const task = (name: string) => (input: unknown) => {
      calls.push(name);
      return { done: name, input };
    };
    await run(t, {
      chargeCard: task("chargeCard"),
      shipOrder: task("shipOrder"),
      sendEmail: task("sendEmail"),
    });
    const id = await startWorkflow(t.db, "processOrder", {});
    const done = await settled(t.db, id);
    expect(done.status).toBe("completed");
    expect(calls).toEqual(["chargeCard", "shipOrder", "sendEmail"]);
    const children = await listExecutions(t.db, { parentId: id });
    expect(children.map((c) => c.name).sort()).toEqual(["chargeCard", "sendEmail", "shipOrder"]);
  });

  it("returns the workflow's value and passes task results back", async () => {
    await register(t.db, {
      add: 'let r = await Task.run("add", { a: Inputs.a, b: 3 })\nreturn { sum: r, at: "end" }',
    });
    await run(t, { add: (i: { a: number; b: number }) => i.a + i.b });
    const id = await startWorkflow(t.db, "add", { a: 2 });
    const done = await settled(t.db, id);
    expect(done.output).toEqual({ sum: 5, at: "end" });
    expect(Object.keys(done.output as object)).toEqual(["sum", "at"]);
  });

  it("is suspended while it waits for a task that another worker runs", async () => {
    await register(t.db, { slow: 'return await Task.run("slow", {})' });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    await run(t, {}); // steps only: a worker that runs the task would run it inline (running)
    // tasks only, one named like the workflow: it must not claim the workflow as a task
    await run(t, { slow: () => gate.then(() => "ok") }, { workflows: false });
    const id = await startWorkflow(t.db, "slow");
    await reaches(t.db, id, "suspended");
    release();
    expect((await settled(t.db, id)).output).toBe("ok");
    expect((await getExecution(t.db, id))?.kind).toBe("workflow");
  });

  it("has no runAt (null, not an invalid Date) while suspended, in get and list", async () => {
    await register(t.db, { parked: 'return await Task.run("parked", {})' });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    await run(t, {});
    await run(t, { parked: () => gate.then(() => "ok") }, { workflows: false });
    const id = await startWorkflow(t.db, "parked");
    await reaches(t.db, id, "suspended");
    expect((await getExecution(t.db, id))?.runAt).toBeNull();
    const [listed] = await listExecutions(t.db, { kind: "workflow", status: "suspended" });
    expect(listed).toMatchObject({ id, runAt: null });
    const [child] = await listExecutions(t.db, { parentId: id });
    expect(child.runAt).toBeInstanceOf(Date);
    expect(Number.isFinite(child.runAt!.getTime())).toBe(true);
    release();
    expect((await settled(t.db, id)).status).toBe("completed");
  });

  it("refuses inputs and signal payloads nested 50,000 levels deep with PayloadTooDeepError", async () => {
    let deep: unknown = [];
    for (let i = 0; i < 50_000; i++) deep = [deep];
    await register(t.db, { waits: 'return await Signal.next("go")' });
    const started = startWorkflow(t.db, "waits", { deep });
    await expect(started).rejects.toThrow(PayloadTooDeepError);
    await expect(started).rejects.toThrow(/inputs nests over 1000 levels/);
    expect(await listExecutions(t.db)).toEqual([]);
    const id = await startWorkflow(t.db, "waits");
    const sent = sendSignal(t.db, id, "go", deep);
    await expect(sent).rejects.toThrow(PayloadTooDeepError);
    await expect(sent).rejects.toThrow(/payload nests over 1000 levels/);
    await run(t);
    await sendSignal(t.db, id, "go", "shallow");
    expect((await settled(t.db, id)).output).toBe("shallow");
  });
});
