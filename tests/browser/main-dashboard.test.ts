/**
 * `npm start`'s dashboard: main.ts (the order example on embedded PGlite) serves the built
 * playground at /dashboard over its own HTTP API. The browser lists the example's runs with
 * their final status and opens the seed's processOrder timeline; SIGTERM then stops main.ts
 * cleanly (exit 0).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import {
  buildPlayground,
  collectErrors,
  launchChromium,
  root,
  snap,
  waitDetailStatus,
  waitReady,
} from "./helpers.ts";

vi.setConfig({ testTimeout: 180_000 });

let cwd: string;
let main: ChildProcess;
let output = "";
let base: string;
let browser: Browser;

/** Starts main.ts in a scratch folder holding links to the example and the built dashboard. */
beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "rhythm-start-"));
  symlinkSync(join(root, "examples"), join(cwd, "examples"));
  mkdirSync(join(cwd, "playground"));
  symlinkSync(await buildPlayground(), join(cwd, "playground/dist"));
  main = spawn(
    join(root, "node_modules/.bin/deno"),
    ["run", "-A", "--config", join(root, "deno.json"), join(root, "main.ts"), "--port", "0"],
    { cwd, env: { ...process.env, DATABASE_URL: "" } },
  );
  main.stdout!.on("data", (chunk) => (output += chunk));
  main.stderr!.on("data", (chunk) => (output += chunk));
  base = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const url = output.match(/(http:\/\/127\.0\.0\.1:\d+)\/dashboard/)?.[1];
      if (url && output.includes("serving; Ctrl-C to stop")) {
        clearInterval(timer);
        resolve(url);
      } else if (main.exitCode !== null) {
        clearInterval(timer);
        reject(new Error(`main.ts exited early:\n${output}`));
      }
    }, 200);
  });
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  if (main?.exitCode === null) main.kill("SIGKILL");
  rmSync(cwd, { recursive: true, force: true });
});

it("lists npm start's runs in the dashboard and shows the seed order's timeline", async () => {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const errors = collectErrors(page);
  await page.goto(`${base}/dashboard`);
  await waitReady(page);
  expect(await page.textContent("#mode")).toBe("dashboard");
  const row = page.locator("[data-testid=executions] .exec-row", { hasText: "processOrder" });
  await row.first().waitFor();
  expect(await row.first().locator(".badge").getAttribute("data-status")).toBe("completed");
  await row.first().click();
  await waitDetailStatus(page, "completed");
  await page.waitForSelector('[data-testid=timeline] .event[data-type="step.committed"]');
  const types = await page.$$eval(
    "[data-testid=timeline] .event",
    (rows) => rows.map((r) => r.getAttribute("data-type")),
  );
  expect(types[0]).toBe("workflow.started");
  expect(types.at(-1)).toBe("workflow.completed");
  // chargeCard, the 5 s sleep, shipOrder, sendEmail: one committed step each.
  expect(types.filter((t) => t === "step.committed")).toHaveLength(4);
  await snap(page, "11-npm-start-dashboard");
  expect(errors).toEqual([]);
  await page.close();
});

it("stops main.ts with exit code 0 on SIGTERM", async () => {
  const exited = new Promise<number | null>((resolve) => main.once("exit", resolve));
  main.kill("SIGTERM");
  expect(await exited, output).toBe(0);
});
