-- Tables of durable workflows (issue 5). A sketch shaped by DESIGN.md; reshape freely until the
-- first release.

-- Workflow definitions by name and content hash; executions.version pins one of them.
create table workflow_definitions (
  name text not null,
  version text not null,
  source text not null,
  compiled json not null,
  created_at timestamptz not null default now(),
  primary key (name, version)
);

-- The interpreter snapshot of a workflow execution (json text, order preserved).
create table workflow_state (
  execution_id uuid primary key references executions (id) on delete cascade,
  snapshot json not null,
  updated_at timestamptz not null default now()
);

-- Signals sent to a workflow execution, consumed FIFO by id.
create table signals (
  id bigint generated always as identity primary key,
  execution_id uuid not null references executions (id) on delete cascade,
  name text not null,
  payload json not null,
  created_at timestamptz not null default now(),
  consumed_at timestamptz
);
create index signals_pending on signals (execution_id, name, id) where consumed_at is null;
