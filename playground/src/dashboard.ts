/**
 * Dashboard mode: the playground's inspector pointed at a Rhythm deployment's HTTP API
 * (runs list with filters, run detail with timeline, signal and cancel), no editor.
 * @module
 */
import { HttpSource } from "./source/http.ts";
import { h } from "./ui/dom.ts";
import { createInspector } from "./ui/inspector.ts";
import { setStatus } from "./ui/status.ts";

/**
 * Mounts the dashboard for the API at `base` (same origin when empty).
 * @example
 * ```ts
 * startDashboard(document.querySelector("#app")!, "http://127.0.0.1:8080", undefined);
 * ```
 */
export async function startDashboard(
  root: HTMLElement,
  base: string,
  token: string | undefined,
): Promise<void> {
  const source = new HttpSource(base, token);
  document.getElementById("mode")!.textContent = "dashboard";
  root.classList.add("dashboard");
  const host = h("div", { class: "inspector" });
  root.replaceChildren(h("section", { class: "panel", style: "flex:1" }, host));
  const inspector = createInspector(host, source);
  try {
    const runs = await source.listExecutions({ limit: 1 });
    setStatus("ready", `${source.label}`);
    if (runs[0]) inspector.select(runs[0].id);
  } catch (e) {
    setStatus("error", `${source.label} is not reachable: ${(e as Error).message}`);
  }
}
