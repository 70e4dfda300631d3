/**
 * Snapshots (DESIGN.md "Interpreter"): the live VM state ⇄ plain JSON. Every object,
 * array, scope, closure and handle becomes one heap entry addressed by its index, so
 * shared references and cycles survive; object keys are stored in insertion order as a
 * flat list; NaN, ±Infinity and -0 are encoded. The walk is iterative (no recursion), and
 * only what is reachable from the frames is stored, so the size follows the live state.
 *
 * Encoded value: a JSON scalar, `[id]` (a heap reference), or `{ "$": "NaN" | "Infinity"
 * | "-Infinity" | "-0" }`. Heap entries:
 * `["a", items]` array · `["o", [k1, v1, k2, v2 …]]` object · `["s", parent, vars]` scope ·
 * `["f", fn, env]` closure · `["b", name, namespace]` built-in ·
 * `["h", id, kind, state, value, seq, items, keys, cancelled]` handle ·
 * `["c", type, value, target, handlerDepth, scopeDepth]` finally completion.
 * @module
 */
import { builtinRef } from "./stdlib.ts";
import {
  BuiltinRef,
  Closure,
  Completion,
  Handle,
  type HandleKind,
  type HandleState,
  PENDING,
  Scope,
  VObj,
} from "./values.ts";
import { Frame, Handler, type Status, VM } from "./vm-state.ts";
import type { CompiledProgram } from "./compile-context.ts";
import type { Limits } from "./vm-state.ts";

/** The current snapshot format. Older formats keep loading (golden tests). */
export const SNAPSHOT_FORMAT = 1;

/** An encoded value (see the module comment). */
export type Encoded = null | boolean | number | string | [number] | { $: string };

/** One encoded call frame: function, pc, operand stack, scope, try handlers, barrier. */
export interface EncodedFrame {
  fn: number;
  pc: number;
  stack: Encoded[];
  env: Encoded;
  handlers: [number, number, Encoded, number][];
}

/** A workflow's saved state: plain JSON, never code (the program is named by its hash). */
export interface SnapshotState {
  format: number;
  /** SHA-256 of the program source this state belongs to. */
  program: string;
  status: Status;
  nextHandle: number;
  seq: number;
  inputs: Encoded;
  context: Encoded;
  frames: EncodedFrame[];
  /** The handle the program waits on, when suspended. */
  waiting: Encoded;
  heap: unknown[][];
  /** Final output (plain JSON) of a completed execution. */
  output?: unknown;
  /** Final error (plain JSON) of a failed execution. */
  error?: unknown;
  errorLine?: number | null;
}

/** Encodes a graph of live values into a heap, iteratively. */
class Encoder {
  ids = new Map<object, number>();
  heap: unknown[][] = [];
  todo: object[] = [];

  value(v: unknown): Encoded {
    if (v === null || typeof v === "string" || typeof v === "boolean") return v;
    if (typeof v === "number") {
      if (Number.isFinite(v)) return v === 0 && 1 / v < 0 ? { $: "-0" } : v;
      return { $: String(v) };
    }
    if (typeof v !== "object") return null;
    let id = this.ids.get(v);
    if (id === undefined) {
      id = this.heap.length;
      this.ids.set(v, id);
      this.heap.push([]);
      this.todo.push(v);
    }
    return [id];
  }

  list(a: readonly unknown[]): Encoded[] {
    const out: Encoded[] = new Array(a.length);
    for (let i = 0; i < a.length; i++) out[i] = this.value(a[i]);
    return out;
  }

  drain(): void {
    while (this.todo.length) {
      const v = this.todo.pop()!;
      this.heap[this.ids.get(v)!] = this.entry(v);
    }
  }

  entry(v: object): unknown[] {
    if (Array.isArray(v)) return ["a", this.list(v)];
    if (v instanceof VObj) {
      const flat: unknown[] = [];
      for (const k of Object.keys(v)) flat.push(k, this.value(v[k]));
      return ["o", flat];
    }
    if (v instanceof Scope) return ["s", this.value(v.parent), this.list(v.vars)];
    if (v instanceof Closure) return ["f", v.fn, this.value(v.env)];
    if (v instanceof BuiltinRef) return ["b", v.name, v.namespace ? 1 : 0];
    if (v instanceof Handle) {
      return [
        "h",
        v.id,
        v.kind,
        v.state,
        this.value(v.value),
        v.seq,
        v.items ? this.list(v.items) : null,
        v.keys,
        v.cancelled ? 1 : 0,
      ];
    }
    if (v instanceof Completion) {
      return ["c", v.type, this.value(v.value), v.target, v.handlerDepth, v.scopeDepth];
    }
    return ["o", []];
  }
}

/**
 * Saves a VM's state as plain JSON data.
 * @example
 * ```ts
 * const state = serialize(vm);
 * JSON.parse(JSON.stringify(state)); // the same data
 * ```
 */
