/**
 * Share links: the Share button encodes the flow, the mock tasks and the inputs into the URL
 * fragment, and opening that URL in a fresh page reproduces the run (it runs at once).
 */
import type { Browser, BrowserContext } from "playwright-core";
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

describe("a shared link", () => {
  it("reproduces a run: same flow, same mock task code, same inputs, same output", async () => {
    const author = await context.newPage();
    await author.goto(server.url);
    await waitReady(author);
    await author.selectOption("[data-testid=examples]", "fan-out");
    await author.fill(
      "[data-testid=mocks] [data-task=shipOrder] textarea",
      "(i) => ({ orderId: i.orderId, cost: 2.5 })",
    );
    await author.click("[data-testid=tab-inputs]");
    await author.fill(
      "[data-testid=inputs]",
      '{ "customer": "lin@example.com", "orders": ["a", "b"] }',
    );
    await author.click("[data-testid=share]");
    // Sharing compresses the project asynchronously: wait for the link to appear.
    await author.waitForFunction(() =>
      (document.querySelector("[data-testid=share-link]") as HTMLInputElement).value !== ""
    );
    const link = await author.inputValue("[data-testid=share-link]");
    expect(link).toMatch(/#p=[A-Za-z0-9_-]+$/);
    await author.close();

    const reader = await context.newPage();
    const errors = collectErrors(reader);
    await reader.goto(link);
    await waitReady(reader);
    await waitDetailStatus(reader, "completed");
    await snap(reader, "07-shared-link-run");
    expect(await reader.textContent(".cm-content")).toContain('Task.run("shipOrder"');
    const output = JSON.parse(await reader.textContent("[data-testid=output]") ?? "null");
    expect(output).toEqual({ parcels: 2, cost: 5 });
    expect(errors).toEqual([]);
    await reader.close();
  });

  it("that is damaged says so instead of loading something else", async () => {
    const page = await context.newPage();
    await page.goto(`${server.url}#p=not-a-real-project`);
    await page.waitForSelector("#status[data-state=error]");
    expect(await page.textContent("#status")).toContain("the shared link is damaged");
    await page.close();
  });
});
