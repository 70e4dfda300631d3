/**
 * The in-browser data source: a Web Worker running PGlite, the runtime and the virtual clock
 * (`engine/engine.worker.ts`). Besides the inspector's reads it starts runs and drives the
 * clock, which only the playground can do.
 * @module
 */
import type { BootOptions } from "../engine/runtime-select.ts";
import type { RunRequest } from "../engine/runtime.ts";
import {
  type BootInfo,
  type ClockAction,
  type ClockState,
  type EngineNotice,
  type EngineResponse,
  isResponse,
} from "../engine/protocol.ts";
import type { DataSource, Execution, ExecutionEvent, ExecutionFilter } from "./types.ts";

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

/**
 * The playground's engine, reached through its Web Worker.
 * @example
 * ```ts
 * const source = new InBrowserSource();
 * await source.boot();
 * const id = await source.start({ workflow: "hello", workflows: { hello: "return 1" }, tasks: [], inputs: {} });
 * ```
 */
export class InBrowserSource implements DataSource {
  readonly label = "in-browser PGlite";
  #worker: Worker;
  #nextId = 0;
  #pending = new Map<number, Pending>();
  #changeListeners = new Set<() => void>();
  #clockListeners = new Set<(state: ClockState) => void>();

  constructor() {
    this.#worker = new Worker(new URL("../engine/engine.worker.ts", import.meta.url), {
      type: "module",
      name: "rhythm-engine",
    });
    this.#worker.onmessage = (event: MessageEvent<EngineResponse | EngineNotice>) =>
      this.#receive(event.data);
    this.#worker.onerror = (event) => {
      const error = new Error(`the engine worker crashed: ${event.message}`);
      for (const pending of this.#pending.values()) pending.reject(error);
      this.#pending.clear();
    };
  }

  boot(options: BootOptions = {}): Promise<BootInfo> {
    return this.#call("boot", options) as Promise<BootInfo>;
  }

  start(request: RunRequest): Promise<string> {
    return this.#call("start", request) as Promise<string>;
  }

  clock(action: ClockAction): Promise<ClockState> {
    return this.#call("clock", action) as Promise<ClockState>;
  }

  onClock(listener: (state: ClockState) => void): () => void {
    this.#clockListeners.add(listener);
    return () => this.#clockListeners.delete(listener);
  }

  listExecutions(filter?: ExecutionFilter): Promise<Execution[]> {
    return this.#call("list", filter ?? {}) as Promise<Execution[]>;
  }

  getExecution(id: string): Promise<Execution> {
    return this.#call("get", id) as Promise<Execution>;
  }

  listEvents(id: string): Promise<ExecutionEvent[]> {
    return this.#call("events", id) as Promise<ExecutionEvent[]>;
  }

  async sendSignal(id: string, name: string, payload: unknown): Promise<void> {
    await this.#call("signal", id, name, payload);
  }

  async cancel(id: string): Promise<void> {
    await this.#call("cancel", id);
  }

  subscribe(onChange: () => void): () => void {
    this.#changeListeners.add(onChange);
    return () => this.#changeListeners.delete(onChange);
  }

  #call(method: string, ...args: unknown[]): Promise<unknown> {
    const id = ++this.#nextId;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ id, method, args });
    });
  }

  #receive(message: EngineResponse | EngineNotice): void {
    if (!isResponse(message)) {
      if (message.notice === "changed") {
        for (const listener of this.#changeListeners) listener();
      }
      if (message.notice === "clock") {
        for (const listener of this.#clockListeners) listener(message.state);
      }
      return;
    }
    const pending = this.#pending.get(message.id);
    if (!pending) return;
    this.#pending.delete(message.id);
    if (message.error) {
      pending.reject(Object.assign(new Error(message.error.message), { name: message.error.name }));
    } else pending.resolve(message.result);
  }
}
