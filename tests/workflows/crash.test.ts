import { expect, it } from "vitest";
import { listExecutions } from "../../worker/client.ts";
import type { ClaimedExecution } from "../../worker/queries/claim.ts";
import { startWorkflow } from "../../worker/workflows/client.ts";
import { forEachDriver } from "../helpers/db.ts";
import { eventTypes, register, run, settled } from "./helpers.ts";

forEachDriver("workflow step failover", (t) => {
  it("re-runs exactly once a step whose worker died before its commit", async () => {
    await register(t.db, { once: 'let r = await Task.run("count", {})\nreturn r' });
    let reached!: () => void;
    const atCommit = new Promise<void>((r) => (reached = r));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const doomed = await run(t, {}, {
      workflows: {
        beforeCommit: () => {
          reached();
          return gate;
        },
      },
    });
    const id = await startWorkflow(t.db, "once");
    await atCommit;
    await doomed.simulateCrash(); // killed between advance and COMMIT
    release();
    let runs = 0;
    await run(t, { count: () => ++runs });
    const done = await settled(t.db, id);
    expect(done.status).toBe("completed");
    expect(done.output).toBe(1);
    expect(runs).toBe(1);
    expect(await listExecutions(t.db, { parentId: id })).toHaveLength(1);
    expect(await eventTypes(t.db, id)).toContain("lease_expired");
  });

  it("refuses the commit of a step whose lease was taken over meanwhile", async () => {
    await register(t.db, { fenced: 'return await Task.run("t", {})' });
    let stolen = false;
    const steal = async (row: ClaimedExecution) => {
      if (stolen) return;
      stolen = true; // as if the lease expired and another worker claimed the step
      await t.db.query(
        `update executions set worker_id = gen_random_uuid(), attempts = attempts + 1,
                lease_until = now() + interval '1 hour'
          where id = $1`,
        [row.id],
      );
    };
    await run(t, { t: () => "ok" }, { workflows: { beforeCommit: steal } });
    const id = await startWorkflow(t.db, "fenced");
    await expect.poll(() => stolen).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect(await listExecutions(t.db, { parentId: id })).toHaveLength(0);
    const [row] = await t.db.query<{ status: string }>(
      "select status from executions where id = $1",
      [id],
    );
    expect(row.status).toBe("running"); // untouched by the refused commit
  });
});
