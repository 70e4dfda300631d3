/**
 * Dashboard mode: the playground's inspector pointed at a Rhythm deployment's HTTP API
 * (`worker/http.ts`, the real Hono app over an engine database with a real worker), the
 * built page mounted on the same app with `mountDashboard` (`/dashboard/?api=`). Lists runs
 * with filters, shows a run's timeline, sends a signal and cancels a run from the browser.
 */
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { mountDashboard } from "../../playground/serve-dashboard.ts";
import { createHttpApp } from "../../worker/http.ts";
import {
  connect,
  createWorker,
  type Db,
  migrate,
  queueTask,
  registerWorkflows,
  silentLogger,
  startWorkflow,
  type Worker,
} from "../../worker/mod.ts";
import {
  buildPlayground,
  collectErrors,
  launchChromium,
  serveFetch,
  snap,
  waitDetailStatus,
  waitReady,
} from "./helpers.ts";

vi.setConfig({ testTimeout: 120_000 });

let db: Db;
let worker: Worker;
let server: Awaited<ReturnType<typeof serveFetch>>;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  db = await connect();
  await migrate(db);
  await registerWorkflows(db, {
    approve: 'const d = await Signal.next("approval")\nreturn { approved: d.ok, by: d.by }',
  });
  worker = createWorker(db, { tasks: [], logger: silentLogger, pollIntervalMs: 200 });
  await worker.start();
  const app = createHttpApp({ db, logger: silentLogger });
  mountDashboard(app, await buildPlayground());
  server = await serveFetch((request) => app.fetch(request));
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await worker?.stop();
  await db?.close();
});

describe("the dashboard on the HTTP API", () => {
  it("shows a waiting workflow, sends it a signal, and shows its completion", async () => {
    const id = await startWorkflow(db, "approve", { expense: 7 });
    const page = await context.newPage();
    const errors = collectErrors(page);
    await page.goto(`${server.url}dashboard`); // redirects to /dashboard/?api=
    await waitReady(page);
    expect(await page.textContent("#mode")).toBe("dashboard");
    expect(new URL(page.url()).pathname).toBe("/dashboard/");
    await page.click(`[data-testid=executions] [data-id="${id}"]`);
    await waitDetailStatus(page, "suspended");
    await page.fill("[data-testid=signal-name]", "approval");
    await page.fill("[data-testid=signal-payload]", '{ "ok": true, "by": "lin" }');
    await snap(page, "08-dashboard-waiting");
    await page.click("[data-testid=signal-send]");
    await waitDetailStatus(page, "completed");
    await snap(page, "09-dashboard-completed");
    const output = JSON.parse(await page.textContent("[data-testid=output]") ?? "null");
    expect(output).toEqual({ approved: true, by: "lin" });
    const types = await page.$$eval(
      "[data-testid=timeline] .event",
      (rows) => rows.map((r) => r.getAttribute("data-type")),
    );
    expect(types).toContain("signal.received");
    expect(types).toContain("step.committed");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("serves no file outside the build and says which file is missing", async () => {
    const missing = await fetch(`${server.url}dashboard/assets/nope.js`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain("no file /assets/nope.js");
    const escape = await fetch(`${server.url}dashboard/..%2f..%2fpackage.json`);
    expect(escape.status).not.toBe(200);
  });

  it("cancels a queued task and filters the list by status", async () => {
    const id = await queueTask(db, "nobodyRunsThis", { n: 1 }, { queue: "elsewhere" });
    const page = await context.newPage();
    await page.goto(`${server.url}dashboard/?api=`);
    await waitReady(page);
    await page.click(`[data-testid=executions] [data-id="${id}"]`);
    await waitDetailStatus(page, "pending");
    await page.click("[data-testid=cancel]");
    await waitDetailStatus(page, "cancelled");
    await page.selectOption("[aria-label='status filter']", "cancelled");
    await page.waitForFunction(() =>
      [...document.querySelectorAll("[data-testid=executions] .badge")].every((b) =>
        b.getAttribute("data-status") === "cancelled"
      )
    );
    const shown = await page.$$eval(
      "[data-testid=executions] .exec-row",
      (rows) => rows.map((r) => r.getAttribute("data-id")),
    );
    expect(shown).toEqual([id]);
    await snap(page, "10-dashboard-filtered");
    await page.close();
  });
});
