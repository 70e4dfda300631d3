/**
 * A saved state as a person reads it: the call stack, innermost frame first, each with its
 * function, its `.flow` line and the variables visible there by their source names, as
 * plain JSON. Programs compiled before the compiler recorded names
 * (`FunctionCode.scopes`) show their variables by slot instead: `#2` is slot 2 of the
 * innermost scope, `#1.0` slot 0 of the scope one level out.
 *
 * Values: JSON scalars and containers as they are; NaN and ±Infinity as the strings
 * `"NaN"`, `"Infinity"`, `"-Infinity"`; an array or object met a second time in the same
 * frame (aliasing, cycles) as `{ $ref: "<where it was shown>" }`; a handle as
 * `{ handle, kind, status }` (plus `value` or `error` once settled); a function as
 * `{ function: name }`; a built-in as `{ builtin: name }`.
 * @module
 */
import type { CompiledProgram, FunctionCode } from "./compile-context.ts";
import { restore, type SnapshotState } from "./snapshot.ts";
import { BuiltinRef, Closure, FULFILLED, Handle, PENDING, type Scope, VObj } from "./values.ts";
import type { Frame } from "./vm-state.ts";

/** One call frame of a described state. */
export interface DescribedFrame {
  /** The function's name: `"main"` for the program body. */
  function: string;
  /** The `.flow` line the frame stands at (the await, or the call it waits in). */
  line: number | null;
  /** The variables visible at that line, innermost scope first, shadowed names left out. */
  variables: Record<string, unknown>;
}

/** A described state: its frames, innermost (the one that awaits) first. */
export interface StateDescription {
  frames: DescribedFrame[];
}

/** How deep a value is shown before `"…"` stands for the rest. */
const MAX_DEPTH = 64;

/**
 * Describes a saved state of `program` with named, JSON-friendly variables.
 * Throws when the state is not a snapshot of this program.
 * @example
 * ```ts
 * const r = advance(program, { state: null, inputs: {}, context, now: 0, resolutions: [] });
 * describeState(program, r.state).frames[0].variables; // { order: { id: "o-1" }, h: … }
 * ```
 */
export function describeState(program: CompiledProgram, state: SnapshotState): StateDescription {
  const vm = restore(program, state);
  return { frames: vm.frames.map((f) => describeFrame(program, f)).reverse() };
}

function describeFrame(program: CompiledProgram, frame: Frame): DescribedFrame {
  const fn = program.functions[frame.fn];
  const at = Math.max(0, frame.pc - 1);
  const json = new JsonView(program);
  const variables: Record<string, unknown> = {};
  const bindings = fn.scopes ? named(program, frame, at) : bySlot(frame.env);
  for (const [name, value] of bindings) put(variables, name, json.value(value, name, 0));
  return { function: fn.name, line: fn.lines[at] ?? null, variables };
}

/** The innermost scope of `fn` whose names are visible at `pc`. */
function innermost(fn: FunctionCode, pc: number): number {
  const scopes = fn.scopes!;
  for (let i = scopes.length - 1; i > 0; i--) {
    if (scopes[i].from <= pc && pc < scopes[i].to) return i;
  }
  return 0;
}

/** Visible `[name, value]` pairs, walking the compile-time scopes beside the runtime ones. */
function named(program: CompiledProgram, frame: Frame, pc: number): Map<string, unknown> {
  const out = new Map<string, unknown>();
  let env: Scope | null = frame.env;
  let fn = program.functions[frame.fn];
  let index = innermost(fn, pc);
  while (env && fn?.scopes) {
    const scope = fn.scopes[index];
    for (const [name, slot] of scope.names) {
      if (!out.has(name)) out.set(name, env.vars[slot] ?? null);
    }
    if (scope.parent >= 0) {
      if (scope.runtime) env = env.parent;
      index = scope.parent;
      continue;
    }
    if (!fn.outer) break;
    const [outerFn, outerScope] = fn.outer;
    env = env.parent;
    fn = program.functions[outerFn];
    index = fn?.scopes && outerScope < fn.scopes.length ? outerScope : 0;
  }
  return out;
}

/** `#slot` / `#depth.slot` pairs for programs compiled without names. */
function bySlot(env: Scope | null): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (let depth = 0; env; depth++, env = env.parent) {
    env.vars.forEach((v, slot) => out.set(depth ? `#${depth}.${slot}` : `#${slot}`, v ?? null));
  }
  return out;
}

/** Sets a key even when it is `__proto__`. */
function put(o: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Converts live values to plain JSON, marking containers shown before. */
class JsonView {
  program: CompiledProgram;
  shown = new Map<object, string>();
  constructor(program: CompiledProgram) {
    this.program = program;
  }

  value(v: unknown, path: string, depth: number): unknown {
    if (typeof v === "number") return Number.isFinite(v) ? (v === 0 ? 0 : v) : String(v);
    if (v === null || typeof v !== "object") return v ?? null;
    if (v instanceof Handle) return this.handle(v, path, depth);
    if (v instanceof Closure) return { function: this.program.functions[v.fn]?.name ?? null };
    if (v instanceof BuiltinRef) return { builtin: v.name };
    const seen = this.shown.get(v);
    if (seen !== undefined) return { $ref: seen };
    if (depth >= MAX_DEPTH) return "…";
    this.shown.set(v, path);
    if (Array.isArray(v)) return v.map((x, i) => this.value(x, `${path}[${i}]`, depth + 1));
    const out: Record<string, unknown> = {};
    if (v instanceof VObj) {
      for (const k of Object.keys(v)) put(out, k, this.value(v[k], member(path, k), depth + 1));
    }
    return out;
  }

  handle(h: Handle, path: string, depth: number): unknown {
    const status = h.state === PENDING
      ? "pending"
      : h.state === FULFILLED
      ? "fulfilled"
      : "rejected";
    const out: Record<string, unknown> = { handle: h.id, kind: h.kind, status };
    if (h.state === FULFILLED) out.value = this.value(h.value, `${path}.value`, depth + 1);
    else if (h.state !== PENDING) out.error = this.value(h.value, `${path}.error`, depth + 1);
    return out;
  }
}

/** `a.b` for an identifier key, `a["b c"]` otherwise. */
function member(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}
