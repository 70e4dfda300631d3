/**
 * Process-level fault test on the real server: three `worker.ts` processes drain 2,000 tasks
 * while one is killed with SIGKILL mid-run and restarted. Every task must end completed; the
 * test prints how many ran more than once (at-least-once delivery after the kill).
 */
import { spawn } from "node:child_process";
import { expect, inject, it } from "vitest";
import { queueTasks } from "../../worker/client.ts";
import { forEachDriver } from "../helpers/db.ts";

const TASKS = 2000;

forEachDriver("worker processes", (t) => {
  it("drain 2,000 tasks while one is killed with SIGKILL and restarted; none is lost", async () => {
    const { url } = inject("postgres");
    const spawnWorker = (name: string) => {
      const child = spawn("node_modules/.bin/deno", [
        "run",
        "-A",
        "worker.ts",
        "--tasks",
        "tests/fixtures/tasks.ts",
        "--database-url",
        url,
        "--schema",
        t.schema,
        "--concurrency",
        "10",
        "--lease",
        "2000",
        "--poll-interval",
        "500",
      ], { stdio: ["ignore", "pipe", "pipe"] });
      const output: string[] = [];
      child.stdout!.on("data", (d) => output.push(String(d)));
      child.stderr!.on("data", (d) => output.push(String(d)));
      const exited = new Promise<number | null>((resolve) =>
        child.on("exit", (code) => resolve(code))
      );
      t.defer(() => {
        if (child.exitCode === null) child.kill("SIGKILL");
      });
      return { name, child, output, exited };
    };
    const count = async (status: string) =>
      (await t.db.query<{ n: number }>(
        "select count(*)::int as n from executions where status = $1",
        [
          status,
        ],
      ))[0].n;

    await queueTasks(
      t.db,
      Array.from({ length: TASKS }, (_, i) => ({ task: "sleepy", inputs: { ms: 5, i } })),
    );
    const workers = [spawnWorker("a"), spawnWorker("b"), spawnWorker("c")];
    await expect.poll(() => count("completed"), { timeout: 60_000, interval: 50 }).toBeGreaterThan(
      TASKS / 5,
    );
    const victim = workers[0];
    victim.child.kill("SIGKILL");
    expect(await victim.exited).toBe(null); // killed by the signal, no exit code
    const running = await count("running");
    workers[0] = spawnWorker("a-restarted");

    await expect.poll(() => count("completed"), { timeout: 90_000, interval: 200 }).toBe(TASKS);
    for (const w of workers) w.child.kill("SIGTERM");
    const codes = await Promise.all(workers.map((w) => w.exited));
    expect(codes, workers.map((w) => w.output.join("")).join("\n---\n")).toEqual([0, 0, 0]);

    const [stats] = await t.db.query<{ total: number; again: number; lost: number }>(
      `select count(*)::int as total,
              count(*) filter (where attempts > 1)::int as again,
              count(*) filter (where status <> 'completed')::int as lost
         from executions`,
    );
    expect(stats).toMatchObject({ total: TASKS, lost: 0 });
    console.log(
      `[processes] ${TASKS} tasks completed by 3 worker processes, one SIGKILLed with ${running} ` +
        `execution(s) running (some held by the victim); ${stats.again} ran more than once`,
    );
  }, 180_000);
}, { drivers: ["postgres"] });
