/**
 * Rhythm's engine as a library: the same API in Deno, Node and the browser.
 *
 * ```ts
 * import { connect, createWorker, defineTask, migrate, queueTask, waitForExecution } from "./worker/mod.ts";
 *
 * const db = await connect(); // in-memory PGlite; or a postgres:// URL
 * await migrate(db);
 * const greet = defineTask("greet", (input: { name: string }) => `hello ${input.name}`);
 * const worker = createWorker(db, { tasks: [greet] });
 * await worker.start();
 * const id = await queueTask(db, greet, { name: "Ada" });
 * console.log((await waitForExecution(db, id)).output); // "hello Ada"
 * await worker.stop();
 * await db.close();
 * ```
 *
 * @module
 */
export { connect, type ConnectOptions, redact } from "./connect.ts";
export { channelOf, DEFAULT_SCHEMA } from "./db/driver.ts";
export type { Db, ListenOptions, NotifyHandler, Queryable } from "./db/driver.ts";
export { migrate, type MigrateResult } from "./migrate.ts";
export {
  defineTask,
  isTaskDefinition,
  type RetryOptions,
  type TaskContext,
  type TaskDefinition,
  type TaskFunction,
  type TaskOptions,
  type TaskRegistry,
  toTaskRegistry,
} from "./tasks.ts";
export {
  cancelExecution,
  getExecution,
  getExecutionEvents,
  listExecutions,
  type QueueItem,
  type QueueOptions,
  queueTask,
  queueTasks,
  waitForExecution,
  type WaitOptions,
} from "./client.ts";
export type { ExecutionEvent, ExecutionFilter } from "./queries/read.ts";
export { type Execution, type ExecutionStatus, FINAL_STATUSES } from "./execution.ts";
export { createWorker, type Worker, type WorkerOptions } from "./worker.ts";
export { consoleLogger, type Logger, type LogLevel, silentLogger } from "./logger.ts";
export {
  CancelledError,
  ExecutionNotFoundError,
  LeaseLostError,
  NonRetryableError,
  PayloadTooDeepError,
  PayloadTooLargeError,
  type SerializedError,
  TimeoutError,
  WorkerShutdownError,
} from "./errors.ts";
export { DEFAULT_PAYLOAD_LIMIT, MAX_PAYLOAD_DEPTH } from "./payload.ts";
export {
  formatDiagnostics,
  type RegisteredWorkflow,
  type RegisterResult,
  registerWorkflows,
  type RejectedWorkflow,
} from "./workflows/definitions.ts";
export {
  listWorkflows,
  sendSignal,
  SignalRejectedError,
  startWorkflow,
  type StartWorkflowOptions,
  WorkflowNotFoundError,
} from "./workflows/client.ts";
export type { CurrentWorkflow } from "./queries/workflow-definitions.ts";
export type { WorkflowOptions } from "./workflows/engine.ts";
