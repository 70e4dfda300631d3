/**
 * `npm start`: the order example on an embedded engine. Opens PGlite in `.rhythm/pgdata`
 * (or `--database-url`), migrates, registers `examples/order-processing/workflows/`, runs a
 * worker with the example's tasks and the HTTP API (`/health`, `/v1/…`) on `--port` (default
 * 8000), starts the seed's `processOrder` and then the richer `fulfillOrder` (approving it by
 * signal), printing each step until they complete; then serves until Ctrl-C, or exits with
 * `--once`.
 *
 * @module
 */
import process from "node:process";
import { parseArgs } from "node:util";
import { existsSync } from "node:fs";
import { createHttpApp } from "./worker/http.ts";
import { mountDashboard } from "./playground/serve-dashboard.ts";
import {
  createWorker,
  type Db,
  getExecution,
  getExecutionEvents,
  listExecutions,
  migrate,
  sendSignal,
  startWorkflow,
} from "./worker/mod.ts";
import { openDatabase } from "./worker/cli/shared.ts";
import { registerWorkflowDir } from "./worker/cli/workflow-files.ts";
import * as tasks from "./examples/order-processing/tasks.ts";

const WORKFLOWS = "examples/order-processing/workflows";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    once: { type: "boolean" },
    port: { type: "string" },
    "database-url": { type: "string" },
  },
});

const { db, where } = await openDatabase(values["database-url"] ?? "");
await migrate(db);
console.log(`rhythm on ${where}`);
const { rejected } = await registerWorkflowDir(db, WORKFLOWS);
if (rejected.length > 0) throw new Error(`${WORKFLOWS} has workflows with errors`);

const worker = createWorker(db, {
  tasks: [tasks],
  pollIntervalMs: 500,
  logger: (level, message) => level !== "info" && console.error(`${level}: ${message}`),
});
await worker.start();
const server = serveHttp(db, Number(values.port ?? process.env.PORT ?? 8000));

await follow(db, await startWorkflow(db, "processOrder", {}), "processOrder");
const order = {
  orderId: "order-456",
  amount: 250,
  email: "customer@example.com",
  items: [{ sku: "lamp", qty: 1 }, { sku: "bulb", qty: 4 }],
};
const rich = await startWorkflow(db, "fulfillOrder", order);
await follow(db, rich, "fulfillOrder", async (line) => {
  if (line.startsWith("step") && line.includes("signal approval")) {
    console.log("  → sending the approval signal");
    await sendSignal(db, rich, "approval", { approved: true, by: "manager" });
  }
});

if (values.once) {
  await shutdown();
} else {
  console.log("serving; Ctrl-C to stop");
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}

async function shutdown() {
  await worker.stop();
  await server?.shutdown();
  await db.close();
  process.exit(0);
}

/** Serves the HTTP API; a busy port only costs the API, not the example. */
function serveHttp(db: Db, port: number) {
  const app = createHttpApp({ db });
  const dashboard = existsSync("playground/dist/index.html");
  if (dashboard) mountDashboard(app);
  try {
    return Deno.serve({
      port,
      hostname: "127.0.0.1",
      onListen: ({ port }) => {
        console.log(`http://127.0.0.1:${port}/health`);
        if (dashboard) console.log(`http://127.0.0.1:${port}/dashboard (runs, timelines, signals)`);
        else console.log("dashboard not built (npm run playground:build)");
      },
    }, app.fetch);
  } catch (error) {
    console.error(`HTTP API not started: ${(error as Error).message}`);
    return null;
  }
}

/** Prints the workflow's steps and its children's outcomes until it finishes. */
async function follow(
  db: Db,
  id: string,
  name: string,
  onLine: (line: string) => Promise<void> = async () => {},
) {
  console.log(`\n${name} ${id}`);
  let seen = 0;
  const children = new Map<string, string>();
  for (;;) {
    const events = await getExecutionEvents(db, id);
    for (const [i, e] of events.slice(seen).entries()) {
      // steps are numbered in order: one claim may run several (inline chains, docs/engine.md)
      const step = events.slice(0, seen + i + 1).filter((x) => x.type === "step").length;
      const line = describe(e.type, step, e.data as Record<string, unknown> | null);
      if (line) {
        console.log(`  ${line}`);
        await onLine(line);
      }
    }
    seen = events.length;
    for (const child of await listExecutions(db, { parentId: id })) {
      if (children.get(child.id) === child.status || child.status !== "completed") continue;
      children.set(child.id, child.status);
      console.log(`    ${child.kind} ${child.name} completed: ${JSON.stringify(child.output)}`);
    }
    const execution = await getExecution(db, id);
    if (execution && ["completed", "failed", "cancelled"].includes(execution.status)) {
      const result = execution.status === "completed" ? execution.output : execution.error;
      console.log(`  ${execution.status}: ${JSON.stringify(result)}`);
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

function describe(type: string, step: number, data: Record<string, unknown> | null) {
  if (type === "step") {
    const started = (data?.started as string[] | undefined) ?? [];
    const what = started.length ? `started ${started.join(", ")}` : "no new work";
    const waiting = (data?.waiting as string[] | undefined)?.length ?? 0;
    return `step ${step}: ${what}` + (waiting ? `; waiting on ${waiting} handle(s)` : "");
  }
  if (type === "log") return `log: ${data?.message}`;
  if (type === "signal") return `signal ${data?.name} received`;
  if (type === "created") return "created";
  return null;
}
