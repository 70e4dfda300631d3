/**
 * runLocal beyond the conformance cases: the retry policy on the virtual clock, task
 * timeouts, the workflow timeout from the front matter, child workflows cancelled with
 * their parent, unknown tasks, blocked runs, logs, async task functions.
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_RETRY, retryDelay, runLocal } from "../../interpreter/mod.ts";

describe("runLocal", () => {
  it("retries with the default policy: 3 attempts, 1 s then 2 s of backoff", async () => {
    let attempts = 0;
    const r = await runLocal(
      `try { await Task.run("flaky", {}) } catch (e) { return [e.attempts, Date.now()] }`,
      {
        now: 0,
        tasks: {
          flaky: () => {
            attempts++;
            throw new Error("no");
          },
        },
      },
    );
    expect(attempts).toBe(3);
    expect(r.output).toStrictEqual([3, 3000]);
    expect(r.calls).toHaveLength(1);
  });

  it("spreads backoff by the jitter of the policy when given a random source", () => {
    expect(retryDelay(DEFAULT_RETRY, 2, 0)).toBe(1800);
    expect(retryDelay(DEFAULT_RETRY, 2, 1)).toBe(2200);
    expect(retryDelay(DEFAULT_RETRY, 30, 0.5)).toBe(DEFAULT_RETRY.backoff.max);
  });

  it("fails an attempt that runs past the task's timeout", async () => {
    const r = await runLocal(
      `try { await Task.run("slow", {}, { timeout: "5s", retry: { maxAttempts: 1 } }) } catch (e) { return [e.name, e.message] }`,
      { tasks: { slow: () => 1 }, taskLatency: { slow: 60 } },
    );
    expect(r.output).toStrictEqual(["TaskError", "timed out after 5000 ms"]);
    expect(r.elapsed).toBe(5000);
  });

  it("fails the workflow when its front-matter timeout passes", async () => {
    const r = await runLocal("---\ntimeout: 1m\n---\nawait Timer.delay(3600)\nreturn 1");
    expect(r.status).toBe("failed");
    expect(r.error?.name).toBe("TimeoutError");
    expect(r.elapsed).toBe(60_000);
  });

  it("awaits async task functions and passes them a copy of the inputs", async () => {
    const r = await runLocal(
      `const o = { n: 1 }\nconst v = await Task.run("bump", o)\nreturn [o.n, v]`,
      {
        tasks: {
          bump: async (i: { n: number }) => {
            i.n = 99;
            return await Promise.resolve(i.n + 1);
          },
        },
      },
    );
    expect(r.output).toStrictEqual([1, 100]);
  });

  it("reports an unregistered task as a TaskError", async () => {
    const r = await runLocal(`await Task.run("ghost", {})`);
    expect(r.status).toBe("failed");
    expect(r.error).toMatchObject({ name: "TaskError", task: "ghost" });
    expect(r.error?.message).toContain("no task named");
  });

  it("reports blocked when the workflow waits for what never comes", async () => {
    const r = await runLocal(`await Signal.next("never")`);
    expect(r.status).toBe("blocked");
  });

  it("records the tasks of a child workflow nobody awaits, up to the root's end", async () => {
    const r = await runLocal(
      `Workflow.run("child", {})\nawait Task.run("quick", {})\nreturn "parent done"`,
      {
        workflows: { child: `await Task.run("inner", {})\nawait Timer.delay(100)\nreturn 1` },
        tasks: { quick: () => 1, inner: () => 2 },
      },
    );
    expect(r.output).toBe("parent done");
    expect(r.calls.map((c) => c.name)).toStrictEqual(["quick", "inner"]);
  });

  it("leaves a grandchild running when its parent completes, as the engine does", async () => {
    // middle starts a grandchild without awaiting it and returns; the grandchild's later task
    // still runs while the root is busy, so it is in `calls`
    const r = await runLocal(
      `await Workflow.run("middle", {})\nawait Timer.delay(60)\nreturn "root done"`,
      {
        workflows: {
          middle: `Workflow.run("grandchild", {})\nreturn 1`,
          grandchild: `await Timer.delay(10)\nawait Task.run("late", {})\nreturn 2`,
        },
        tasks: { late: () => 3 },
      },
    );
    expect(r.output).toBe("root done");
    expect(r.calls.map((c) => c.name)).toStrictEqual(["late"]);
  });

  it("cancels the unfinished children of a cancelled child workflow", async () => {
    // the race's loser (slow) is cancelled, and with it the grandchild it started
    const r = await runLocal(
      `const w = await Promise.race({ t: Timer.delay(5), w: Workflow.run("slow", {}) })
await Timer.delay(60)
return w.key`,
      {
        workflows: {
          slow: `Workflow.run("grandchild", {})\nawait Timer.delay(100)\nreturn 1`,
          grandchild: `await Timer.delay(10)\nawait Task.run("late", {})\nreturn 2`,
        },
        tasks: { late: () => 3 },
      },
    );
    expect(r.output).toBe("t");
    expect(r.calls).toStrictEqual([]);
  });

  it("collects console lines and reports compile problems as diagnostics", async () => {
    const r = await runLocal(`console.log("a", 1)\nconsole.warn({ b: 2 })`);
    expect(r.logs).toStrictEqual([{ level: "log", message: "a 1" }, {
      level: "warn",
      message: '{"b":2}',
    }]);
    const bad = await runLocal("let = 1");
    expect(bad.status).toBe("failed");
    expect(bad.diagnostics?.[0]?.line).toBe(1);
  });
});
