/**
 * Executions and events kept in memory, for the fallback runtimes (the real engine keeps
 * them in PGlite). Filters and ordering match what the inspector expects from any source.
 * @module
 */
import type {
  Execution,
  ExecutionEvent,
  ExecutionFilter,
  ExecutionStatus,
} from "../source/types.ts";

/**
 * A list of executions with their events and change listeners.
 * @example
 * ```ts
 * const store = new MemoryStore(() => Date.now());
 * const run = store.create({ kind: "workflow", name: "hello", inputs: {}, parent: null });
 * store.event(run.id, "workflow.started");
 * store.update(run.id, { status: "completed", output: 1 });
 * ```
 */
export class MemoryStore {
  #now: () => number;
  #executions = new Map<string, Execution>();
  #events: ExecutionEvent[] = [];
  #listeners = new Set<() => void>();
  #ids = 0;
  #seq = 0;
  #scheduled = false;

  constructor(now: () => number) {
    this.#now = now;
  }

  create(fields: Pick<Execution, "kind" | "name" | "inputs" | "parent"> & Partial<Execution>) {
    const at = this.#now();
    const id = `${fields.kind === "task" ? "t" : "w"}-${(++this.#ids).toString().padStart(4, "0")}`;
    const execution: Execution = {
      id,
      status: "pending",
      attempts: 0,
      createdAt: at,
      updatedAt: at,
      ...fields,
    };
    this.#executions.set(id, execution);
    this.#changed();
    return execution;
  }

  update(id: string, fields: Partial<Execution>): Execution {
    const execution = this.get(id);
    Object.assign(execution, fields, { updatedAt: this.#now() });
    this.#changed();
    return execution;
  }

  get(id: string): Execution {
    const execution = this.#executions.get(id);
    if (!execution) throw new Error(`no execution with id ${JSON.stringify(id)}`);
    return execution;
  }

  list(filter: ExecutionFilter = {}): Execution[] {
    const matches = [...this.#executions.values()].filter((e) =>
      (!filter.status || e.status === filter.status) && (!filter.name || e.name === filter.name)
    );
    return matches.reverse().slice(0, filter.limit ?? 200);
  }

  event(execution: string, type: string, extra: Partial<ExecutionEvent> = {}): void {
    this.#events.push({ seq: ++this.#seq, execution, type, at: this.#now(), ...extra });
    this.#changed();
  }

  events(execution: string): ExecutionEvent[] {
    return this.#events.filter((e) => e.execution === execution);
  }

  isFinished(status: ExecutionStatus): boolean {
    return status === "completed" || status === "failed" || status === "cancelled";
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Coalesces bursts of changes into one notification per macrotask. */
  #changed(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setTimeout(() => {
      this.#scheduled = false;
      for (const listener of this.#listeners) listener();
    }, 0);
  }
}
