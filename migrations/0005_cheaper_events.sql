-- Cheaper event rows on the queue's hot path (issue 4). Every claim, completion and enqueue writes
-- one `events` row per execution; two costs of each row are dropped:
--
--   * the foreign key to executions: its check (a `for key share` lookup of the execution, per
--     row) was a quarter of the claim and a third of the completion statement's server time.
--     Every event is inserted by the same statement that inserts or updates its execution (a CTE
--     over the rows it returned), so the reference holds by construction. What the foreign key
--     also did, cascade deletes, is kept by the statement-level trigger below;
--   * the primary key on `events.id`: nothing looks an event up by id alone (reads go through
--     `events_execution (execution_id, id)`), and the identity column already numbers every row
--     uniquely (`generated always`), so the extra index insert per row bought nothing.
--
-- Invariant (unchanged): deleting an execution deletes its events. TRUNCATE does not fire delete
-- triggers: truncate `events` together with `executions`.

alter table events drop constraint events_execution_id_fkey;
alter table events drop constraint events_pkey;

create function delete_execution_events() returns trigger
language plpgsql as $$
begin
  delete from events where execution_id in (select id from deleted_executions);
  return null;
end $$;

create trigger executions_delete_events
  after delete on executions
  referencing old table as deleted_executions
  for each statement
  execute function delete_execution_events();
