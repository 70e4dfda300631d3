import { expect, it } from "vitest";
import { sendSignal, startWorkflow } from "../../worker/workflows/client.ts";
import { forEachDriver } from "../helpers/db.ts";
import { eventTypes, reaches, register, run, settled } from "./helpers.ts";

forEachDriver("workflow signals", (t) => {
  it("delivers a signal sent before the workflow waits for it (buffered)", async () => {
    await register(t.db, {
      approve: 'await Task.run("prepare", {})\nlet s = await Signal.next("approval")\nreturn s',
    });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let started!: () => void;
    const preparing = new Promise<void>((r) => (started = r));
    await run(t, {
      prepare: () => {
        started();
        return gate;
      },
    });
    const id = await startWorkflow(t.db, "approve");
    await preparing; // the workflow is not waiting for the signal yet
    await sendSignal(t.db, id, "approval", { ok: true, by: "ada" });
    release();
    const done = await settled(t.db, id);
    expect(done.output).toEqual({ ok: true, by: "ada" });
    expect(await eventTypes(t.db, id)).toContain("signal");
  });

  it("matches two signals of one name FIFO, in the order sent", async () => {
    await register(t.db, {
      fifo: 'let a = await Signal.next("n")\nlet b = await Signal.next("n")\nreturn [a, b]',
    });
    const id = await startWorkflow(t.db, "fifo");
    await sendSignal(t.db, id, "n", "first");
    await sendSignal(t.db, id, "n", "second");
    await run(t);
    expect((await settled(t.db, id)).output).toEqual(["first", "second"]);
  });

  it("wakes a suspended workflow when the awaited signal arrives", async () => {
    await register(t.db, {
      wait: 'let x = await Signal.next("go")\nreturn x.n * 2',
    });
    await run(t);
    const id = await startWorkflow(t.db, "wait");
    await reaches(t.db, id, "suspended");
    await sendSignal(t.db, id, "other", 1); // buffered, not awaited
    await sendSignal(t.db, id, "go", { n: 21 });
    expect((await settled(t.db, id)).output).toBe(42);
  });

  it("does not lose a signal sent while the step that starts waiting for it is running", async () => {
    await register(t.db, { racy: 'let s = await Signal.next("go")\nreturn s' });
    let sent = false;
    await run(t, {}, {
      workflows: {
        beforeCommit: async (row) => {
          if (sent) return;
          sent = true; // the step has advanced (the wait is not committed yet) when this arrives
          await sendSignal(t.db, row.id, "go", "in between");
        },
      },
    });
    const id = await startWorkflow(t.db, "racy");
    expect((await settled(t.db, id)).output).toBe("in between");
  });

  it("throws a catchable TimeoutError when no signal arrives in time", async () => {
    await register(t.db, {
      timeout: [
        "try {",
        '  await Signal.next("never", { timeout: "300ms" })',
        "} catch (e) {",
        "  return [e.name, e.message]",
        "}",
      ].join("\n"),
    });
    await run(t);
    const id = await startWorkflow(t.db, "timeout");
    const done = await settled(t.db, id);
    expect(done.output).toEqual(["TimeoutError", expect.stringContaining("never")]);
  });

  it("refuses a signal to a finished execution and to an unknown one", async () => {
    await register(t.db, { quick: "return 1" });
    await run(t);
    const id = await startWorkflow(t.db, "quick");
    await settled(t.db, id);
    await expect(sendSignal(t.db, id, "late", 1)).rejects.toThrow(/completed/);
    await expect(sendSignal(t.db, "0193f6c2-4b1e-7a3c-9f10-5c2d8e7b6a41", "x", 1))
      .rejects.toThrow(/not found/);
  });
});
