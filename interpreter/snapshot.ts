/**
 * Snapshots (DESIGN.md "Interpreter"): the live VM state ⇄ plain JSON. Every object,
 * array, scope, closure and handle becomes one heap entry addressed by its index, so
 * shared references and cycles survive; object keys are stored in insertion order;
 * NaN, ±Infinity and -0 are encoded. The walk is iterative (no recursion), and only what
 * is reachable from the frames is stored, so the size follows the live state, not the
 * history.
 *
 * Encoded value: a JSON scalar; `"@12"` a reference to heap entry 12 (a string that
 * itself starts with `@` gets one more: `"@@x"` is the string `"@x"`); or
 * `{ "$": "NaN" | "Infinity" | "-Infinity" | "-0" }`. Heap entries are flat arrays:
 * `["a", ...items]` array · `["o", k1, v1, k2, v2, …]` object · `["s", parent, ...vars]`
 * scope · `["f", fn, env]` closure · `["b", name, namespace]` built-in ·
 * `["h", id, kind, state, value, seq, items, keys, cancelled]` handle ·
 * `["c", type, value, target, handlerDepth, scopeDepth]` finally completion.
 *
 * Restore fills long runs of objects with the same keys through a function made (with
 * `new Function`, from the key names only) per key list and cached for the process; see
 * `objectFiller`. A host that forbids code generation gets the key-by-key path.
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
export type Encoded = null | boolean | number | string | { $: string };

/** One encoded call frame: function, pc, operand stack, scope, try handlers. */
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

/** Encodes a graph of live values into a heap, iteratively, estimating the JSON size. */
class Encoder {
  /** Ids of the objects that are not `VObj`s (those carry a stamp instead). */
  ids = new Map<object, number>();
  /**
   * The stamps from `base` on are this encoder's: an object stamped `base + id` got heap
   * id `id` from it, one with a smaller stamp got it from an earlier encoder (stamps only
   * grow, up to 2^53, past which they would stop being exact integers).
   */
  base = VObj.nextStamp();
  heap: unknown[][] = [];
  /** The object of each heap entry, by id; entries from `heap.length` on are still to do. */
  objects: object[] = [];
  /** JSON text length of everything but string contents, plus string lengths. */
  size = 0;
  /** Total length of the strings (JSON escaping writes at most 6 characters for one). */
  chars = 0;

  /** The `"@id"` reference of an object, giving it an id on first sight. */
  ref(v: object): string {
    let id: number;
    if (v instanceof VObj) {
      id = VObj.stamp(v) - this.base;
      if (id < 0) {
        id = this.objects.length;
        VObj.setStamp(v, this.base + id);
        this.objects.push(v);
      }
    } else {
      const known = this.ids.get(v);
      if (known === undefined) {
        id = this.objects.length;
        this.ids.set(v, id);
        this.objects.push(v);
      } else id = known;
    }
    this.size += 8;
    return refText(id);
  }

  value(v: unknown): Encoded {
    if (typeof v === "string") {
      this.chars += v.length + 1;
      return v.charCodeAt(0) === 64 ? "@" + v : v;
    }
    if (typeof v === "number") {
      this.size += 25;
      if (v - v === 0) return v === 0 && 1 / v < 0 ? { $: "-0" } : v;
      return { $: String(v) };
    }
    if (typeof v === "object" && v !== null) return this.ref(v);
    this.size += 8;
    if (v === null || typeof v === "boolean") return v;
    return null;
  }

  drain(): void {
    const objects = this.objects;
    const heap = this.heap;
    // Entries are made in id order; making one may give ids to more objects.
    for (let i = heap.length; i < objects.length; i++) {
      const v = objects[i];
      this.size += 8;
      heap.push(
        Array.isArray(v)
          ? this.arrayEntry(v)
          : v instanceof VObj
          ? this.objectEntry(v)
          : this.otherEntry(v),
      );
    }
  }

