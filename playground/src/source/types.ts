/**
 * What the inspector shows, independent of where it comes from: the in-browser engine
 * (`InBrowserSource`, a Web Worker running PGlite and the worker loop) or a deployment's
 * HTTP API (`HttpSource`, issue 6). The inspector only ever talks to a {@link DataSource}.
 * @module
 */

import type { ExecutionStatus } from "../../../worker/execution.ts";

/** Lifecycle of an execution: the engine's own type. */
export type { ExecutionStatus };

/** A serialisable failure: `name`, `message`, and the `.flow` line when known. */
export interface ExecutionError {
  name: string;
  message: string;
  line?: number;
  [key: string]: unknown;
}

/** One task or workflow execution as the inspector lists it. */
export interface Execution {
  id: string;
  kind: "workflow" | "task";
  name: string;
  status: ExecutionStatus;
  parent: string | null;
  inputs: unknown;
  output?: unknown;
  error?: ExecutionError | null;
  attempts: number;
  /** Milliseconds since the epoch (virtual time in the playground). */
  createdAt: number;
  updatedAt: number;
  /** Where a suspended workflow waits (or where it failed): `.flow` line and what for. */
  waiting?: { line?: number; on: string } | null;
  /** The workflow source (version) this execution runs, when the source knows it. */
  source?: string;
}

/** Kinds of timeline events; unknown kinds from an HTTP API are shown as they come. */
export type EventType =
  | "workflow.started"
  | "step.committed"
  | "task.started"
  | "task.retried"
  | "task.completed"
  | "task.failed"
  | "timer.set"
  | "timer.fired"
  | "signal.waiting"
  | "signal.received"
  | "signal.sent"
  | "child.started"
  | "log"
  | "workflow.completed"
  | "workflow.failed"
  | "workflow.cancelled"
  | (string & Record<never, never>);

/** One entry of an execution's history. */
export interface ExecutionEvent {
  seq: number;
  execution: string;
  type: EventType;
  /** Milliseconds since the epoch (virtual time in the playground). */
  at: number;
  /** `.flow` line the event refers to, when known. */
  line?: number;
  data?: unknown;
  /** The workflow's variables after this step, when the source records them. */
  snapshot?: unknown;
}

/** Filters of {@link DataSource.listExecutions}. */
export interface ExecutionFilter {
  status?: ExecutionStatus;
  name?: string;
  kind?: "workflow" | "task";
  limit?: number;
}

/** Where the inspector reads executions and sends signals and cancellations. */
export interface DataSource {
  /** Shown in the header: "in-browser PGlite" or the API's address. */
  readonly label: string;
  listExecutions(filter?: ExecutionFilter): Promise<Execution[]>;
  getExecution(id: string): Promise<Execution>;
  listEvents(id: string): Promise<ExecutionEvent[]>;
  sendSignal(id: string, name: string, payload: unknown): Promise<void>;
  cancel(id: string): Promise<void>;
  /** Calls `onChange` whenever something may have changed; returns the unsubscribe. */
  subscribe(onChange: () => void): () => void;
}
