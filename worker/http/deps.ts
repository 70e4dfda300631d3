/**
 * What every route module of the HTTP app receives: the database, limits, the metrics registry,
 * the logger, and the workflow operations (which come from the workflow engine).
 *
 * @module
 */
import type { Db } from "../db/driver.ts";
import type { Logger } from "../logger.ts";
import type { MetricsRegistry } from "./metrics.ts";

/** A start request for a workflow or task, after validation. */
export interface StartOptions {
  inputs: unknown;
  queue?: string;
  priority?: number;
  idempotencyKey?: string;
  maxPayloadBytes: number;
}

/** The result of registering a workflow source. */
export type RegisterResult =
  | { ok: true; name: string; version: string; change: "created" | "updated" | "unchanged" }
  | { ok: false; diagnostics: unknown[] };

/**
 * The workflow operations the HTTP app calls. Each is optional: a missing one answers 501
 * (`not_implemented`) instead of guessing.
 */
export interface WorkflowOperations {
  /** Starts workflow `name`; `created` false when the idempotency key was used before. */
  start?(db: Db, name: string, options: StartOptions): Promise<{ id: string; created: boolean }>;
  /** Sends signal `name` to execution `id`. */
  signal?(
    db: Db,
    id: string,
    name: string,
    payload: unknown,
    maxPayloadBytes: number,
  ): Promise<void>;
  /** Compiles and stores `source` as workflow `name`; diagnostics as data when it has errors. */
  register?(db: Db, name: string, source: string): Promise<RegisterResult>;
}

/** Dependencies of the route modules. */
export interface RouteDeps {
  db: Db;
  /** Largest inputs / payload in bytes of JSON. */
  maxPayloadBytes: number;
  metrics: MetricsRegistry;
  logger: Logger;
  /** How often the event stream polls for new events, in ms. */
  ssePollMs: number;
  workflows: WorkflowOperations;
}
