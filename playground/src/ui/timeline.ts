/**
 * The timeline of one execution: its events in order with their virtual time relative to the
 * start, a one-line summary, and the data (inputs, outputs, errors, variable snapshots) on
 * demand.
 * @module
 */
import { formatDuration } from "./duration.ts";
import type { ExecutionEvent } from "../source/types.ts";
import { h, json } from "./dom.ts";

const ICONS: Record<string, string> = {
  "workflow.started": "▶",
  "step.committed": "◆",
  "task.started": "⚙",
  "task.retried": "↻",
  "task.completed": "✓",
  "task.failed": "✗",
  "task.created": "+",
  "step.started": "›",
  "signal.received": "✉",
  "child.started": "⎇",
  "log": "›",
  "workflow.completed": "■",
  "workflow.failed": "✗",
  "workflow.cancelled": "⊘",
};

const list = (value: unknown): string[] => Array.isArray(value) ? value.map(String) : [];
const message = (value: unknown): string =>
  typeof value === "object" && value !== null
    ? String((value as { message?: unknown }).message)
    : String(value);

function stepSummary(d: Record<string, unknown>): string {
  const parts: string[] = [];
  if (Number(d.received) > 0) parts.push(`took ${d.received} result${d.received === 1 ? "" : "s"}`);
  const started = list(d.started);
  if (started.length) parts.push(`started ${started.join(", ")}`);
  const waiting = list(d.waiting);
  parts.push(waiting.length ? `waits on ${waiting.length}` : "ran to the end");
  // the k-th step of an inline chain shares its claim's number: step 1, 1.2, 1.3…
  const chain = Number(d.chain) > 1 ? `.${d.chain}` : "";
  return `step ${d.step ?? ""}${chain}: ${parts.join("; ")}`;
}

/**
 * One line saying what happened, from the event's data.
 * @example
 * ```ts
 * summarize({ seq: 1, execution: "x", type: "task.completed", at: 0, data: { task: "a", output: 1 } });
 * // "a → 1"
 * ```
 */
export function summarize(event: ExecutionEvent): string {
  const d = (event.data ?? {}) as Record<string, unknown>;
  switch (event.type) {
    case "workflow.started":
      return d.version ? `version ${String(d.version).slice(0, 12)}` : "";
    case "step.committed":
      return stepSummary(d);
    case "task.created":
      return `${d.task} queued`;
    case "task.started":
      return `${d.task} attempt ${d.attempt ?? 1}`;
    case "task.completed":
      return `${d.task} → ${json(d.output)}`;
    case "task.retried":
      return `${d.task} attempt ${d.attempt} failed: ${message(d.error)}`;
    case "task.failed":
      return `${d.task} failed: ${message(d.error ?? d.message)}`;
    case "signal.received":
      return `signal "${d.name}"`;
    case "log":
      return String(d.message ?? json(d));
    case "workflow.completed":
      return d.output !== undefined ? `completed → ${json(d.output)}` : stepSummary(d);
    case "workflow.failed":
      return `${d.name ?? "Error"}: ${d.message ?? json(d)}`;
    default:
      return event.data === undefined || event.data === null ? "" : json(event.data);
  }
}

/**
 * Renders the events of an execution; `onLine` is called when an event with a `.flow` line
 * is clicked; `open` holds the `seq` of events whose details are unfolded (kept up to date,
 * so a re-render keeps them unfolded).
 * @example
 * ```ts
 * panel.replaceChildren(renderTimeline(events, run.createdAt, (line) => editor.mark({ line, kind: "step" })));
 * ```
 */
export function renderTimeline(
  events: ExecutionEvent[],
  start: number,
  onLine: (line: number) => void,
  open: Set<number> = new Set(),
): HTMLElement {
  if (events.length === 0) return h("p", { class: "empty" }, "No events yet.");
  return h(
    "ol",
    { class: "timeline", "data-testid": "timeline" },
    ...events.map((event) => {
      const data = event.data;
      const details = event.snapshot !== undefined ||
        (typeof data === "object" && data !== null && Object.keys(data).length > 0);
      const row = h(
        "li",
        { class: `event ev-${event.type.replace(".", "-")}`, "data-type": event.type },
        h("span", { class: "ev-time" }, `+${formatDuration(Math.max(0, event.at - start))}`),
        h("span", { class: "ev-icon" }, ICONS[event.type] ?? "•"),
        h(
          "span",
          { class: "ev-body" },
          h("span", { class: "ev-type" }, event.type),
          event.line ? h("span", { class: "ev-line" }, `line ${event.line}`) : null,
          h("span", { class: "ev-summary" }, summarize(event)),
        ),
      );
      if (event.line) row.addEventListener("click", () => onLine(event.line!));
      if (!details) return row;
      const toggle = (e: Event) => {
        if ((e.target as HTMLDetailsElement).open) open.add(event.seq);
        else open.delete(event.seq);
      };
      row.append(h(
        "details",
        { class: "ev-details", open: open.has(event.seq), ontoggle: toggle },
        h("summary", {}, event.snapshot !== undefined ? "data and variables" : "data"),
        h("pre", {}, json(event.data, 2)),
        event.snapshot !== undefined
          ? h("pre", { class: "snapshot" }, json(event.snapshot, 2))
          : null,
      ));
      return row;
    }),
  );
}
