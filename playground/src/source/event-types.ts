/**
 * The engine's event types (`created`, `step`, `retrying`, …, per execution) as the
 * inspector's timeline names them (`workflow.started`, `step.committed`, `task.retried`, …),
 * the same for the in-browser engine and the HTTP API.
 * @module
 */

const WORKFLOW: Record<string, string> = {
  created: "workflow.started",
  started: "step.started",
  step: "step.committed",
  signal: "signal.received",
  log: "log",
};

/**
 * The timeline's name of an engine event of a `kind` execution.
 * @example
 * ```ts
 * timelineType("workflow", "step"); // "step.committed"
 * timelineType("task", "retrying"); // "task.retried"
 * ```
 */
export function timelineType(kind: "workflow" | "task", type: string): string {
  if (kind === "task") return `task.${type === "retrying" ? "retried" : type}`;
  return WORKFLOW[type] ?? `workflow.${type}`;
}
