/**
 * Entry point. `?api=<url>` (or `?api=` for the same origin) opens the dashboard on a
 * deployment's HTTP API; otherwise the playground, with a shared project from `#p=…`
 * (run at once) or the first example (`?run=1` runs it at once, `?clock=fast` fires timers
 * at once, `?fresh=1` ignores the cached database). `?bare=1` boots PGlite alone: the
 * cold-start benchmark's baseline.
 * @module
 */
import { EXAMPLES } from "./examples.ts";
import { decodeProject } from "./share.ts";
import { InBrowserSource } from "./source/browser.ts";
import { installHooks, setStatus } from "./ui/status.ts";

/** The cold-start baseline (`?bare=1`): PGlite alone in the same Web Worker, nothing else. */
async function bootBare(): Promise<void> {
  const hooks = installHooks();
  const info = await new InBrowserSource().boot({ bareOnly: true });
  hooks.bareReadyAt = performance.now();
  setStatus("ready", `bare PGlite booted in ${Math.round(info.timings.pglite)} ms`);
}

installHooks();
const root = document.getElementById("app")!;
const params = new URLSearchParams(location.search);

if (params.get("bare") === "1") {
  await bootBare();
} else if (params.has("api")) {
  const { startDashboard } = await import("./dashboard.ts");
  await startDashboard(root, params.get("api") ?? "", params.get("token") ?? undefined);
} else {
  // Start Postgres first: the editor's code loads while PGlite boots in its Web Worker.
  const source = new InBrowserSource();
  const booting = source.boot({ fresh: params.get("fresh") === "1" });
  if (params.get("clock") === "fast") void source.clock({ action: "autoSkip", on: true });
  const { startPlayground } = await import("./app.ts");
  installHooks().marks.editorLoaded = performance.now();
  let shared = null;
  let problem: string | undefined;
  try {
    shared = await decodeProject(location.hash.slice(1));
  } catch (e) {
    problem = `${(e as Error).message}; the first example is loaded instead`;
  }
  await startPlayground(root, shared ?? EXAMPLES[0], source, booting, {
    autorun: shared !== null || params.get("run") === "1",
    problem,
  });
}
