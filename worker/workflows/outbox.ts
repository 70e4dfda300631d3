/**
 * Turning a step's commands (the interpreter's outbox) into the rows its commit writes: child
 * task and workflow executions, handle rows for children, timers, signal waits and the
 * workflow's deadline, cancellations and log lines. Pure.
 *
 * A handle created and cancelled in the same step (a loser of a race that was already decided)
 * is never written: its work has not started, so there is nothing to cancel.
 *
 * @module
 */
import { type Command, DEFAULT_RETRY } from "../../interpreter/mod.ts";
import { uuidv7 } from "../ids.ts";
import type { NewExecution } from "../queries/insert.ts";
import type { NewHandle } from "../queries/workflow-commit.ts";
import type { NewWorkflow } from "../queries/workflow-start.ts";

/** The workflow execution a step belongs to. */
export interface Parent {
  id: string;
  queue: string;
}

/** The outbox as rows. */
export interface Outbox {
  tasks: NewExecution[];
  workflows: NewWorkflow[];
  handles: NewHandle[];
  cancelled: string[];
  logs: { level: string; message: string }[];
  /** One short line per started piece of work, for the step event and logs. */
  summary: string[];
}

/** The handle name of the workflow's own deadline (front-matter `timeout`). */
export const DEADLINE_HANDLE = "$deadline";

/**
 * Plans the rows for `commands`; `now` is the VM's clock, so `fireAt - now` is the delay.
 *
 * @example
 * ```ts
 * const outbox = planOutbox(result.commands, { id, queue: "default" }, Date.now());
 * ```
 */
export function planOutbox(commands: readonly Command[], parent: Parent, now: number): Outbox {
  const cancelledNow = new Set(
    commands.flatMap((c) => (c.type === "cancel" ? [c.handle] : [])),
  );
  const out: Outbox = {
    tasks: [],
    workflows: [],
    handles: [],
    cancelled: [],
    logs: [],
    summary: [],
  };
  const created = new Set<string>();
  const ids = orderedIds(commands.length);
  for (const c of commands) {
    if (c.type === "log") out.logs.push({ level: c.level, message: c.message });
    else if (c.type === "cancel") {
      if (!created.has(c.handle)) out.cancelled.push(c.handle);
    } else {
      created.add(c.handle);
      if (!cancelledNow.has(c.handle)) plan(out, c, parent, now, ids);
    }
  }
  return out;
}

type Work = Exclude<Command, { type: "log" } | { type: "cancel" }>;

/** Ids in increasing order, so work started in one step is claimed in the order it started. */
function orderedIds(n: number): string[] {
  return Array.from({ length: n }, () => uuidv7()).sort().reverse();
}

function plan(out: Outbox, c: Work, parent: Parent, now: number, ids: string[]): void {
  const position = positionOf(c.handle);
  if (c.type === "task") {
    out.handles.push({ handle: c.handle, position, kind: "task", child: out.tasks.length });
    out.tasks.push(taskRow(c, parent, ids.pop()!));
    out.summary.push(`task ${c.name}`);
  } else if (c.type === "workflow") {
    out.handles.push({ handle: c.handle, position, kind: "workflow", child: out.workflows.length });
    out.workflows.push(workflowRow(c, parent, ids.pop()!));
    out.summary.push(`workflow ${c.name}`);
  } else if (c.type === "timer") {
    out.handles.push({ handle: c.handle, position, kind: "timer", delayMs: c.fireAt - now });
    out.summary.push(`timer ${formatMs(c.fireAt - now)}`);
  } else {
    const delayMs = c.timeoutAt === null ? null : c.timeoutAt - now;
    out.handles.push({ handle: c.handle, position, kind: "signal", signalName: c.name, delayMs });
    out.summary.push(
      `signal ${c.name}` + (delayMs === null ? "" : ` (timeout ${formatMs(delayMs)})`),
    );
  }
}

function taskRow(c: Extract<Command, { type: "task" }>, parent: Parent, id: string): NewExecution {
  const retry = c.options.retry ?? DEFAULT_RETRY;
  const timeout = c.options.timeout;
  return {
    id,
    kind: "task",
    name: c.name,
    queue: c.options.queue ?? parent.queue,
    inputs: JSON.stringify(c.inputs ?? null),
    priority: Math.round(c.options.priority ?? 0),
    maxAttempts: retry.maxAttempts,
    retry: JSON.stringify(retry.backoff),
    timeoutMs: timeout !== undefined && timeout > 0 ? Math.ceil(timeout) : null,
    runAtMs: null,
    delayMs: 0,
    idempotencyKey: c.options.idempotencyKey ?? null,
    parentId: parent.id,
  };
}

function workflowRow(
  c: Extract<Command, { type: "workflow" }>,
  parent: Parent,
  id: string,
): NewWorkflow {
  return {
    id,
    name: c.name,
    queue: c.options.queue ?? null,
    defaultQueue: parent.queue,
    inputs: JSON.stringify(c.inputs ?? null),
    priority: Math.round(c.options.priority ?? 0),
    idempotencyKey: c.options.idempotencyKey ?? null,
    parentId: parent.id,
  };
}

/** `h12` → 12: handles are numbered in creation order. */
function positionOf(handle: string): number {
  const n = Number(handle.replace(/^\D+/, ""));
  return Number.isInteger(n) ? n : 0;
}

/**
 * A duration for humans: `500ms`, `5s`, `2m`, `3h`, `2d`.
 *
 * @example
 * ```ts
 * formatMs(90_000); // "1.5m"
 * ```
 */
export function formatMs(ms: number): string {
  const units: [string, number][] = [["d", 86_400_000], ["h", 3_600_000], ["m", 60_000], [
    "s",
    1000,
  ]];
  for (const [unit, size] of units) {
    if (Math.abs(ms) >= size) return `${Math.round((ms / size) * 10) / 10}${unit}`;
  }
  return `${Math.round(ms)}ms`;
}
