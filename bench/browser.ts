/**
 * Cold start of the playground in the browser, measured in one run against a bare PGlite
 * boot in the same browser (issue 7):
 * - `bare`: a page that boots PGlite alone in the same Web Worker (`?bare=1`), navigation
 *   start → `select 1` answered;
 * - `firstVisit`: empty cache and storage, navigation start → the seed's order flow
 *   completed (`?run=1&clock=fast`: PGlite from the migrated data directory shipped with the
 *   build, worker loop, three tasks, the 5 s sleep skipped on the virtual clock);
 * - `repeatVisit`: the same in a second page of the same browser profile (HTTP cache).
 *
 * With `--baseline <dir>`, each round also measures the first and repeat visit of another
 * build of the playground (e.g. `vite build playground --outDir` on an older commit), so a
 * change is compared with what it replaces in the same run, under the same load.
 *
 * Prints one JSON object. Run:
 * `node_modules/.bin/deno run -A bench/browser.ts [--rounds 3] [--baseline <dist>]`.
 * @module
 */
import { resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { buildPlayground, launchChromium, serveStatic } from "../tests/browser/helpers.ts";

interface Hooks {
  bareReadyAt: number | null;
  firstCompletedAt: number | null;
  bootInfo: { timings: Record<string, number>; origin: string } | null;
  marks: Record<string, number>;
  firstRunEvents: { type: string; at: number }[] | null;
}

/** The page's milestones and the run's events in time order, rounded to the millisecond. */
function timeline(hooks: Hooks): Record<string, number> {
  const entries: [string, number][] = Object.entries(hooks.marks);
  (hooks.firstRunEvents ?? []).forEach((e, i) => entries.push([`event ${i + 1} ${e.type}`, e.at]));
  if (hooks.firstCompletedAt !== null) entries.push(["completedShown", hooks.firstCompletedAt]);
  entries.sort((a, b) => a[1] - b[1]);
  return Object.fromEntries(entries.map(([name, ms]) => [name, Math.round(ms)]));
}

async function measure(
  page: Page,
  url: string,
  field: keyof Hooks,
  eventsTimeoutMs = 10_000,
): Promise<{ ms: number; hooks: Hooks }> {
  await page.goto(url);
  await page.waitForFunction(
    (f) => (globalThis as unknown as { rhythm?: Record<string, unknown> }).rhythm?.[f] != null,
    field,
    { timeout: 180_000, polling: 20 },
  );
  if (field === "firstCompletedAt") {
    await page.waitForFunction(
      () => (globalThis as unknown as { rhythm: Hooks }).rhythm.firstRunEvents !== null,
      undefined,
      { timeout: eventsTimeoutMs, polling: 20 },
    ).catch(() => {}); // a build from before the events hook
  }
  const hooks = await page.evaluate(() => (globalThis as unknown as { rhythm: Hooks }).rhythm);
  return { ms: Math.round(hooks[field] as number), hooks };
}

/** First and repeat visit of `base` in a fresh profile (the baseline build's numbers). */
async function visits(browser: Browser, base: string) {
  const context = await browser.newContext();
  const url = `${base}?run=1&clock=fast`;
  const first = await measure(await context.newPage(), url, "firstCompletedAt", 3_000);
  const repeat = await measure(await context.newPage(), url, "firstCompletedAt", 3_000);
  await context.close();
  return { firstVisitMs: first.ms, repeatVisitMs: repeat.ms };
}

async function round(browser: Browser, base: string) {
  const bareContext = await browser.newContext();
  const bare = await measure(await bareContext.newPage(), `${base}?bare=1`, "bareReadyAt");
  const bareRepeat = await measure(await bareContext.newPage(), `${base}?bare=1`, "bareReadyAt");
  await bareContext.close();
  const context = await browser.newContext();
  const first = await measure(
    await context.newPage(),
    `${base}?run=1&clock=fast`,
    "firstCompletedAt",
  );
  const repeat = await measure(
    await context.newPage(),
    `${base}?run=1&clock=fast`,
    "firstCompletedAt",
  );
  await context.close();
  return {
    bareMs: bare.ms,
    bareRepeatMs: bareRepeat.ms,
    firstVisitMs: first.ms,
    repeatVisitMs: repeat.ms,
    firstVisitBoot: { ...first.hooks.bootInfo?.timings, origin: first.hooks.bootInfo?.origin },
    firstVisitTimeline: timeline(first.hooks),
    repeatVisitBoot: { ...repeat.hooks.bootInfo?.timings, origin: repeat.hooks.bootInfo?.origin },
    repeatVisitTimeline: timeline(repeat.hooks),
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const option = (name: string) => {
  const at = Deno.args.indexOf(name);
  return at >= 0 ? Deno.args[at + 1] : undefined;
};
const rounds = Number(option("--rounds") ?? 3);
const baselineDir = option("--baseline");
const server = await serveStatic(await buildPlayground());
const baselineServer = baselineDir ? await serveStatic(resolve(baselineDir)) : null;
const browser = await launchChromium();
try {
  const results = [];
  const baseline = [];
  for (let i = 0; i < rounds; i++) {
    results.push(await round(browser, server.url));
    if (baselineServer) baseline.push(await visits(browser, baselineServer.url));
  }
  const bare = median(results.map((r) => r.bareMs));
  const first = median(results.map((r) => r.firstVisitMs));
  const repeat = median(results.map((r) => r.repeatVisitMs));
  console.log(JSON.stringify(
    {
      benchmark: "browser cold start (page load → first workflow completed)",
      browser: browser.version(),
      machine: { cpus: navigator.hardwareConcurrency, loadAverage: Deno.loadavg() },
      rounds,
      median: {
        bareMs: bare,
        bareRepeatMs: median(results.map((r) => r.bareRepeatMs)),
        firstVisitMs: first,
        repeatVisitMs: repeat,
        firstVisitVsBare: Number((first / bare).toFixed(2)),
        repeatVisitVsBare: Number((repeat / bare).toFixed(2)),
      },
      goals: { withinOnePointFiveOfBare: repeat <= 1.5 * bare, repeatUnder3s: repeat < 3000 },
      baseline: baselineServer
        ? {
          dist: baselineDir,
          median: {
            firstVisitMs: median(baseline.map((r) => r.firstVisitMs)),
            repeatVisitMs: median(baseline.map((r) => r.repeatVisitMs)),
          },
          rounds: baseline,
        }
        : undefined,
      results,
    },
    null,
    2,
  ));
} finally {
  await browser.close();
  await server.close();
  await baselineServer?.close();
}
