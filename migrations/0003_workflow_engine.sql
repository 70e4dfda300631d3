-- The durable workflow engine (issue 5): current versions, what suspended workflows wait for,
-- timers becoming due, and the trigger that wakes a workflow when a child finishes.
--
-- Invariants:
--   * a workflow execution (kind 'workflow') is `suspended` while it waits; its `run_at` is then
--     its earliest deadline (a timer, a signal timeout, the workflow timeout) or 'infinity', and
--     the claim query takes suspended rows whose `run_at` has come like pending ones;
--   * every writer that can make a workflow ready (a child finishing, a signal) bumps its
--     `wake_seq` (and sets it `pending` when it is `suspended`); a step remembers the `wake_seq`
--     it loaded and commits `pending` instead of `suspended` when the row's value changed
--     meanwhile, so a result that arrives while a step runs is never lost.

-- What `startWorkflow(name)` runs now. Older versions stay in workflow_definitions for the
-- executions pinned to them.
create table workflows (
  name text primary key,
  version text not null,
  updated_at timestamptz not null default now(),
  foreign key (name, version) references workflow_definitions (name, version)
);

-- One row per unsettled leaf handle of a workflow's VM (a child task or workflow, a timer, a
-- signal wait) plus the workflow's own deadline. Rows are deleted when their result is delivered
-- to the VM or the handle is cancelled.
create table workflow_handles (
  workflow_id uuid not null references executions (id) on delete cascade,
  handle text not null,
  -- creation order of the handle in the VM (signal waits are matched FIFO in this order)
  position integer not null,
  kind text not null check (kind in ('task', 'workflow', 'timer', 'signal', 'deadline')),
  child_id uuid,
  signal_name text,
  -- when a timer fires, a signal wait times out, or the workflow's deadline passes
  fire_at timestamptz,
  -- an outcome known when the handle was created (e.g. an unknown child workflow), as JSON
  result json,
  primary key (workflow_id, handle)
);
create index workflow_handles_child on workflow_handles (child_id) where child_id is not null;

-- Suspended workflows by deadline: the claim query takes the due ones.
create index executions_due on executions (run_at) where status = 'suspended';

alter table signals add column handle text;

-- Bumped by everything that brings a workflow news (see the invariants above).
alter table executions add column wake_seq integer not null default 0;

-- Wakes the workflows waiting on an execution that just finished: each waiter is locked first
-- (ordered, to avoid deadlocks between waiters), its `wake_seq` bumped, and set `pending` if it
-- is `suspended`, with a NOTIFY to its queue. A waiter that is `running` (a step in progress)
-- commits that step as `pending` (see the invariants above).
create function wake_waiting_workflows() returns trigger
language plpgsql as $$
declare
  woken integer;
begin
  perform 1 from executions w
    where w.id in (select h.workflow_id from workflow_handles h where h.child_id = new.id)
    order by w.id
    for update;
  with bumped as (
    update executions w
       set wake_seq = w.wake_seq + 1,
           status = case when w.status = 'suspended' then 'pending' else w.status end,
           run_at = case when w.status = 'suspended' then now() else w.run_at end,
           updated_at = now()
     where w.id in (select h.workflow_id from workflow_handles h where h.child_id = new.id)
       and w.status in ('pending', 'running', 'suspended')
    returning w.queue, w.status
  )
  select count(notify_ready(q.queue, now())) into woken
    from (select distinct queue from bumped where status = 'pending') q;
  return null;
end $$;

create trigger executions_wake_waiters
  after update of status on executions
  for each row
  when (new.status in ('completed', 'failed', 'cancelled')
        and old.status not in ('completed', 'failed', 'cancelled')
        and (new.parent_id is not null or new.idempotency_key is not null))
  execute function wake_waiting_workflows();
