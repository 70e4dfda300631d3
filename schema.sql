CREATE SCHEMA rhythm;

CREATE FUNCTION rhythm.claim_executions(queues text[], names text[], max_rows integer, worker uuid, lease_ms integer, workflows boolean) RETURNS TABLE(id uuid, kind text, name text, queue text, inputs text, priority integer, attempt integer, max_attempts integer, retry text, timeout_ms integer, trace_context text, first_step text, waited_ms double precision)
    LANGUAGE plpgsql
    SET plan_cache_mode TO 'force_generic_plan'
    AS $$
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

CREATE FUNCTION rhythm.delete_execution_events() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
begin
  delete from events where execution_id in (select id from deleted_executions);
  return null;
end $$;

CREATE FUNCTION rhythm.notify_ready(queue text, run_at timestamp with time zone) RETURNS void
    LANGUAGE sql
    AS $$
  select pg_notify(
    'rhythm:' || current_schema(),
    json_build_object('queue', queue, 'at', floor(extract(epoch from run_at) * 1000))::text
  )
$$;

CREATE FUNCTION rhythm.wake_waiting_workflows() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
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

CREATE TABLE rhythm.events (
    id bigint NOT NULL,
    execution_id uuid NOT NULL,
    type text NOT NULL,
    at timestamp with time zone DEFAULT now() NOT NULL,
    attempt integer,
    worker_id uuid,
    data json
);

ALTER TABLE rhythm.events ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME rhythm.events_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE rhythm.executions (
    id uuid NOT NULL,
    kind text DEFAULT 'task'::text NOT NULL,
    name text NOT NULL,
    queue text DEFAULT 'default'::text NOT NULL,
    status text DEFAULT 'pending'::text NOT NULL,
    inputs json NOT NULL,
    output json,
    error json,
    parent_id uuid,
    version text,
    priority integer DEFAULT 0 NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    max_attempts integer DEFAULT 3 NOT NULL,
    retry json,
    timeout_ms integer,
    run_at timestamp with time zone DEFAULT now() NOT NULL,
    lease_until timestamp with time zone,
    worker_id uuid,
    idempotency_key text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    started_at timestamp with time zone,
    finished_at timestamp with time zone,
    wake_seq integer DEFAULT 0 NOT NULL,
    trace_context json,
    CONSTRAINT executions_kind_check CHECK ((kind = ANY (ARRAY['task'::text, 'workflow'::text]))),
    CONSTRAINT executions_max_attempts_check CHECK ((max_attempts >= 1)),
    CONSTRAINT executions_status_check CHECK ((status = ANY (ARRAY['pending'::text, 'running'::text, 'suspended'::text, 'completed'::text, 'failed'::text, 'cancelled'::text]))),
    CONSTRAINT executions_timeout_ms_check CHECK ((timeout_ms > 0))
);

CREATE TABLE rhythm.migrations (
    id integer NOT NULL,
    name text NOT NULL,
    applied_at timestamp with time zone DEFAULT now() NOT NULL
);

CREATE TABLE rhythm.signals (
    id bigint NOT NULL,
    execution_id uuid NOT NULL,
    name text NOT NULL,
    payload json NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    consumed_at timestamp with time zone,
    handle text
);

ALTER TABLE rhythm.signals ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME rhythm.signals_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE rhythm.workers (
    id uuid NOT NULL,
    name text NOT NULL,
    queues text[] NOT NULL,
    tasks text[] NOT NULL,
    concurrency integer NOT NULL,
    started_at timestamp with time zone DEFAULT now() NOT NULL,
    heartbeat_at timestamp with time zone DEFAULT now() NOT NULL,
    stopped_at timestamp with time zone
);

CREATE TABLE rhythm.workflow_definitions (
    name text NOT NULL,
    version text NOT NULL,
    source text NOT NULL,
    compiled json NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);

CREATE TABLE rhythm.workflow_handles (
    workflow_id uuid NOT NULL,
    handle text NOT NULL,
    "position" integer NOT NULL,
    kind text NOT NULL,
    child_id uuid,
    signal_name text,
    fire_at timestamp with time zone,
    result json,
    CONSTRAINT workflow_handles_kind_check CHECK ((kind = ANY (ARRAY['task'::text, 'workflow'::text, 'timer'::text, 'signal'::text, 'deadline'::text])))
);

