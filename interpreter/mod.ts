/**
 * The `.flow` language, public entry: `compile` (parse + check + compile), `advance`
 * (the pure step function the durable engine runs), `runLocal` (an in-memory host with a
 * virtual clock), `describeState` (a saved state's frames and named variables as plain
 * JSON, for inspectors), the error constructors hosts use, and the shared retry policy.
 *
 * Hashing: `compile` is synchronous; the program's version is the SHA-256 of its source
 * computed by a small pure-JS implementation (`sha256.ts`), identical in Deno, Node and
 * browsers.
 * @module
 */
export {
  compile,
  type CompileFailed,
  type CompileOk,
  type CompileResult,
} from "./compile-source.ts";

export type { Diagnostic, FrontMatter } from "./ast.ts";
export type { CompiledProgram, FunctionCode, ScopeNames, TaskDefaults } from "./compile-context.ts";
export { type DescribedFrame, describeState, type StateDescription } from "./describe-state.ts";
export {
  cancelledError,
  type ErrorValue,
  taskError,
  timeoutError,
  workflowError,
} from "./errors.ts";
export {
  type Backoff,
  DEFAULT_RETRY,
  durationMs,
  resolveRetry,
  retryDelay,
  type RetryPolicy,
  shouldRetry,
} from "./retry.ts";
export { SNAPSHOT_FORMAT, type SnapshotState } from "./snapshot.ts";
export {
  advance,
  type AdvanceInput,
  type AdvanceResult,
  type ExecutionContext,
} from "./vm-advance.ts";
export {
  type Command,
  DEFAULT_LIMITS,
  type Limits,
  type Resolution,
  type TaskOptions,
} from "./vm-state.ts";
export {
  runLocal,
  type RunLocalOptions,
  type RunLocalResult,
  type TaskFunction,
} from "./run-local.ts";
export { sha256 } from "./sha256.ts";
