-- The claim statement as a function, so that its plan is made once per connection (issue 4).
--
-- Sent as a prepared statement, the claim was planned again on most runs (0.3–3 ms for a batch
-- of 1,000; `pg_prepared_statements` after a drain: 0 generic plans, 31 custom): the plan cache
-- compares a generic plan's estimated cost with the custom plans', and the generic one,
-- estimating 10 queues for `unnest($1)` instead of 1, mostly looked dearer. It is the same plan
-- (one ordered walk of `executions_ready` per queue, row locks, an update of the locked rows by
-- primary key), so this function forces it: PL/pgSQL keeps one prepared plan per statement per
-- connection, and `plan_cache_mode` set on the function applies to the statements inside it
-- only.
--
-- Invariants (as before, see worker/queries/claim.ts): only `pending` rows whose `run_at` has
-- come, in the worker's queues and with a name the worker can run (any workflow when
-- `workflows` is set, plus `suspended` workflows whose deadline has come, see 0003); highest
-- priority first, then oldest `run_at`, then id; rows locked by a concurrent claim are skipped
-- (`for update skip locked`). Each claim increments `attempts`, sets the lease (`worker_id`,
-- `lease_until`) and writes a `started` event; `(worker_id, attempts)` fences every later change.
-- A workflow's first claim also returns its version, start time and `wake_seq` (`first_step`).
--
-- The rows come back in claim order.
--
-- Not done: updating the locked rows by `ctid` (a TID scan instead of a primary-key descent per
-- row) measured no difference in server CPU per task, and a row changed concurrently after the
-- statement's snapshot would be locked but not updated.

create function claim_executions(
  queues text[],
  names text[],
  max_rows integer,
  worker uuid,
  lease_ms integer,
  workflows boolean
) returns table (
  id uuid,
  kind text,
  name text,
  queue text,
  inputs text,
  priority integer,
  attempt integer,
  max_attempts integer,
  retry text,
  timeout_ms integer,
  trace_context text,
  first_step text,
  waited_ms float8
)
language plpgsql
set plan_cache_mode = force_generic_plan
as $$
#variable_conflict use_column
begin
  return query
  with next as (
    -- One ordered scan of executions_ready per queue (a plain "queue = any(…)" would read and
    -- sort every pending row), then the best `max_rows` over all queues. Rows a queue's scan
    -- locked but the outer limit dropped stay locked only until this transaction ends.
    select c.id, c.priority, c.run_at from unnest(queues) as q(queue)
    cross join lateral (
      select e.id, e.priority, e.run_at from executions e
       where e.queue = q.queue and e.status = 'pending' and e.run_at <= now()
         and ((e.kind = 'task' and e.name = any(names)) or (e.kind = 'workflow' and workflows))
       order by e.priority desc, e.run_at, e.id
       limit max_rows
       for update skip locked
    ) c
    order by c.priority desc, c.run_at, c.id
    limit max_rows
  ),
  due as (
    select e.id from executions e
     where workflows and e.status = 'suspended' and e.run_at <= now() and e.queue = any(queues)
     order by e.run_at
     limit greatest(0, max_rows - (select count(*) from next))
     for update skip locked
  ),
  claimed as (
    update executions e
       set status = 'running', attempts = e.attempts + 1, worker_id = worker,
           lease_until = now() + lease_ms * interval '1 millisecond',
           started_at = coalesce(e.started_at, now()), updated_at = now()
     where e.id = any(array(select id from next union all select id from due)) -- by primary key
    returning e.id, e.kind, e.name, e.queue, e.inputs, e.priority, e.attempts, e.max_attempts,
              e.retry, e.timeout_ms, e.run_at, e.trace_context,
              case when e.kind = 'workflow' and e.attempts = 1
                   then json_build_object('version', e.version, 'startedAt', e.started_at,
                                          'wakeSeq', e.wake_seq)::text end as first_step
  ),
  started as (
    insert into events (execution_id, type, attempt, worker_id)
    select c.id, 'started', c.attempts, worker from claimed c
  )
  select c.id, c.kind, c.name, c.queue, c.inputs::text, c.priority, c.attempts, c.max_attempts,
         c.retry::text, c.timeout_ms, c.trace_context::text, c.first_step,
         greatest(0, date_part('epoch', clock_timestamp() - c.run_at) * 1000)
    from claimed c
   order by c.priority desc, c.run_at, c.id;
end $$;
