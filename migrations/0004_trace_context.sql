-- Trace propagation from a workflow to the work it starts.
--
-- Invariant: `trace_context` is the W3C trace carrier (`{"traceparent": "00-…", "tracestate"?}`)
-- of the workflow step span that inserted the row (a child task or child workflow), or null
-- (started from outside a workflow, or no tracer was set up). A task attempt's span and a child
-- workflow's first step span take it as their parent, so they join the workflow's trace.
alter table executions add column trace_context json;
