/**
 * Entry point. `?api=<url>` (or `?api=` for the same origin) opens the dashboard on a
 * deployment's HTTP API; otherwise the playground, with a shared project from `#p=…`
 * (run at once) or the first example (`?run=1` runs it at once).
 * @module
 */
import { startDashboard } from "./dashboard.ts";
import { EXAMPLES } from "./examples.ts";
import { decodeProject } from "./share.ts";
import { startPlayground } from "./app.ts";
import { installHooks } from "./ui/status.ts";

installHooks();
const root = document.getElementById("app")!;
const params = new URLSearchParams(location.search);

if (params.has("api")) {
  await startDashboard(root, params.get("api") ?? "", params.get("token") ?? undefined);
} else {
  let shared = null;
  let problem: string | undefined;
  try {
    shared = await decodeProject(location.hash.slice(1));
  } catch (e) {
    problem = `${(e as Error).message}; the first example is loaded instead`;
  }
  const autorun = shared !== null || params.get("run") === "1";
  await startPlayground(root, shared ?? EXAMPLES[0], autorun, problem);
}
