/**
 * Chaos on the real server: three `worker.ts` processes run 500 workflows of five steps
 * (tasks, a timer, a child workflow, a Promise.all) while workers are killed with SIGKILL at
 * random and restarted, and the Postgres server is restarted once mid-run. Every workflow must
 * complete with the right output, none lost or completed twice; the test prints how many tasks
 * ran more than once (at-least-once delivery after the kills).
 *
 * The server restart uses `pg_ctlcluster --skip-systemctl-redirect 15 main restart` (set
 * RHYTHM_CHAOS_PG_RESTART=0 to skip it where the cluster is not local).
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, inject, it } from "vitest";
import type { Db } from "../../worker/db/driver.ts";
import { uuidv7 } from "../../worker/ids.ts";
import { insertWorkflows } from "../../worker/queries/workflow-start.ts";
import { forEachDriver } from "../helpers/db.ts";
import { register } from "./helpers.ts";

const WORKFLOWS = 500;
const DIR = "tests/workflows/chaos";

forEachDriver("workflow chaos", (t) => {
  it("completes 500 workflows exactly once through SIGKILLs and a Postgres restart", async () => {
    const { url } = inject("postgres");
    const sources = Object.fromEntries(
      readdirSync(DIR).filter((f) => f.endsWith(".flow"))
        .map((f) => [f.slice(0, -5), readFileSync(join(DIR, f), "utf8")]),
    );
    await register(t.db, sources);
    await startAll(t.db);
    const workers = [0, 1, 2].map((i) => spawnWorker(url, t.schema, `w${i}`));
    t.defer(() => workers.forEach((w) => w.child.exitCode === null && w.child.kill("SIGKILL")));

    let kills = 0;
    let restarted = false;
    const deadline = Date.now() + 240_000;
    for (;;) {
      await new Promise((r) => setTimeout(r, 1500 + Math.random() * 1500));
      const done = await completed(t.db);
      if (done === WORKFLOWS || Date.now() > deadline) break;
      if (!restarted && done >= WORKFLOWS * 0.3) {
        restarted = true;
        restartPostgres();
        continue;
      }
      const i = Math.floor(Math.random() * workers.length);
      workers[i].child.kill("SIGKILL");
      await workers[i].exited;
      kills++;
      workers[i] = spawnWorker(url, t.schema, `w${i}-${kills}`);
    }
    for (const w of workers) w.child.kill("SIGTERM");
    await Promise.all(workers.map((w) => w.exited));

    const rows = await t.db.query<{ n: number; status: string; output: string | null }>(
      `select (inputs::text::json ->> 'n')::int as n, status, output::text as output
         from executions where kind = 'workflow' and name = 'chaosOrder'`,
    );
    expect(rows).toHaveLength(WORKFLOWS);
    const wrong = rows.filter((r) => r.status !== "completed" || Number(r.output) !== 4 * r.n + 11);
    expect(wrong, workers.map((w) => w.output.join("").slice(-2000)).join("\n---\n")).toEqual([]);
    const [stats] = await t.db.query<Record<string, number>>(
      `select
         (select count(*) from events e join executions x on x.id = e.execution_id
           where x.kind = 'workflow' and e.type = 'completed')::int as "completedEvents",
         (select count(*) from executions where kind = 'workflow')::int as workflows,
         (select count(*) from executions where kind = 'task')::int as tasks,
         (select count(*) from executions where kind = 'task' and attempts > 1)::int as again,
         (select count(*) from executions where status <> 'completed')::int as unfinished`,
    );
    // 500 parents + 500 children, each completed exactly once; 5 tasks per parent + 1 per child
    expect(stats).toMatchObject({
      completedEvents: 2 * WORKFLOWS,
      workflows: 2 * WORKFLOWS,
      tasks: 5 * WORKFLOWS,
      unfinished: 0,
    });
    console.log(
      `[chaos] ${WORKFLOWS} workflows (${stats.tasks} tasks, ${WORKFLOWS} child workflows) ` +
        `completed exactly once through ${kills} SIGKILL(s) and ` +
        `${restarted ? "one Postgres restart" : "no Postgres restart"}; ` +
        `${stats.again} task(s) ran more than once`,
    );
  }, 300_000);
}, { drivers: ["postgres"] });

async function startAll(db: Db) {
  for (let from = 0; from < WORKFLOWS; from += 100) {
    await insertWorkflows(
      db,
      Array.from({ length: 100 }, (_, i) => ({
        id: uuidv7(),
        name: "chaosOrder",
        queue: null,
        inputs: JSON.stringify({ n: from + i }),
        priority: 0,
        idempotencyKey: null,
        parentId: null,
      })),
    );
  }
}

async function completed(db: Db): Promise<number> {
  try {
    const [row] = await db.query<{ n: number }>(
      `select count(*)::int as n from executions
        where kind = 'workflow' and name = 'chaosOrder' and status = 'completed'`,
    );
    return row.n;
  } catch {
    return -1; // the server is restarting
  }
}

function restartPostgres() {
  if (process.env.RHYTHM_CHAOS_PG_RESTART === "0") return;
  execFileSync("pg_ctlcluster", ["--skip-systemctl-redirect", "15", "main", "restart"], {
    stdio: "inherit",
  });
}

function spawnWorker(url: string, schema: string, name: string) {
  const child: ChildProcess = spawn("node_modules/.bin/deno", [
    "run",
    "-A",
    "worker.ts",
    "--tasks",
    `${DIR}/tasks.ts`,
    "--workflows",
    DIR,
    "--database-url",
    url,
    "--schema",
    schema,
    "--concurrency",
    "20",
    "--lease",
    "2000",
    "--poll-interval",
    "500",
  ], { stdio: ["ignore", "pipe", "pipe"] });
  const output: string[] = [`[${name}]\n`];
  child.stdout!.on("data", (d) => output.push(String(d)));
  child.stderr!.on("data", (d) => output.push(String(d)));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
  return { child, output, exited };
}
