import { expect, it } from "vitest";
import {
  cancelExecution,
  getExecution,
  getExecutionEvents,
  listExecutions,
} from "../../worker/client.ts";
import type { Db } from "../../worker/db/driver.ts";
import { startWorkflow } from "../../worker/workflows/client.ts";
import { forEachDriver, type TestDatabase } from "../helpers/db.ts";
import { reaches, register, run, settled } from "./helpers.ts";

/** `db` with every statement's text recorded. */
function recording(db: Db): { db: Db; statements: string[] } {
  const statements: string[] = [];
  const proxy = new Proxy(db, {
    get(target, prop) {
      if (prop === "query") {
        return (sql: string, params?: unknown[]) => {
          statements.push(sql);
          return target.query(sql, params as never);
        };
      }
      const value = Reflect.get(target, prop);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { db: proxy, statements };
}

const isCheckpoint = (sql: string) => sql.includes("with locked as");
const isLoad = (sql: string) => sql.includes("left join workflow_state s");

async function tasksOf(t: TestDatabase, workflowId: string) {
  return (await listExecutions(t.db, { parentId: workflowId }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
}

forEachDriver("inline chains", (t) => {
  it("runs a sequence of tasks as one chain: one claim, no load, every row and event kept", async () => {
    await register(t.db, {
      three: 'let a = await Task.run("inc", 1)\nlet b = await Task.run("inc", a)\n' +
        'let c = await Task.run("inc", b)\nreturn [a, b, c]',
    });
    const r = recording(t.db);
    const worker = await run(t, { inc: (n: number) => n + 1 }, {}, r.db);
    const id = await startWorkflow(t.db, "three");
    expect((await settled(t.db, id)).output).toEqual([2, 3, 4]);
    // no load: the first step's input comes with its claim, the others from memory
    expect(r.statements.filter(isLoad)).toHaveLength(0);
    const events = await getExecutionEvents(t.db, id);
    // the workflow stays running from its claim to its end: no suspension, no second claim
    expect(events.map((e) => e.type)).toEqual([
      "created",
      "started",
      "step",
      "step",
      "step",
      "completed",
    ]);
    const steps = events.filter((e) => e.type === "step").map((e) => e.data);
    expect(steps).toMatchObject([
      { step: 1, chain: 1, received: 0 },
      { step: 1, chain: 2, received: 1 },
      { step: 1, chain: 3, received: 1 },
    ]);
    const tasks = await tasksOf(t, id);
    expect(tasks.map((x) => [x.status, x.attempts, x.output])).toEqual([
      ["completed", 1, 2],
      ["completed", 1, 3],
      ["completed", 1, 4],
    ]);
    for (const task of tasks) {
      const events = await getExecutionEvents(t.db, task.id);
      expect(events.map((e) => e.type)).toEqual([
        "created",
        "started",
        "completed",
      ]);
      expect(events[1].workerId).toBe(worker.id);
    }
    const { rows } = {
      rows: await t.db.query("select 1 from workflow_handles"),
    };
    expect(rows).toHaveLength(0); // every handle row went with its delivery
  });

  it("shows the workflow running and its task running under the worker's lease meanwhile", async () => {
    await register(t.db, {
      gated: 'let a = await Task.run("gate", {})\nreturn a',
    });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const worker = await run(t, {
      gate: () => {
        started();
        return gate.then(() => "open");
      },
    });
    const id = await startWorkflow(t.db, "gated");
    await running;
    expect((await getExecution(t.db, id))?.status).toBe("running");
    const [task] = await tasksOf(t, id);
    expect(task).toMatchObject({
      status: "running",
      attempts: 1,
      workerId: worker.id,
    });
    release();
    expect((await settled(t.db, id)).output).toBe("open");
  });

  it("cancels the running inline task with its workflow and fires its abort signal", async () => {
    await register(t.db, {
      long: 'await Task.run("wait", {})\nawait Task.run("never", {})\nreturn 1',
    });
    let aborted!: (reason: unknown) => void;
    const abortedWith = new Promise<unknown>((r) => (aborted = r));
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    let nevers = 0;
    await run(t, {
      wait: (_: unknown, ctx: { signal: AbortSignal }) => {
        ctx.signal.addEventListener("abort", () => aborted(ctx.signal.reason));
        started();
        return new Promise(() => {});
      },
      never: () => nevers++,
    });
    const id = await startWorkflow(t.db, "long");
    await running;
    await cancelExecution(t.db, id, { reason: "test" });
    expect((await abortedWith as Error).name).toBe("CancelledError");
    expect((await settled(t.db, id)).status).toBe("cancelled");
    const tasks = await tasksOf(t, id);
    expect(tasks.map((x) => x.status)).toEqual(["cancelled"]);
    expect(nevers).toBe(0);
  });

  it("records a retryable failure of an inline task and retries it through the queue", async () => {
    await register(t.db, {
      flaky:
        'let a = await Task.run("flaky", {}, { retry: { maxAttempts: 3, backoff: "10ms" } })\n' +
        'let b = await Task.run("inc", a)\nreturn b',
    });
    let calls = 0;
    await run(t, {
      flaky: () => {
        if (++calls === 1) throw new Error("first call fails");
        return 41;
      },
      inc: (n: number) => n + 1,
    });
    const id = await startWorkflow(t.db, "flaky");
    expect((await settled(t.db, id)).output).toBe(42);
    const [first, second] = await tasksOf(t, id);
    expect(first).toMatchObject({
      name: "flaky",
      status: "completed",
      attempts: 2,
      output: 41,
    });
    const types = (await getExecutionEvents(t.db, first.id)).map((e) => e.type);
    expect(types).toEqual([
      "created",
      "started",
      "retrying",
      "started",
      "completed",
    ]);
    expect(second).toMatchObject({
      name: "inc",
      status: "completed",
      attempts: 1,
    });
  });

  it("throws a task's final failure into the workflow, which goes on", async () => {
    await register(t.db, {
      caught: "try {\n" +
        '  await Task.run("boom", {}, { retry: { maxAttempts: 1 } })\n' +
        "} catch (e) {\n" +
        '  return await Task.run("inc", e.attempts)\n' +
        "}",
    });
    await run(t, {
      boom: () => {
        throw new Error("boom");
      },
      inc: (n: number) => n + 1,
    });
    const id = await startWorkflow(t.db, "caught");
    expect((await settled(t.db, id)).output).toBe(2);
    const [boom] = await tasksOf(t, id);
    expect(boom).toMatchObject({ status: "failed", attempts: 1 });
  });

  it("writes the steps of concurrent workflows in shared statements", async () => {
    await register(t.db, {
      three: 'let s = 1\nwhile (s <= 3) {\n  await Task.run("noop", s)\n  s++\n}\nreturn s',
    });
    const r = recording(t.db);
    await run(t, { noop: () => null }, { concurrency: 20 }, r.db);
    const ids = await Promise.all(
      Array.from({ length: 40 }, () => startWorkflow(t.db, "three")),
    );
    const done = await Promise.all(ids.map((id) => settled(t.db, id)));
    expect(done.every((e) => e.status === "completed" && e.output === 4)).toBe(
      true,
    );
    const checkpoints = r.statements.filter(isCheckpoint).length;
    // 40 workflows × 4 steps (three tasks started, one finish), each written by a checkpoint
    expect(checkpoints).toBeGreaterThan(0);
    expect(checkpoints).toBeLessThan(160);
  });

  it("renews the workflow's and the task's leases while a long task runs inline", async () => {
    await register(t.db, { long: 'let a = await Task.run("slow", 1)\nreturn a' });
    let runs = 0;
    await run(t, {
      slow: async (n: number) => {
        runs++;
        await new Promise((r) => setTimeout(r, 1500)); // five leases long
        return n + 1;
      },
    }, { leaseMs: 300, heartbeatMs: 50 });
    const id = await startWorkflow(t.db, "long");
    expect((await settled(t.db, id)).output).toBe(2);
    expect(runs).toBe(1);
    const types = (await getExecutionEvents(t.db, id)).map((e) => e.type);
    expect(types).not.toContain("lease_expired");
    const [task] = await tasksOf(t, id);
    expect(task).toMatchObject({ status: "completed", attempts: 1 });
  });

  it("hands the rest of a chain to the queue when its worker stops gracefully", async () => {
    await register(t.db, {
      pair: 'let a = await Task.run("first", 1)\nlet b = await Task.run("second", a)\nreturn b',
    });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const ranOn: string[] = [];
    const stopping = await run(t, {
      first: (n: number) => {
        started();
        return gate.then(() => n + 1);
      },
      second: (n: number) => {
        ranOn.push("stopping");
        return n * 10;
      },
    });
    const id = await startWorkflow(t.db, "pair");
    await running;
    const stopped = stopping.stop(); // waits for the running task, takes nothing new
    release();
    await stopped;
    const [, second] = await tasksOf(t, id);
    expect(second).toMatchObject({ name: "second", status: "pending" });
    expect((await getExecution(t.db, id))?.status).toBe("suspended");
    await run(t, {
      second: (n: number) => {
        ranOn.push("next");
        return n * 10;
      },
    });
    expect((await settled(t.db, id)).output).toBe(20);
    expect(ranOn).toEqual(["next"]);
  });

  it("goes through the queue for a task another worker runs, and the workflow suspends", async () => {
    await register(t.db, { elsewhere: 'return await Task.run("remote", 20)' });
    await run(t, {}); // runs workflow steps, not `remote`
    const id = await startWorkflow(t.db, "elsewhere");
    await reaches(t.db, id, "suspended");
    const [task] = await tasksOf(t, id);
    expect(task.status).toBe("pending");
    await run(t, { remote: (n: number) => n + 1 });
    expect((await settled(t.db, id)).output).toBe(21);
  });
});
