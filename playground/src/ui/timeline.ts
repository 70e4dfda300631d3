/**
 * The timeline of one execution: its events in order with their virtual time relative to the
 * start, a one-line summary, and the data (inputs, outputs, errors, variable snapshots) on
 * demand.
 * @module
 */
import { formatDuration } from "../engine/duration.ts";
import type { ExecutionEvent } from "../source/types.ts";
import { h, json } from "./dom.ts";

const ICONS: Record<string, string> = {
  "workflow.started": "▶",
  "step.committed": "◆",
  "task.started": "⚙",
  "task.retried": "↻",
  "task.completed": "✓",
  "task.failed": "✗",
  "timer.set": "◷",
  "timer.fired": "◉",
  "signal.waiting": "✉",
  "signal.received": "✉",
  "child.started": "⎇",
  "log": "›",
  "workflow.completed": "■",
  "workflow.failed": "✗",
  "workflow.cancelled": "⊘",
};

/** One line saying what happened, from the event's data. */
export function summarize(event: ExecutionEvent): string {
  const d = (event.data ?? {}) as Record<string, unknown>;
  switch (event.type) {
    case "task.started":
      return `${d.task} started with ${json(d.inputs)}`;
    case "task.completed":
      return `${d.task} → ${json(d.output)}`;
    case "task.retried":
      return `${d.task} attempt ${d.attempt} failed: ${d.error}`;
    case "task.failed":
      return `${d.task ?? "task"} failed after ${d.attempts} attempts: ${d.message}`;
    case "timer.set":
      return `timer for ${formatDuration(Number(d.ms ?? 0))}`;
    case "signal.waiting":
      return `waiting for signal "${d.name}"`;
    case "signal.received":
      return `signal "${d.name}" ${json(d.payload)}`;
    case "child.started":
      return `child workflow ${d.workflow} (${d.id})`;
    case "log":
      return Array.isArray(d)
        ? d.map((v) => typeof v === "string" ? v : json(v)).join(" ")
        : json(d);
    case "workflow.completed":
      return `completed → ${json(d.output)}`;
    case "workflow.failed":
      return `${d.name}: ${d.message}`;
    default:
      return event.data === undefined ? "" : json(event.data);
  }
}

/**
 * Renders the events of an execution; `onLine` is called when an event with a `.flow` line
 * is clicked.
 * @example
 * ```ts
 * panel.replaceChildren(renderTimeline(events, run.createdAt, (line) => editor.mark({ line, kind: "step" })));
 * ```
 */
export function renderTimeline(
  events: ExecutionEvent[],
  start: number,
  onLine: (line: number) => void,
): HTMLElement {
  if (events.length === 0) return h("p", { class: "empty" }, "No events yet.");
  return h(
    "ol",
    { class: "timeline", "data-testid": "timeline" },
    ...events.map((event) => {
      const details = event.snapshot !== undefined || typeof event.data === "object";
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
      row.append(h(
        "details",
        { class: "ev-details" },
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
