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
import { installHooks, setStatus } from "./ui/status.ts";

installHooks();
const root = document.getElementById("app")!;
const params = new URLSearchParams(location.search);

if (params.has("api")) {
  await startDashboard(root, params.get("api") ?? "", params.get("token") ?? undefined);
} else {
  let shared = null;
  try {
    shared = await decodeProject(location.hash.slice(1));
  } catch (e) {
    setStatus("error", (e as Error).message);
  }
  await startPlayground(root, shared ?? EXAMPLES[0], shared !== null || params.get("run") === "1");
}
