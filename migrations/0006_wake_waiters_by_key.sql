-- The trigger that wakes the workflows waiting on a finished child (0003) looked them up with
-- `executions.id in (select … from workflow_handles …)`, which its cached plan ran as a scan of
-- `executions` for every finished child (a cost that grew with the table), even for the many
-- children nobody waits on any more (inline chains delete the handle in the statement that
-- completes the child). It now reads the waiters from `workflow_handles` first (by its child
-- index), returns at once when there are none, and locks and updates them by primary key.
-- Same behaviour: waiters locked in id order, `wake_seq` bumped once per finished child, a
-- `suspended` waiter set `pending` with a NOTIFY to its queue.
create or replace function wake_waiting_workflows() returns trigger
language plpgsql as $$
declare
  waiters uuid[];
  woken integer;
begin
  select array_agg(h.workflow_id) into waiters
    from workflow_handles h where h.child_id = new.id;
  if waiters is null then
    return null;
  end if;
  perform 1 from executions w where w.id = any(waiters) order by w.id for update;
  with bumped as (
    update executions w
       set wake_seq = w.wake_seq + 1,
           status = case when w.status = 'suspended' then 'pending' else w.status end,
           run_at = case when w.status = 'suspended' then now() else w.run_at end,
           updated_at = now()
     where w.id = any(waiters) and w.status in ('pending', 'running', 'suspended')
    returning w.queue, w.status
  )
  select count(notify_ready(q.queue, now())) into woken
    from (select distinct queue from bumped where status = 'pending') q;
  return null;
end $$;
