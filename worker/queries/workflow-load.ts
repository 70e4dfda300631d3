/**
 * Hot path: reading what one workflow step needs, after the claim: the execution's version,
 * inputs and snapshot, the handles whose outcome is known (finished children, outcomes stored at
 * creation, due timers and deadlines), every signal wait, and the buffered signals.
 *
 * Reads only; nothing here needs the lease (the commit is fenced). Handles that are still
 * waiting (running children, future timers) are not read, so a step's cost does not grow with
 * the number of outstanding handles.
 *
 * @module
 */
import type { Queryable } from "../db/driver.ts";

/** The execution part of a step's input. */
export interface StepExecution {
  version: string;
  /** JSON text. */
  inputs: string;
  /** JSON text of the interpreter snapshot, null before the first step. */
  snapshot: string | null;
  startedAt: Date;
  /** The execution's `wake_seq` when loaded (see migrations/0003). */
  wakeSeq: number;
}

/** One handle row with what is known of its outcome. */
export interface HandleRow {
  handle: string;
  position: number;
  kind: "task" | "workflow" | "timer" | "signal" | "deadline";
  signalName: string | null;
  /** Outcome JSON text stored at creation, or null. */
  result: string | null;
  /** The fire time has come (timers, signal timeouts, deadlines). */
  due: boolean;
  childName: string | null;
  childStatus: string | null;
  /** JSON text. */
  childOutput: string | null;
  /** JSON text. */
  childError: string | null;
  childAttempts: number | null;
  /** When the outcome happened (child finished, fire time), epoch ms; for ordering. */
  settledAt: number | null;
}

/** A buffered (not yet consumed) signal. */
export interface SignalRow {
  id: number;
  name: string;
  /** JSON text. */
  payload: string;
  sentAt: number;
}

const executionSql = `
select e.version, e.inputs::text as inputs, s.snapshot::text as snapshot,
       coalesce(e.started_at, e.created_at) as "startedAt", e.wake_seq as "wakeSeq"
  from executions e left join workflow_state s on s.execution_id = e.id
 where e.id = $1`;

const handlesSql = `
select h.handle, h.position, h.kind, h.signal_name as "signalName", h.result::text as result,
       coalesce(h.fire_at <= now(), false) as due, c.name as "childName",
       c.status as "childStatus", c.output::text as "childOutput", c.error::text as "childError",
       c.attempts as "childAttempts",
       (extract(epoch from coalesce(c.finished_at, h.fire_at)) * 1000)::float8 as "settledAt"
  from workflow_handles h
  left join executions c on c.id = h.child_id
 where h.workflow_id = $1
   and (h.kind = 'signal' or h.result is not null or h.fire_at <= now()
        or c.status in ('completed', 'failed', 'cancelled'))
 order by h.position`;

const signalsSql = `
select id::float8 as id, name, payload::text as payload,
       (extract(epoch from created_at) * 1000)::float8 as "sentAt"
  from signals where execution_id = $1 and consumed_at is null order by id`;

/**
 * Loads a step's input; null when the execution does not exist.
 *
 * @example
 * ```ts
 * const loaded = await loadStep(db, row.id);
 * ```
 */
export async function loadStep(
  q: Queryable,
  id: string,
): Promise<{ execution: StepExecution; handles: HandleRow[]; signals: SignalRow[] } | null> {
  const [rows, handles] = await Promise.all([
    q.query<StepExecution>(executionSql, [id]),
    q.query<HandleRow>(handlesSql, [id]),
  ]);
  if (rows.length === 0) return null;
  const waits = handles.some((h) => h.kind === "signal");
  const signals = waits ? await q.query<SignalRow>(signalsSql, [id]) : [];
  return {
    execution: rows[0],
    handles: handles.map((h) => ({ ...h, settledAt: toNumber(h.settledAt) })),
    signals: signals.map((s) => ({ ...s, id: Number(s.id), sentAt: Number(s.sentAt) })),
  };
}

function toNumber(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}