CREATE TABLE rhythm.workflow_state (
    execution_id uuid NOT NULL,
    snapshot json NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL
);

CREATE TABLE rhythm.workflows (
    name text NOT NULL,
    version text NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL
);

ALTER TABLE ONLY rhythm.executions
    ADD CONSTRAINT executions_pkey PRIMARY KEY (id);

ALTER TABLE ONLY rhythm.migrations
    ADD CONSTRAINT migrations_pkey PRIMARY KEY (id);

ALTER TABLE ONLY rhythm.signals
    ADD CONSTRAINT signals_pkey PRIMARY KEY (id);

ALTER TABLE ONLY rhythm.workers
    ADD CONSTRAINT workers_pkey PRIMARY KEY (id);

ALTER TABLE ONLY rhythm.workflow_definitions
    ADD CONSTRAINT workflow_definitions_pkey PRIMARY KEY (name, version);

ALTER TABLE ONLY rhythm.workflow_handles
    ADD CONSTRAINT workflow_handles_pkey PRIMARY KEY (workflow_id, handle);

ALTER TABLE ONLY rhythm.workflow_state
    ADD CONSTRAINT workflow_state_pkey PRIMARY KEY (execution_id);

ALTER TABLE ONLY rhythm.workflows
    ADD CONSTRAINT workflows_pkey PRIMARY KEY (name);

CREATE INDEX events_execution ON rhythm.events USING btree (execution_id, id);

CREATE INDEX executions_due ON rhythm.executions USING btree (run_at) WHERE (status = 'suspended'::text);

CREATE UNIQUE INDEX executions_idempotency ON rhythm.executions USING btree (name, idempotency_key) WHERE (idempotency_key IS NOT NULL);

CREATE INDEX executions_leases ON rhythm.executions USING btree (lease_until) WHERE (status = 'running'::text);

CREATE INDEX executions_parent ON rhythm.executions USING btree (parent_id) WHERE (parent_id IS NOT NULL);

CREATE INDEX executions_ready ON rhythm.executions USING btree (queue, priority DESC, run_at, id) WHERE (status = 'pending'::text);

CREATE INDEX signals_pending ON rhythm.signals USING btree (execution_id, name, id) WHERE (consumed_at IS NULL);

CREATE INDEX workflow_handles_child ON rhythm.workflow_handles USING btree (child_id) WHERE (child_id IS NOT NULL);

CREATE TRIGGER executions_delete_events AFTER DELETE ON rhythm.executions REFERENCING OLD TABLE AS deleted_executions FOR EACH STATEMENT EXECUTE FUNCTION rhythm.delete_execution_events();

CREATE TRIGGER executions_wake_waiters AFTER UPDATE OF status ON rhythm.executions FOR EACH ROW WHEN (((new.status = ANY (ARRAY['completed'::text, 'failed'::text, 'cancelled'::text])) AND (old.status <> ALL (ARRAY['completed'::text, 'failed'::text, 'cancelled'::text])) AND ((new.parent_id IS NOT NULL) OR (new.idempotency_key IS NOT NULL)))) EXECUTE FUNCTION rhythm.wake_waiting_workflows();

ALTER TABLE ONLY rhythm.executions
    ADD CONSTRAINT executions_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES rhythm.executions(id) ON DELETE CASCADE;

ALTER TABLE ONLY rhythm.signals
    ADD CONSTRAINT signals_execution_id_fkey FOREIGN KEY (execution_id) REFERENCES rhythm.executions(id) ON DELETE CASCADE;

ALTER TABLE ONLY rhythm.workflow_handles
    ADD CONSTRAINT workflow_handles_workflow_id_fkey FOREIGN KEY (workflow_id) REFERENCES rhythm.executions(id) ON DELETE CASCADE;

ALTER TABLE ONLY rhythm.workflow_state
    ADD CONSTRAINT workflow_state_execution_id_fkey FOREIGN KEY (execution_id) REFERENCES rhythm.executions(id) ON DELETE CASCADE;

ALTER TABLE ONLY rhythm.workflows
    ADD CONSTRAINT workflows_name_version_fkey FOREIGN KEY (name, version) REFERENCES rhythm.workflow_definitions(name, version);
