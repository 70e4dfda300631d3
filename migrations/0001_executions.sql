-- Executions: every task (and, later, workflow) run, its state and its lease.
-- Invariants:
--   * status = 'running'  <=> worker_id and lease_until are set (the lease).
--   * attempts counts claims; (worker_id, attempts) is the fencing token of the current lease:
--     every state change by a worker matches both, so a worker that lost its lease changes nothing.
--   * payload columns are json (not jsonb) so object key order round-trips exactly.

create table executions (
  id uuid primary key,
  kind text not null default 'task' check (kind in ('task', 'workflow')),
  name text not null,
  queue text not null default 'default',
  status text not null default 'pending'
    check (status in ('pending', 'running', 'suspended', 'completed', 'failed', 'cancelled')),
  inputs json not null,
  output json,
  error json,
  parent_id uuid references executions (id) on delete cascade,
  version text,
  priority integer not null default 0,
  attempts integer not null default 0,
  max_attempts integer not null default 3 check (max_attempts >= 1),
  retry json,
  timeout_ms integer check (timeout_ms > 0),
  run_at timestamptz not null default now(),
  lease_until timestamptz,
  worker_id uuid,
  idempotency_key text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz
);

-- The claim query walks this index in order: queue, then priority, then time.
create index executions_ready on executions (queue, priority desc, run_at, id)
  where status = 'pending';
-- Reclaiming expired leases.
create index executions_leases on executions (lease_until) where status = 'running';
create index executions_parent on executions (parent_id) where parent_id is not null;
create unique index executions_idempotency on executions (name, idempotency_key)
  where idempotency_key is not null;

-- Append-only history: one row per transition of an execution.
create table events (
  id bigint generated always as identity primary key,
  execution_id uuid not null references executions (id) on delete cascade,
  type text not null,
  at timestamptz not null default now(),
  attempt integer,
  worker_id uuid,
  data json
);
create index events_execution on events (execution_id, id);

-- Live and past worker processes; heartbeat_at is refreshed while the worker runs.
create table workers (
  id uuid primary key,
  name text not null,
  queues text[] not null,
  tasks text[] not null,
  concurrency integer not null,
  started_at timestamptz not null default now(),
  heartbeat_at timestamptz not null default now(),
  stopped_at timestamptz
);

-- Wakes workers listening on 'rhythm:<schema>' for `queue`; `run_at` in the future tells them
-- when to look. Postgres de-duplicates identical notifications within a transaction.
create function notify_ready(queue text, run_at timestamptz) returns void
language sql volatile as $$
  select pg_notify(
    'rhythm:' || current_schema(),
    json_build_object('queue', queue, 'at', floor(extract(epoch from run_at) * 1000))::text
  )
$$;
