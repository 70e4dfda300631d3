/**
 * Hot path: committing one workflow step in ONE transaction fenced by the step's lease: lock
 * the execution row, drop the delivered handles and mark the consumed signals, cancel the
 * handles the VM cancelled, insert the outbox (child tasks and workflows, handle rows for them
 * and for timers, signal waits and the deadline), log lines as events, then the outcome
 * (`workflow-outcome.ts`).
 *
 * Asynchronous commit: like the claim, a step commits with `synchronous_commit = off` (this
 * transaction only). A step lost to a server crash is lost with everything it wrote (its
 * children, consumed signals, snapshot): the step runs again from the previous snapshot, and the
 * only visible effect is a task that may run twice — the at-least-once contract of tasks.
 *
 * Invariants: the first statement locks the row only while this worker still holds the lease
 * (status `running`, same worker id and attempt), so a step commits at most once per claim and
 * a worker that lost its lease writes nothing; a crash before COMMIT leaves everything as it was
 * before the step, so the reclaimed step runs again from the same snapshot.
 *
 * @module
 */
import type { Db, Queryable } from "../db/driver.ts";
import { cancelExecutions } from "./cancel.ts";
import { insertExecutions, type NewExecution } from "./insert.ts";
import { insertWorkflows, type NewWorkflow } from "./workflow-start.ts";
import { type StepOutcome, writeOutcome } from "./workflow-outcome.ts";
import { type LocalStart, writeSuspendedStep } from "./workflow-suspend.ts";
import { writeFinishedStep } from "./workflow-finish.ts";

/** A new handle row. */
export interface NewHandle {
  handle: string;
  position: number;
  kind: "task" | "workflow" | "timer" | "signal" | "deadline";
  /** Index into `tasks` or `workflows` for children. */
  child?: number;
  signalName?: string | null;
  /** Fire in this many ms from the database's now() (timers, timeouts, deadline). */
  delayMs?: number | null;
}

/** Everything one step writes. */
export interface StepCommit {
  id: string;
  workerId: string;
  attempt: number;
  /** `wake_seq` as loaded by the step. */
  wakeSeq: number;
  delivered: string[];
  consumed: { id: number; handle: string }[];
  cancelled: string[];
  tasks: NewExecution[];
  workflows: NewWorkflow[];
  handles: NewHandle[];
  logs: { level: string; message: string }[];
  outcome: StepOutcome;
  /** JSON text of the step event's data. */
  event: string;
  /** JSON text of the step span's trace carrier, saved on the children it starts; or null. */
  traceContext: string | null;
  /** Tasks to start on this worker: honoured by the one-statement path only. */
  local?: LocalStart;
}

/** What a committed step did. */
export interface CommitResult {
  /** The execution's new status. */
  status: string;
  /** Ids of the tasks started under this worker's lease (`local`), else empty. */
  started: string[];
  /** The workflow is suspended waiting on task handles only (see `workflow-suspend.ts`). */
  tasksOnly: boolean;
}

/**
 * Commits a step; returns what it did, or null when the lease was lost (nothing written).
 *
 * @example
 * ```ts
 * const result = await commitStep(db, commit);
 * if (result === null) logger("warn", "lease lost: step discarded");
 * ```
 */
export async function commitStep(db: Db, c: StepCommit): Promise<CommitResult | null> {
  if (c.outcome.status === "suspended" && isSimple(c)) {
    return await writeSuspendedStep(db, { ...c, snapshot: c.outcome.snapshot });
  }
  const status = await commitOther(db, c);
  return status === null ? null : { status, started: [], tasksOnly: false };
}

/** Tells whether `commitStep` takes the one-statement path that can start tasks locally. */
export function startsLocally(c: Omit<StepCommit, "local">): boolean {
  return c.outcome.status === "suspended" && isSimple(c);
}

function commitOther(db: Db, c: StepCommit): Promise<string | null> {
  if (c.outcome.status !== "suspended" && startsNothing(c)) {
    const o = c.outcome;
    return writeFinishedStep(db, {
      ...c,
      status: o.status,
      output: o.status === "completed" ? o.output : null,
      error: o.status === "failed" ? o.error : null,
    });
  }
  return db.transaction(async (tx) => {
    const held = await tx.query(
      `select 1 from executions
        where id = $1 and status = 'running' and worker_id = $2 and attempts = $3
          and set_config('synchronous_commit', 'off', true) is not null
        for update`,
      [c.id, c.workerId, c.attempt],
    );
    if (held.length === 0) return null;
    await settleDelivered(tx, c);
    if (c.cancelled.length > 0) await cancelHandles(tx, c.id, c.cancelled);
    await insertOutbox(tx, c);
    if (c.logs.length > 0) await insertLogs(tx, c);
    return await writeOutcome(tx, c.id, c.workerId, c.outcome, c.event);
  });
}

/** No cancellations, no child workflows, no idempotency keys: the one-statement path. */
function isSimple(c: Omit<StepCommit, "local">): boolean {
  return c.cancelled.length === 0 && c.workflows.length === 0 &&
    c.tasks.every((t) => t.idempotencyKey === null && t.runAtMs === null && t.delayMs === 0);
}

