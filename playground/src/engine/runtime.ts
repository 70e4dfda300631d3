/**
 * The contract between the engine's Web Worker and what runs flows inside it (the Rhythm
 * engine on PGlite, `engine-runtime.ts`). The page never sees it directly: it talks to the
 * worker through `InBrowserSource`.
 * @module
 */
import type { MockTask } from "../mocks.ts";
import type { Execution, ExecutionEvent, ExecutionFilter } from "../source/types.ts";
import type { ClockAction, ClockState } from "./protocol.ts";

/** Everything one run needs, as the page sends it. */
export interface RunRequest {
  /** Name of the workflow to start. */
  workflow: string;
  /** Sources of every workflow by name (the started one and its sub-workflows). */
  workflows: Record<string, string>;
  tasks: MockTask[];
  inputs: unknown;
}

/** Runs flows and reads back what happened, on a virtual clock. */
export interface Runtime {
  /** Shown in the status bar. */
  readonly description: string;
  /** Registers the workflows and mock tasks, starts the workflow, and returns its id. */
  start(request: RunRequest): Promise<string>;
  signal(id: string, name: string, payload: unknown): Promise<void>;
  cancel(id: string): Promise<void>;
  list(filter?: ExecutionFilter): Promise<Execution[]>;
  get(id: string): Promise<Execution>;
  events(id: string): Promise<ExecutionEvent[]>;
  /** Calls `listener` after anything changed; returns the unsubscribe. */
  onChange(listener: () => void): () => void;
  controlClock(action: ClockAction): Promise<ClockState>;
  onClock(listener: (state: ClockState) => void): () => void;
}
