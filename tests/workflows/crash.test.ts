import { expect, it } from "vitest";
import { getExecution, getExecutionEvents, listExecutions } from "../../worker/client.ts";
import type { ClaimedExecution } from "../../worker/queries/claim.ts";
import { startWorkflow } from "../../worker/workflows/client.ts";
import { forEachDriver, type TestDatabase } from "../helpers/db.ts";
import { eventTypes, register, run, settled } from "./helpers.ts";

/**
 * Starts a worker whose workflow steps kill it just before they commit (those `crashes` picks),
 * and waits until one did (true) or the execution finished (false).
 */
async function crashOnce(
  t: TestDatabase,
  id: string,
  maxStepCrashes: number,
  crashes: (row: ClaimedExecution) => Promise<boolean> | boolean = () => true,
): Promise<boolean> {
  let reached!: () => void;
  const atCommit = new Promise<"crash">((r) => (reached = () => r("crash")));
  const worker = await run(t, { t: (n: number) => n * 10 }, {
    leaseMs: 300,
    maxStepCrashes,
    workflows: {
      beforeCommit: async (row) => {
        if (!(await crashes(row))) return;
        reached();
        await new Promise<void>(() => {}); // dies here: never commits
      },
    },
  });
  const done = settled(t.db, id).then(() => "done" as const);
  const what = await Promise.race([atCommit, done]);
  await worker.simulateCrash();
  return what === "crash";
}

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

  it("fails a workflow whose step kills its worker every time, after maxStepCrashes in a row", async () => {
    await register(t.db, { doomed: 'return await Task.run("never", {})' });
    const id = await startWorkflow(t.db, "doomed");
    let crashes = 0;
    while (await crashOnce(t, id, 3)) crashes++;
    expect(crashes).toBe(3);
    const done = await getExecution(t.db, id);
    expect(done).toMatchObject({
      status: "failed",
      error: {
        name: "StepCrashError",
        retryable: false,
        message: expect.stringMatching(/^the step crashed or lost its worker 3 times in a row/),
      },
    });
    expect(done!.finishedAt).toBeInstanceOf(Date);
    const events = await getExecutionEvents(t.db, id);
    expect(events.map((e) => e.type).filter((e) => e !== "started")).toEqual([
      "created",
      "lease_expired",
      "lease_expired",
      "lease_expired",
      "failed",
    ]);
    expect(events.at(-1)!.data).toMatchObject({ error: { name: "StepCrashError" } });
    expect(await listExecutions(t.db, { parentId: id })).toEqual([]);
  });

  it("counts only crashes in a row: a committed step starts the count again", async () => {
    await register(t.db, {
      twice: 'let a = await Task.run("t", 1)\nlet b = await Task.run("t", 2)\nreturn a + b',
    });
    const id = await startWorkflow(t.db, "twice");
    const crashedSteps = new Set<number>();
    const onceEachStep = async (row: ClaimedExecution) => {
      const [{ steps }] = await t.db.query<{ steps: number }>(
        "select count(*)::int as steps from events where execution_id = $1 and type = 'step'",
        [row.id],
      );
      if (crashedSteps.has(steps)) return false;
      crashedSteps.add(steps);
      return true;
    };
    let crashes = 0;
    while (await crashOnce(t, id, 2, onceEachStep)) crashes++;
    // every step crashed once, never 2 in a row: the 3 task steps, and (inline chains) the
    // steps that find the task still running after a crash mid-chain
    expect(crashes).toBeGreaterThanOrEqual(3);
    expect(await getExecution(t.db, id)).toMatchObject({ status: "completed", output: 30 });
  });
});