  arrayEntry(v: unknown[]): unknown[] {
    const n = v.length;
    const out = new Array<unknown>(n + 1);
    out[0] = "a";
    let size = 0;
    let chars = 0;
    for (let i = 0; i < n; i++) {
      const x = v[i];
      // Scalars, the bulk of many arrays, are handled here without a call.
      if (typeof x === "number") {
        size += 25;
        if (x - x === 0 && (x !== 0 || 1 / x > 0)) out[i + 1] = x;
        else out[i + 1] = x === 0 ? { $: "-0" } : { $: String(x) };
      } else if (typeof x === "object" && x !== null) {
        out[i + 1] = this.ref(x);
      } else if (typeof x === "string") {
        chars += x.length + 1;
        out[i + 1] = x.charCodeAt(0) === 64 ? "@" + x : x;
      } else out[i + 1] = this.value(x);
    }
    this.size += size;
    this.chars += chars;
    return out;
  }

  objectEntry(v: VObj): unknown[] {
    // `for in` lists the own keys in the order of `Object.keys` (the prototype chain is
    // empty) without making an array of them, and lets V8 read each value by its field
    // index instead of a keyed lookup. The first pass only counts.
    let n = 1;
    for (const _ in v) n += 2;
    const out = new Array<unknown>(n);
    out[0] = "o";
    let chars = 0;
    let j = 1;
    for (const key in v) {
      chars += key.length + 1;
      const x = v[key];
      out[j] = key.charCodeAt(0) === 64 ? "@" + key : key;
      if (typeof x === "object" && x !== null) out[j + 1] = this.ref(x);
      else if (typeof x === "string") {
        chars += x.length + 1;
        out[j + 1] = x.charCodeAt(0) === 64 ? "@" + x : x;
      } else out[j + 1] = this.value(x);
      j += 2;
    }
    this.chars += chars;
    return out;
  }

  otherEntry(v: object): unknown[] {
    if (v instanceof Scope) {
      const vars = v.vars;
      const out = new Array<unknown>(vars.length + 2);
      out[0] = "s";
      out[1] = this.value(v.parent);
      for (let i = 0; i < vars.length; i++) out[i + 2] = this.value(vars[i]);
      return out;
    }
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
        v.items ? v.items.map((x) => this.value(x)) : null,
        v.keys,
        v.cancelled ? 1 : 0,
      ];
    }
    if (v instanceof Completion) {
      return ["c", v.type, this.value(v.value), v.target, v.handlerDepth, v.scopeDepth];
    }
    return ["o"];
  }
}

/** `"@" + id`, kept between snapshots: most states reuse the same small ids. */
const REFS: string[] = [];
const MAX_CACHED_REFS = 1 << 20;

function refText(id: number): string {
  const cached = REFS[id];
  if (cached !== undefined) return cached;
  const text = "@" + id;
  if (id === REFS.length && id < MAX_CACHED_REFS) REFS.push(text);
  return text;
}

/**
 * Saves a VM's state as plain JSON data; `sizeBound` is an upper bound of the length of
 * its JSON text (exact enough to skip measuring small states).
 * @example
 * ```ts
 * const { state } = serialize(vm);
 * JSON.parse(JSON.stringify(state)); // the same data
 * ```
 */