/**
 * A last step that starts and cancels nothing: the one-statement finish (also an inline chain's
 * finishing checkpoint).
 *
 * @example
 * ```ts
 * if (startsNothing(outbox)) finishInOneStatement();
 * ```
 */
export function startsNothing(
  c: Pick<StepCommit, "cancelled" | "workflows" | "tasks" | "handles">,
): boolean {
  return c.cancelled.length === 0 && c.workflows.length === 0 && c.tasks.length === 0 &&
    c.handles.length === 0;
}

async function settleDelivered(tx: Queryable, c: StepCommit): Promise<void> {
  if (c.delivered.length > 0) {
    await tx.query("delete from workflow_handles where workflow_id = $1 and handle = any($2)", [
      c.id,
      c.delivered,
    ]);
  }
  if (c.consumed.length > 0) {
    await tx.query(
      `update signals s set consumed_at = now(), handle = t.handle
         from unnest($1::bigint[], $2::text[]) as t(id, handle) where s.id = t.id`,
      [c.consumed.map((s) => s.id), c.consumed.map((s) => s.handle)],
    );
  }
}

const cancelSql = `
with gone as (
  delete from workflow_handles where workflow_id = $1 and handle = any($2::text[])
  returning kind, child_id
),
tasks as (
  update executions e set status = 'cancelled', finished_at = now(), updated_at = now()
    from gone where e.id = gone.child_id and gone.kind = 'task' and e.status = 'pending'
  returning e.id, e.attempts
),
event as (
  insert into events (execution_id, type, attempt, data)
  select id, 'cancelled', attempts, json_build_object('reason', 'lost a race') from tasks
)
select child_id as id from gone where kind = 'workflow'`;

/** Losers of a race: timers and waits vanish, unclaimed tasks and child workflows are cancelled. */
async function cancelHandles(tx: Queryable, id: string, handles: string[]): Promise<void> {
  const workflows = await tx.query<{ id: string }>(cancelSql, [id, handles]);
  for (const w of workflows) await cancelExecutions(tx, w.id, "lost a race");
}

async function insertOutbox(tx: Queryable, c: StepCommit): Promise<void> {
  const tasks = await insertExecutions(tx, c.tasks);
  const workflows = await insertWorkflows(tx, c.workflows);
  await saveTraceContext(tx, c);
  if (c.handles.length === 0) return;
  const childId = (h: NewHandle) =>
    h.child === undefined ? null : (h.kind === "task" ? tasks : workflows)[h.child].id;
  const result = (h: NewHandle) =>
    h.kind === "workflow" && !workflows[h.child!].known ? unknownWorkflow(c, h) : null;
  await tx.query(
    `insert into workflow_handles (workflow_id, handle, position, kind, child_id, signal_name,
                                   fire_at, result)
     select $1, t.handle, t.position, t.kind, t.child_id, t.signal_name,
            now() + t.delay_ms * interval '1 millisecond', t.result::json
       from unnest($2::text[], $3::int[], $4::text[], $5::uuid[], $6::text[], $7::float8[],
                   $8::text[]) as t(handle, position, kind, child_id, signal_name, delay_ms, result)
     on conflict do nothing`,
    [
      c.id,
      c.handles.map((h) => h.handle),
      c.handles.map((h) => h.position),
      c.handles.map((h) => h.kind),
      c.handles.map(childId),
      c.handles.map((h) => h.signalName ?? null),
      c.handles.map((h) => h.delayMs ?? null),
      c.handles.map(result),
    ],
  );
}

/** The step's trace carrier on the children it inserted (not on idempotent matches). */
async function saveTraceContext(tx: Queryable, c: StepCommit): Promise<void> {
  const ids = [...c.tasks.map((t) => t.id), ...c.workflows.map((w) => w.id)];
  if (c.traceContext === null || ids.length === 0) return;
  await tx.query(
    "update executions set trace_context = $2::text::json where id = any($1::uuid[])",
    [ids, c.traceContext],
  );
}

function unknownWorkflow(c: StepCommit, h: NewHandle): string {
  const name = c.workflows[h.child!].name;
  const cause = { name: "Error", message: `no workflow named "${name}" is registered` };
  const error = {
    name: "WorkflowError",
    message: `workflow "${name}" failed: ${cause.message}`,
    workflow: name,
    cause,
  };
  return JSON.stringify({ ok: false, error });
}

async function insertLogs(tx: Queryable, c: StepCommit): Promise<void> {
  await tx.query(
    `insert into events (execution_id, type, attempt, worker_id, data)
     select $1, 'log', $2, $3, json_build_object('level', t.level, 'message', t.message)
       from unnest($4::text[], $5::text[]) with ordinality as t(level, message, n) order by n`,
    [c.id, c.attempt, c.workerId, c.logs.map((l) => l.level), c.logs.map((l) => l.message)],
  );
}
