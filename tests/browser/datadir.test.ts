/**
 * Where the playground's database comes from when the build ships none (a dev server, or a
 * host that dropped the asset): the first visit runs `initdb` and the migrations in the
 * browser and caches the migrated data directory in IndexedDB; the next visit boots from it.
 */
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  buildPlayground,
  collectErrors,
  launchChromium,
  serveStatic,
  waitDetailStatus,
  waitReady,
} from "./helpers.ts";

// A boot with initdb takes a while on a shared 2-core machine.
vi.setConfig({ testTimeout: 120_000 });

let dir: string;
let server: Awaited<ReturnType<typeof serveStatic>>;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "rhythm-playground-no-datadir-"));
  cpSync(await buildPlayground(), dir, { recursive: true });
  const assets = join(dir, "assets");
  for (const file of readdirSync(assets)) {
    if (file.startsWith("pgdata-")) rmSync(join(assets, file));
  }
  server = await serveStatic(dir);
  browser = await launchChromium();
  context = await browser.newContext();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("a build without the shipped database", () => {
  it("migrates in the browser on the first visit and runs the seed's order flow", async () => {
    const page = await context.newPage();
    const errors = collectErrors(page);
    await page.goto(`${server.url}?run=1&clock=fast`);
    await waitReady(page);
    const status = await page.textContent("#status");
    expect(status).toContain("Rhythm engine on PGlite");
    expect(status).not.toContain("from the");
    await waitDetailStatus(page, "completed");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("boots the next visit from the data directory cached in IndexedDB", async () => {
    const page = await context.newPage();
    const errors = collectErrors(page);
    await page.goto(server.url);
    await waitReady(page);
    expect(await page.textContent("#status")).toContain("from the cached database");
    expect(errors).toEqual([]);
    await page.close();
  });
});
