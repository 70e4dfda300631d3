/**
 * What the inspector reads from the engine: executions and events through the client API,
 * shaped for the page; a workflow's timeline includes its children's events; suspended
 * workflows say what they wait for and at which `.flow` line; each step carries the
 * variables of the snapshot it committed (observed right after it, see `stepsSince`).
 * Changes are noticed by polling a cheap marker every 75 ms (PGlite is in-process).
 * @module
 */
import {
  type Db,
  type Execution as EngineExecution,
  type ExecutionEvent as EngineEvent,
  getExecution,
  getExecutionEvents,
  listExecutions,
} from "../../../worker/mod.ts";
import { timelineType } from "../source/event-types.ts";
import type { Execution, ExecutionEvent, ExecutionFilter } from "../source/types.ts";
import { variables, waitingLine } from "./variables.ts";
import { changeMarker, openHandles, readWorkflowState, stepsSince } from "./workflow-state.ts";

/** The inspector's reads, and change notifications. */
export interface Inspection {
  list(filter?: ExecutionFilter): Promise<Execution[]>;
  get(id: string): Promise<Execution>;
  events(id: string): Promise<ExecutionEvent[]>;
  onChange(listener: () => void): () => void;
}

interface StepView {
  line?: number;
  snapshot: unknown;
}

function fromEngine(e: EngineExecution): Execution {
  return {
    id: e.id,
    kind: e.kind,
    name: e.name,
    status: e.status,
    parent: e.parentId,
    inputs: e.inputs,
    output: e.output,
    error: e.error as Execution["error"],
    attempts: e.attempts,
    createdAt: e.createdAt.getTime(),
    updatedAt: e.updatedAt.getTime(),
  };
}

function ownEvent(e: EngineEvent, steps: Map<number, StepView>): ExecutionEvent {
  const step = steps.get(e.id);
  return {
    seq: e.id,
    execution: e.executionId,
    type: timelineType("workflow", e.type),
    at: e.at.getTime(),
    data: e.data,
    line: step?.line,
    snapshot: step?.snapshot,
  };
}

function childEvent(e: EngineEvent, child: EngineExecution): ExecutionEvent {
  const extra = e.type === "completed" ? { output: child.output } : {};
  return {
    seq: e.id,
    execution: e.executionId,
    type: child.kind === "task" ? timelineType("task", e.type) : `child.${e.type}`,
    at: e.at.getTime(),
    data: {
      task: child.name,
      id: child.id,
      attempt: e.attempt,
      ...(e.data ?? {}) as object,
      ...extra,
    },
  };
}

function describe(handles: Awaited<ReturnType<typeof openHandles>>): string {
  const what = handles.map((h) =>
    h.kind === "signal"
      ? `signal "${h.signalName}"`
      : h.kind === "timer"
      ? `timer (${h.fireAt?.slice(11, 19) ?? "?"})`
      : `${h.kind} ${h.childName ?? ""}`.trim()
  );
  return what.length ? what.join(", ") : "results to arrive";
}

/**
 * Creates the inspector's reads over `db`; `onTick` is called whenever something changed.
 * @example
 * ```ts
 * const inspection = createInspection(db, () => clock.poke());
 * inspection.onChange(() => postMessage({ notice: "changed" }));
 * ```
 */
export function createInspection(db: Db, onTick: () => void): Inspection {
  const listeners = new Set<() => void>();
  const steps = new Map<number, StepView>();
  let marker = "";
  let lastStep = 0;
  let polling = false;

  async function captureSteps(): Promise<void> {
    const fresh = await stepsSince(db, lastStep);
    const latest = new Map(fresh.map((s) => [s.executionId, s.id]));
    for (const [executionId, stepId] of latest) {
      const state = await readWorkflowState(db, executionId);
      if (!state) continue;
      const line = waitingLine(state.program, state.snapshot) ?? undefined;
      const snapshot = variables(state.program, state.snapshot) ?? undefined;
      steps.set(stepId, { line, snapshot });
    }
    if (fresh.length) lastStep = fresh[fresh.length - 1].id;
  }

  setInterval(async () => {
    if (polling) return;
    polling = true;
    try {
      const now = await changeMarker(db);
      if (now === marker) return;
      marker = now;
      await captureSteps();
      for (const listener of listeners) listener();
      onTick();
    } finally {
      polling = false;
    }
  }, 75);

  async function waitingOf(e: EngineExecution): Promise<Execution["waiting"]> {
    if (e.kind !== "workflow") return null;
    if (e.status === "failed") {
      const line = (e.error as { line?: number } | null)?.line;
      return line ? { on: "failed", line } : null;
    }
    if (e.status !== "suspended" && e.status !== "running") return null;
    // a running workflow waits too while this worker runs its task inline (docs/engine.md
    // "Inline chains"): its last checkpoint saved the snapshot and the task's handle
    const handles = await openHandles(db, e.id);
    if (e.status === "running" && handles.length === 0) return null;
    const state = await readWorkflowState(db, e.id);
    const line = state ? waitingLine(state.program, state.snapshot) ?? undefined : undefined;
    return { on: describe(handles), line };
  }

  return {
    async list(filter = {}) {
      return (await listExecutions(db, { ...filter, limit: filter.limit ?? 100 })).map(fromEngine);
    },
    async get(id) {
      const found = await getExecution(db, id);
      if (!found) throw new Error(`no execution with id ${id}`);
      return { ...fromEngine(found), waiting: await waitingOf(found) };
    },
    async events(id) {
      const own = (await getExecutionEvents(db, id)).map((e) => ownEvent(e, steps));
      const children = await listExecutions(db, { parentId: id, limit: 100 });
      const theirs = await Promise.all(
        children.map(async (child) =>
          (await getExecutionEvents(db, child.id)).map((e) => childEvent(e, child))
        ),
      );
      return [...own, ...theirs.flat()].sort((a, b) => a.seq - b.seq);
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