export function serialize(vm: VM): SnapshotState {
  const enc = new Encoder();
  const frames = vm.frames.map((f): EncodedFrame => ({
    fn: f.fn,
    pc: f.pc,
    stack: enc.list(f.stack),
    env: enc.value(f.env),
    handlers: (f.handlers ?? []).map((h) => [h.catchPc, h.finallyPc, enc.value(h.env), h.sp]),
  }));
  const state: SnapshotState = {
    format: SNAPSHOT_FORMAT,
    program: vm.program.hash,
    status: vm.status,
    nextHandle: vm.nextHandle,
    seq: vm.seq,
    inputs: enc.value(vm.inputs),
    context: enc.value(vm.context),
    frames,
    waiting: enc.value(vm.waitingOn),
    heap: enc.heap,
  };
  enc.drain();
  return state;
}

/** Rebuilds live values from a heap: shells first, then contents (no recursion). */
class Decoder {
  objects: unknown[];
  heap: unknown[][];
  constructor(heap: unknown[][]) {
    this.heap = heap;
    this.objects = heap.map((e) => shell(e));
    heap.forEach((e, i) => this.fill(e, this.objects[i]));
  }

  value(v: unknown): unknown {
    if (v === null || typeof v !== "object") return v;
    if (Array.isArray(v)) {
      const o = this.objects[v[0] as number];
      if (o === undefined) throw new Error(`snapshot refers to missing heap entry ${v[0]}`);
      return o;
    }
    const s = (v as { $: string }).$;
    return s === "-0" ? -0 : Number(s);
  }

  list(a: unknown): unknown[] {
    return (a as unknown[]).map((v) => this.value(v));
  }

  fill(e: unknown[], o: unknown): void {
    switch (e[0]) {
      case "a":
        for (const v of e[1] as unknown[]) (o as unknown[]).push(this.value(v));
        return;
      case "o": {
        const flat = e[1] as unknown[];
        for (let i = 0; i < flat.length; i += 2) {
          (o as VObj)[flat[i] as string] = this.value(flat[i + 1]);
        }
        return;
      }
      case "s":
        (o as Scope).parent = this.value(e[1]) as Scope | null;
        (o as Scope).vars = this.list(e[2]);
        return;
      case "f":
        (o as Closure).env = this.value(e[2]) as Scope;
        return;
      case "h": {
        const h = o as Handle;
        h.value = this.value(e[4]);
        h.items = e[6] ? this.list(e[6]) : null;
        return;
      }
      case "c":
        (o as Completion).value = this.value(e[2]);
        return;
    }
  }
}

function shell(e: unknown[]): unknown {
  switch (e[0]) {
    case "a":
      return [];
    case "o":
      return new VObj();
    case "s":
      return new Scope(null, []);
    case "f":
      return new Closure(e[1] as number, null as unknown as Scope);
    case "b":
      return builtinRef(e[1] as string, e[2] === 1);
    case "h": {
      const h = new Handle(e[1] as string, e[2] as HandleKind);
      h.state = e[3] as HandleState;
      h.seq = e[5] as number;
      h.keys = e[7] as string[] | null;
      h.cancelled = e[8] === 1;
      return h;
    }
    case "c":
      return new Completion(e[1] as number, null, e[3] as number, e[4] as number, e[5] as number);
    default:
      throw new Error(`snapshot has an unknown heap entry kind ${JSON.stringify(e[0])}`);
  }
}

/**
 * Rebuilds a live VM from a saved state for `program`.
 * Throws when the state is not a snapshot of this program or has an unknown format.
 * @example
 * ```ts
 * const vm = restore(program, JSON.parse(text));
 * ```
 */
export function restore(program: CompiledProgram, state: SnapshotState, limits?: Limits): VM {
  if (!state || typeof state !== "object") throw new Error("snapshot is not an object");
  if (state.format !== SNAPSHOT_FORMAT) {
    throw new Error(
      `snapshot format ${state.format} is not supported (expected ${SNAPSHOT_FORMAT})`,
    );
  }
  if (state.program !== program.hash) {
    throw new Error(`snapshot belongs to program ${state.program}, not ${program.hash}`);
  }
  const dec = new Decoder(state.heap);
  const vm = new VM(program, limits);
  vm.status = state.status;
  vm.nextHandle = state.nextHandle;
  vm.seq = state.seq;
  vm.inputs = dec.value(state.inputs);
  vm.context = dec.value(state.context) as VObj;
  vm.waitingOn = dec.value(state.waiting) as Handle | null;
  vm.frames = state.frames.map((f) => {
    const frame = new Frame(f.fn, dec.list(f.stack), dec.value(f.env) as Scope);
    frame.pc = f.pc;
    if (f.handlers.length) {
      frame.handlers = f.handlers.map((h) =>
        new Handler(h[0], h[1], dec.value(h[2]) as Scope, h[3])
      );
    }
    return frame;
  });
  for (const o of dec.objects) {
    if (o instanceof Handle && o.state === PENDING && !o.items) vm.leaves.set(o.id, o);
  }
  return vm;
}
