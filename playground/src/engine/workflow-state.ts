/**
 * Read-only looks into the engine's tables that the client API does not offer yet, for the
 * inspector: the current snapshot of a suspended workflow with its compiled program (so the
 * page can show the `.flow` line it waits at and its variables), and a cheap change marker.
 * TODO(worker/): replace with a client call (e.g. `getWorkflowState(db, id)`) once it exists.
 * @module
 */
import type { CompiledProgram, SnapshotState } from "../../../interpreter/mod.ts";
import type { Queryable } from "../../../worker/mod.ts";

/** A suspended workflow's snapshot and the program it runs. */
export interface WorkflowState {
  snapshot: SnapshotState;
  program: CompiledProgram;
}

/**
 * The snapshot and program of a suspended workflow, or null (finished, or not a workflow).
 * @example
 * ```ts
 * const state = await readWorkflowState(db, id);
 * if (state) waitingLine(state.program, state.snapshot);
 * ```
 */
export async function readWorkflowState(q: Queryable, id: string): Promise<WorkflowState | null> {
  const [row] = await q.query<{ snapshot: string; compiled: string }>(
    `select s.snapshot::text as snapshot, d.compiled::text as compiled
       from workflow_state s
       join executions e on e.id = s.execution_id
       join workflow_definitions d on d.name = e.name and d.version = e.version
      where s.execution_id = $1`,
    [id],
  );
  return row ? { snapshot: JSON.parse(row.snapshot), program: JSON.parse(row.compiled) } : null;
}

/**
 * Ids of `step` events after `after`, with their execution, oldest first.
 * @example
 * ```ts
 * for (const step of await stepsSince(db, lastSeen)) remember(step.id, step.executionId);
 * ```
 */
export function stepsSince(
  q: Queryable,
  after: number,
): Promise<{ id: number; executionId: string }[]> {
  return q.query(
    `select id::float8 as id, execution_id::text as "executionId" from events
      where type = 'step' and id > $1 order by id limit 200`,
    [after],
  );
}

/**
 * The newest event id and update time: when it changes, something happened.
 * @example
 * ```ts
 * const marker = await changeMarker(db); // "1742:2026-…"
 * ```
 */
export async function changeMarker(q: Queryable): Promise<string> {
  const [row] = await q.query<{ marker: string }>(
    `select coalesce(max(id), 0)::text || ':' ||
            coalesce((select max(updated_at) from executions)::text, '') as marker from events`,
  );
  return row.marker;
}

/** One thing a suspended workflow waits for. */
export interface OpenHandle {
  kind: string;
  signalName: string | null;
  fireAt: string | null;
  childName: string | null;
}

/**
 * What a suspended workflow waits for: its unsettled handles (signals, timers, children).
 * @example
 * ```ts
 * (await openHandles(db, id)).map((h) => h.kind); // ["signal", "deadline"]
 * ```
 */
export function openHandles(q: Queryable, id: string): Promise<OpenHandle[]> {
  return q.query(
    `select h.kind, h.signal_name as "signalName", h.fire_at::text as "fireAt",
            c.name as "childName"
       from workflow_handles h left join executions c on c.id = h.child_id
      where h.workflow_id = $1 and h.result is null and h.kind <> 'deadline'
        and (c.id is null or c.status not in ('completed', 'failed', 'cancelled'))
      order by h.position`,
    [id],
  );
}
