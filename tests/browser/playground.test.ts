/**
 * The built playground in headless Chromium: it boots PGlite in a Web Worker, runs the seed's
 * order flow and the approval flow to completion (signal sent through the UI, timers
 * fast-forwarded on the virtual clock, the variables of each step shown by name), and shows
 * syntax errors at the right line.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  buildPlayground,
  collectErrors,
  launchChromium,
  serveStatic,
  snap,
  waitDetailStatus,
  waitReady,
} from "./helpers.ts";

// Each test boots Postgres in a browser; on a shared 2-core machine that takes a while.
vi.setConfig({ testTimeout: 120_000 });

let server: Awaited<ReturnType<typeof serveStatic>>;
let browser: Browser;
/** One profile per file: later pages reuse the HTTP cache (the shipped migrated database too). */
let context: BrowserContext;

beforeAll(async () => {
  server = await serveStatic(await buildPlayground());
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function open(path = ""): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(server.url + path);
  await waitReady(page);
  return { page, errors };
}

describe("the playground", () => {
  it("loads, boots the engine in a Web Worker and shows the seed's order flow", async () => {
    const { page, errors } = await open();
    await snap(page, "01-loaded");
    const doc = await page.textContent(".cm-content");
    expect(doc).toContain('task("chargeCard", { "orderId": "order-123", "amount": 99.99 })');
    expect(await page.textContent("[data-testid=diagnostics]")).toContain("no problems");
    expect(await page.textContent("#status")).toContain("woken by LISTEN/NOTIFY");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("boots a first visit from the migrated database shipped with the build, without initdb", async () => {
    const page = await (await browser.newContext()).newPage();
    const errors = collectErrors(page);
    await page.goto(server.url);
    await waitReady(page);
    expect(await page.textContent("#status")).toContain("from the shipped database");
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("boots a second visit from the shipped migrated database as well", async () => {
    const { page, errors } = await open();
    expect(await page.textContent("#status")).toContain("from the shipped database");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("runs the seed's order flow to completion on the engine, skipping the 5 s sleep", async () => {
    const { page, errors } = await open();
    await page.click("[data-testid=run]");
    await page.waitForSelector(
      "[data-testid=timeline] [data-type='step.committed']:has-text('timer 5s')",
    );
    await snap(page, "02-order-sleeping");
    await page.click("[data-testid=clock-next-timer]");
    await waitDetailStatus(page, "completed");
    await snap(page, "03-order-completed");
    const types = await page.$$eval(
      "[data-testid=timeline] .event",
      (rows) => rows.map((r) => r.getAttribute("data-type")),
    );
    expect(types.filter((t) => t === "task.completed")).toHaveLength(3);
    expect(types.at(-1)).toBe("workflow.completed");
    expect(await page.textContent("[data-testid=timeline]")).toContain(
      'chargeCard → {"charged":99.99,"receipt":"rcpt-order-123"}',
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  it("runs the approval flow: waits at line 5, the signal is sent from the UI, the 12 h timer is skipped", async () => {
    const { page, errors } = await open();
    await page.selectOption("[data-testid=examples]", "approval");
    await page.click("[data-testid=run]");
    await page.waitForSelector("[data-testid=waiting]:has-text('signal \"approval\"')");
    await waitDetailStatus(page, "suspended");
    expect(await page.textContent("[data-testid=waiting]")).toContain("line 5");
    const marked = await page.$$eval(
      ".cm-content .cm-line",
      (lines) => lines.findIndex((l) => l.classList.contains("cm-mark-waiting")) + 1,
    );
    expect(marked).toBe(5);
    // The step that stopped at line 5 shows its variables by name.
    const snapshot = await page.waitForFunction(() =>
      [...document.querySelectorAll("[data-testid=timeline] pre.snapshot")]
        .map((pre) => pre.textContent ?? "")
        .find((text) => text.includes('"line": 5'))
    );
    expect(JSON.parse(await snapshot.jsonValue() as string).frames[0]).toMatchObject({
      function: "main",
      line: 5,
      variables: { request: { id: expect.stringMatching(/^exp-\d+$/) }, decision: null },
    });
    await page.fill("[data-testid=signal-name]", "approval");
    await page.fill("[data-testid=signal-payload]", '{ "approved": true, "by": "grace" }');
    await snap(page, "04-approval-waiting");
    await page.click("[data-testid=signal-send]");
    await page.waitForSelector(
      "[data-testid=timeline] [data-type='step.committed']:has-text('timer 12h')",
    );
    await page.click("[data-testid=clock-next-timer]");
    await waitDetailStatus(page, "completed");
    await snap(page, "05-approval-completed");
    const output = JSON.parse(await page.textContent("[data-testid=output]") ?? "null");
    expect(output).toMatchObject({ status: "paid", by: "grace", payment: { amount: 120 } });
    expect(errors).toEqual([]);
    await page.close();
  });

  it.each([
    ["fan-out", { parcels: 4, cost: 18 }],
    ["retries", { symbol: "RHY", price: 101.25 }],
    ["sub-workflow", [{ item: "lamp", box: "box-L" }, { item: "bulb", box: "box-S" }]],
  ])("runs the %s example to completion with timers skipped", async (example, expected) => {
    const { page, errors } = await open();
    await page.selectOption("[data-testid=examples]", example);
    await page.check("[data-testid=clock-auto]");
    await page.click("[data-testid=run]");
    await waitDetailStatus(page, "completed", 60_000);
    await snap(page, `11-example-${example}`);
    const output = JSON.parse(await page.textContent("[data-testid=output]") ?? "null");
    expect(output).toEqual(expected);
    if (example === "retries") {
      const retried = await page.$$("[data-testid=timeline] [data-type='task.retried']");
      expect(retried).toHaveLength(2);
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it("pauses the engine: a run waits, pending, until the engine is resumed", async () => {
    const { page, errors } = await open();
    await page.check("[data-testid=clock-auto]");
    await page.click("[data-testid=clock-pause]");
    await page.waitForSelector("[data-testid=clock-pause]:has-text('Resume')");
    await page.click("[data-testid=run]");
    await waitDetailStatus(page, "pending");
    await page.waitForTimeout(1500);
    expect(await page.getAttribute("[data-testid=detail] .detail-head .badge", "data-status"))
      .toBe("pending");
    await page.click("[data-testid=clock-pause]");
    await waitDetailStatus(page, "completed");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("says why a run did not start when a mock task's code does not compile", async () => {
    const { page } = await open();
    await page.fill("[data-testid=mocks] [data-task=chargeCard] textarea", "(inputs) => {");
    await page.click("[data-testid=run]");
    await page.waitForSelector("#status[data-state=error]");
    expect(await page.textContent("#status")).toContain(
      "The run did not start: mock task chargeCard",
    );
    await page.close();
  });

  it("shows a syntax error as a diagnostic on the line where it is", async () => {
    const { page } = await open();
    await page.click(".cm-content");
    await page.keyboard.press("Control+End");
    await page.keyboard.type("\nlet = 5\n");
    const marker = page.locator(".cm-lintRange-error").first();
    await marker.waitFor({ timeout: 10_000 });
    await snap(page, "06-syntax-error");
    const line = await marker.evaluate((el) => {
      const lines = [...document.querySelectorAll(".cm-content .cm-line")];
      return lines.findIndex((l) => l.contains(el)) + 1;
    });
    expect(line).toBe(6);
    expect(await page.textContent("[data-testid=diagnostics]")).toMatch(/problem/);
    await page.close();
  });

  it("completes Timer. members and reports the checker's diagnostics as you type", async () => {
    const { page } = await open();
    await page.click(".cm-content");
    await page.keyboard.press("Control+End");
    await page.keyboard.type("\nawait Timer.");
    const options = page.locator(".cm-tooltip-autocomplete li");
    await options.first().waitFor({ timeout: 10_000 });
    expect(await options.allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining("delay"), expect.stringContaining("until")]),
    );
    await page.keyboard.press("Escape");
    await page.keyboard.type("delayy(5)\n");
    await page.locator(".cm-lintRange-error").first().waitFor({ timeout: 10_000 });
    await page.hover(".cm-lintRange-error");
    const tooltip = page.locator(".cm-tooltip-lint");
    await tooltip.waitFor({ timeout: 10_000 });
    expect(await tooltip.textContent()).toMatch(/delay/);
    await snap(page, "12-autocomplete-and-checker");
    await page.close();
  });
});
