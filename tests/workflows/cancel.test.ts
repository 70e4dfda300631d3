import { expect, it } from "vitest";
import { cancelExecution, listExecutions } from "../../worker/client.ts";
import { startWorkflow } from "../../worker/workflows/client.ts";
import { forEachDriver } from "../helpers/db.ts";
import { reaches, register, run, settled } from "./helpers.ts";

forEachDriver("workflow cancellation", (t) => {
  it("cascades to child workflows and their running tasks", async () => {
    await register(t.db, {
      parent: 'return await Workflow.run("child", {})',
      child: 'Task.run("queued", {}, { queue: "nobody" })\nreturn await Task.run("long", {})',
    });
    let aborted = false;
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    await run(t, {
      long: (_: unknown, ctx: { signal: AbortSignal }) =>
        new Promise((_resolve, reject) => {
          started();
          ctx.signal.addEventListener("abort", () => {
            aborted = true;
            reject(ctx.signal.reason);
          });
        }),
    });
    const id = await startWorkflow(t.db, "parent");
    await running;
    const [child] = await listExecutions(t.db, { parentId: id });
    await reaches(t.db, child.id, "suspended");
    const cancelled = await cancelExecution(t.db, id, { reason: "test" });
    expect(cancelled).toHaveLength(4); // parent, child, the running task, the queued task
    expect((await settled(t.db, id)).status).toBe("cancelled");
    const tasks = await listExecutions(t.db, { parentId: child.id });
    expect(tasks.map((e) => e.status)).toEqual(["cancelled", "cancelled"]);
    await expect.poll(() => aborted).toBe(true);
  });

  it("throws a CancelledError into the parent when one child task is cancelled", async () => {
    await register(t.db, {
      catcher: [
        'let h = Task.run("never", {}, { queue: "nobody" })',
        "try { await h } catch (e) { return e.name }",
      ].join("\n"),
    });
    await run(t);
    const id = await startWorkflow(t.db, "catcher");
    await reaches(t.db, id, "suspended");
    const [task] = await listExecutions(t.db, { parentId: id });
    await cancelExecution(t.db, task.id);
    expect((await settled(t.db, id)).output).toBe("CancelledError");
  });
});
