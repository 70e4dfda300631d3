import { expect, it } from "vitest";
import { getExecution } from "../../worker/client.ts";
import { startWorkflow } from "../../worker/workflows/client.ts";
import { forEachDriver } from "../helpers/db.ts";
import { reaches, register, run, settled } from "./helpers.ts";

forEachDriver("workflow timers", (t) => {
  it("fires a durable timer after the worker restarted", async () => {
    await register(t.db, {
      nap: 'let before = Date.now()\nawait Timer.delay("1500ms")\nreturn Date.now() - before',
    });
    const first = await run(t);
    const id = await startWorkflow(t.db, "nap");
    await reaches(t.db, id, "suspended");
    const waiting = await getExecution(t.db, id);
    expect(waiting!.runAt!.getTime()).toBeGreaterThan(Date.now());
    await first.stop();
    // the timer comes due while no worker runs
    await new Promise((r) => setTimeout(r, waiting!.runAt!.getTime() - Date.now() + 100));
    await run(t);
    const done = await settled(t.db, id);
    expect(done.status).toBe("completed");
    expect(done.output).toBeGreaterThanOrEqual(1500);
  });

  it("waits until an instant with Timer.until", async () => {
    await register(t.db, {
      until: 'await Timer.until(Inputs.at)\nreturn "woke"',
    });
    await run(t);
    const at = new Date(Date.now() + 300).toISOString();
    const id = await startWorkflow(t.db, "until", { at });
    expect((await settled(t.db, id)).output).toBe("woke");
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(at));
  });

  it("fails the workflow when its front-matter timeout passes", async () => {
    await register(t.db, {
      slowpoke: '---\ntimeout: "300ms"\n---\nawait Signal.next("never")\nreturn 1',
    });
    await run(t);
    const id = await startWorkflow(t.db, "slowpoke");
    const done = await settled(t.db, id);
    expect(done.status).toBe("failed");
    expect(done.error?.name).toBe("TimeoutError");
  });
});
