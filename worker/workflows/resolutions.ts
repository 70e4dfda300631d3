/**
 * Turning what a step loaded into the interpreter's resolutions (pure): finished children,
 * due timers, signals matched FIFO to waits, timed-out waits, and the workflow's own deadline.
 *
 * Signals are matched per name: the oldest buffered signal goes to the oldest wait (handle
 * creation order). Only a step consumes signals, and steps of one execution never overlap
 * (the lease), so matching needs no lock. Resolutions are ordered by when their outcome
 * happened (child finished, timer fired, signal sent), which decides `Promise.race`.
 *
 * @module
 */
import {
  cancelledError,
  type ErrorValue,
  type Resolution,
  taskError,
  timeoutError,
  workflowError,
} from "../../interpreter/mod.ts";
import type { HandleRow, SignalRow } from "../queries/workflow-load.ts";

/** What the step delivers and must record in its commit. */
export interface Delivery {
  /** In the order the VM should see them. */
  resolutions: Resolution[];
  /** Handles whose rows the commit deletes. */
  delivered: string[];
  /** Signals consumed by this step: id → the handle that received it. */
  consumed: { id: number; handle: string }[];
  /** Set when the workflow's own deadline passed: the step fails it instead of advancing. */
  deadlineError: ErrorValue | null;
}

/**
 * Builds the step's deliveries from the loaded handles and buffered signals.
 *
 * @example
 * ```ts
 * const { resolutions, delivered, consumed } = collectDeliveries(handles, signals);
 * ```
 */
export function collectDeliveries(handles: HandleRow[], signals: SignalRow[]): Delivery {
  const timed: { at: number; position: number; resolution: Resolution }[] = [];
  const consumed: Delivery["consumed"] = [];
  let deadlineError: ErrorValue | null = null;
  const buffered = groupByName(signals);
  for (const h of handles) {
    if (h.kind === "deadline") {
      if (h.due) deadlineError = timeoutError("the workflow timed out");
      continue;
    }
    const outcome = h.kind === "signal" ? matchSignal(h, buffered, consumed) : outcomeOf(h);
    if (outcome) timed.push({ at: outcome.at, position: h.position, resolution: outcome.r });
  }
  timed.sort((a, b) => a.at - b.at || a.position - b.position);
  const resolutions = timed.map((t) => t.resolution);
  return { resolutions, delivered: resolutions.map((r) => r.handle), consumed, deadlineError };
}

type Outcome = { at: number; r: Resolution } | null;

function outcomeOf(h: HandleRow): Outcome {
  const at = h.settledAt ?? 0;
  if (h.result !== null) return { at, r: { handle: h.handle, ...JSON.parse(h.result) } };
  if (h.kind === "timer") {
    return h.due ? { at, r: { handle: h.handle, ok: true, value: null } } : null;
  }
  if (h.childStatus === "completed") {
    const value = h.childOutput === null ? null : JSON.parse(h.childOutput);
    return { at, r: { handle: h.handle, ok: true, value } };
  }
  if (h.childStatus === "failed" || h.childStatus === "cancelled") {
    return { at, r: { handle: h.handle, ok: false, error: childError(h) } };
  }
  return null;
}

function childError(h: HandleRow): ErrorValue {
  const name = h.childName ?? "unknown";
  const stored = h.childError === null ? null : JSON.parse(h.childError) as ErrorValue;
  const cause: ErrorValue = h.childStatus === "cancelled"
    ? cancelledError(`${h.kind} "${name}" was cancelled`)
    : { ...(stored ?? { name: "Error", message: "failed" }) };
  delete cause.stack;
  if (h.kind === "workflow") return workflowError(name, cause);
  if (h.childStatus === "cancelled") return cause;
  return taskError(name, cause.message, h.childAttempts ?? 1, cause.details ?? null);
}

function groupByName(signals: SignalRow[]): Map<string, SignalRow[]> {
  const map = new Map<string, SignalRow[]>();
  for (const s of signals) {
    const list = map.get(s.name) ?? [];
    list.push(s);
    map.set(s.name, list);
  }
  return map;
}

/** Waits come in creation order, so shifting the oldest signal makes the matching FIFO. */
function matchSignal(
  h: HandleRow,
  buffered: Map<string, SignalRow[]>,
  consumed: Delivery["consumed"],
): Outcome {
  const signal = buffered.get(h.signalName ?? "")?.shift();
  if (signal) {
    consumed.push({ id: signal.id, handle: h.handle });
    return {
      at: signal.sentAt,
      r: { handle: h.handle, ok: true, value: JSON.parse(signal.payload) },
    };
  }
  if (!h.due) return null;
  const error = timeoutError(`no "${h.signalName}" signal arrived before the timeout`);
  return { at: h.settledAt ?? 0, r: { handle: h.handle, ok: false, error } };
}