export function serialize(vm: VM): { state: SnapshotState; sizeBound: number } {
  const enc = new Encoder();
  const frames = vm.frames.map((f): EncodedFrame => ({
    fn: f.fn,
    pc: f.pc,
    stack: f.stack.map((v) => enc.value(v)),
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
  return { state, sizeBound: enc.size + 6 * enc.chars + 200 + frames.length * 80 };
}

/**
 * Rebuilds live values from a heap: shells first, then contents (no recursion).
 * Objects whose keys repeat those of the object before them (rows of a list) are filled
 * by a function made for that key list (see {@link objectFiller}), which V8 runs with
 * plain property stores instead of a keyed store per key.
 */
class Decoder {
  objects: unknown[];
  /** The pending leaf handles, found while making the shells. */
  leaves: Handle[] = [];

  constructor(heap: unknown[][]) {
    const n = heap.length;
    const objects = new Array<unknown>(n);
    // Objects and arrays, the bulk of a heap, are tested for first.
    for (let i = 0; i < n; i++) {
      const e = heap[i];
      const kind = e[0];
      objects[i] = kind === "o" ? new VObj() : kind === "a" ? e.slice(1) : shell(e);
      if (kind === "h" && e[3] === PENDING && !e[6]) this.leaves.push(objects[i] as Handle);
    }
    this.objects = objects;
    for (let i = 0; i < n;) {
      const e = heap[i];
      const kind = e[0];
      if (kind === "o") i = this.objectRun(heap, i);
      else {
        if (kind === "a") this.decodeInPlace(objects[i] as unknown[]);
        else this.fill(e, objects[i]);
        i++;
      }
    }
  }

  value(v: unknown): unknown {
    if (typeof v === "string") return v.charCodeAt(0) === 64 ? this.reference(v) : v;
    if (v === null || typeof v !== "object") return v;
    const s = (v as { $: string }).$;
    return s === "-0" ? -0 : Number(s);
  }

  /** `"@12"` → heap entry 12; `"@@x"` → the string `"@x"`. */
  reference(v: string): unknown {
    if (v.charCodeAt(1) === 64) return v.slice(1);
    let id = v.length > 1 ? 0 : -1;
    for (let i = 1; i < v.length && id >= 0; i++) {
      const digit = v.charCodeAt(i) - 48;
      id = digit >= 0 && digit <= 9 ? id * 10 + digit : -1;
    }
    const o = id >= 0 ? this.objects[id] : undefined;
    if (o === undefined) throw new Error(`snapshot refers to missing heap entry ${v}`);
    return o;
  }

  /** Decodes, in place, a list copied from a heap entry; scalars stay as they are. */
  decodeInPlace(a: unknown[]): unknown[] {
    for (let i = 0; i < a.length; i++) {
      const v = a[i];
      if (typeof v === "number") continue;
      if (typeof v === "string") {
        if (v.charCodeAt(0) === 64) a[i] = this.reference(v);
      } else if (v !== null && typeof v === "object") a[i] = this.value(v);
    }
    return a;
  }

  list(a: unknown[], from = 0): unknown[] {
    return this.decodeInPlace(a.slice(from));
  }

  /**
   * Fills the object of entry `i` and of the entries after it with the same keys (rows
   * of a list); returns the index after them. A run gets a filler made for its key list
   * once it is {@link MIN_RUN} long; shorter runs are filled key by key.
   */
  objectRun(heap: unknown[][], i: number): number {
    const e = heap[i];
    const n = heap.length;
    let end = i + 1;
    if (end < n && canGenerate) {
      const next = heap[end];
      if (next[0] === "o" && sameKeys(e, next)) {
        let filler = objectFiller(e, false);
        if (filler === null) {
          end++;
          while (end < n && end < i + MIN_RUN && heap[end][0] === "o" && sameKeys(e, heap[end])) {
            end++;
          }
          if (end === i + MIN_RUN) filler = objectFiller(e, true);
        }
        if (filler !== null) return filler(heap, this.objects, i, this);
      }
    }
    for (let j = i; j < end; j++) this.object(heap[j], this.objects[j] as VObj);
    return end;
  }

  /** Fills an object from its entry `["o", k1, v1, …]`, key by key. */
  object(e: unknown[], o: VObj): void {
    for (let i = 1; i < e.length; i += 2) {
      const k = e[i] as string;
      const v = e[i + 1];
      // Keys are strings; `"@@x"` is the key `"@x"`. Scalars other than strings are stored as they are.
      o[k.charCodeAt(0) === 64 ? k.slice(1) : k] = typeof v === "string"
        ? (v.charCodeAt(0) === 64 ? this.reference(v) : v)
        : v !== null && typeof v === "object"
        ? this.value(v)
        : v;
    }
  }

  fill(e: unknown[], o: unknown): void {
    switch (e[0]) {
      case "s":
        (o as Scope).parent = this.value(e[1]) as Scope | null;
        (o as Scope).vars = this.list(e, 2);
        return;
      case "f":
        (o as Closure).env = this.value(e[2]) as Scope;
        return;
      case "h": {
        const h = o as Handle;
        h.value = this.value(e[4]);
        h.items = e[6] ? this.list(e[6] as unknown[]) : null;
        return;
      }
      case "c":
        (o as Completion).value = this.value(e[2]);
        return;
    }
  }
}

/** True when two object entries list the same keys in the same order. */
function sameKeys(a: unknown[], b: unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 1; i < a.length; i += 2) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Fills the objects of the entries from `i` on while they have the keys it was made for
 * (the same entry length, the same keys in the same order), each with its entry's
 * decoded values; returns the index of the first entry it did not fill.
 */
type Filler = (heap: unknown[][], objects: unknown[], i: number, dec: Decoder) => number;

/** Fillers by key list (the JSON text of the encoded keys); kept for the process. */
const FILLERS = new Map<string, Filler>();
/** Beyond this many key lists, or keys in one list, objects are filled key by key. */
const MAX_FILLERS = 256;
const MAX_FILLER_KEYS = 32;
/** A run of objects with the same keys gets a new filler from this length on. */
const MIN_RUN = 8;
/** Cleared when the host refuses code generation (a Content-Security-Policy). */
let canGenerate = true;

/**
 * The filler for the keys of object entry `e`: the cached one, else (when `make`) a new
 * one, else `null` (the caller fills key by key).
 *
 * A filler is a function made with `new Function` whose source compares each entry's
 * keys with constants and stores the values with one assignment per key, `o["key"] = …`,
 * in the entry's order: the same `[[Set]]`s as a keyed store (`"__proto__"` and numeric
 * keys included; `VObj` has no prototype chain), but V8 sees constant names, so the
 * objects of a run follow one hidden-class transition path without a keyed lookup per
 * key. Keys enter the source only as JSON string literals, which are valid JavaScript
 * string literals; no value ever does.
 */
function objectFiller(e: unknown[], make: boolean): Filler | null {
  if (e.length > 2 * MAX_FILLER_KEYS + 1) return null;
  const keys: string[] = [];
  for (let i = 1; i < e.length; i += 2) keys.push(e[i] as string);
  const id = JSON.stringify(keys);
  const known = FILLERS.get(id);
  if (known !== undefined || !make || FILLERS.size >= MAX_FILLERS) return known ?? null;
  let test = `e.length !== ${e.length} || e[0] !== "o"`;
  let body = "";
  for (let j = 0; j < keys.length; j++) {
    const k = keys[j];
    test += ` || e[${2 * j + 1}] !== ${JSON.stringify(k)}`;
    const key = JSON.stringify(k.charCodeAt(0) === 64 ? k.slice(1) : k);
    body += `  v = e[${2 * j + 2}];\n` +
      `  o[${key}] = typeof v === "string" ? (v.charCodeAt(0) === 64 ? d.reference(v) : v)` +
      ` : v !== null && typeof v === "object" ? d.value(v) : v;\n`;
  }
  const source = `"use strict";
for (const n = heap.length; i < n; i++) {
  const e = heap[i];
  if (${test}) break;
  const o = objects[i];
  let v;
${body}}
return i;`;
  let filler: Filler;
  try {
    filler = new Function("heap", "objects", "i", "d", source) as Filler;
  } catch {
    canGenerate = false;
    return null;
  }
  FILLERS.set(id, filler);
  return filler;
}

function shell(e: unknown[]): unknown {
  switch (e[0]) {
    case "a":
      return e.slice(1);
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
  for (const h of dec.leaves) vm.leaves.set(h.id, h);
  return vm;
}
