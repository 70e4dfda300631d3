/**
 * Live values of a running workflow (LANGUAGE.md §3). While the VM runs, `.flow` values
 * are ordinary JavaScript values: `null`, booleans, numbers, strings, arrays, and
 * {@link VObj} objects, plus the small records below for functions, handles and scopes.
 * The snapshot module (`snapshot.ts`) turns this graph into plain JSON and back.
 * @module
 */

/**
 * A `.flow` plain object. Its prototype chain is empty, so `o.toString`, `o.constructor`
 * or `o.__proto__` are ordinary (missing) keys, and it stays a fast V8 object.
 *
 * It also carries a private stamp that no `.flow` code, key listing or `JSON.stringify`
 * can see: the snapshot encoder marks the objects it has given an id with it, which is
 * cheaper than a `Map` from objects to ids (see `snapshot.ts`).
 * @example
 * ```ts
 * const o = new VObj();
 * o.a = 1;
 * Object.keys(o); // ["a"]
 * ```
 */
export class VObj {
  [key: string]: unknown;
  #stamp = -1;

  /** The stamp the snapshot encoder last gave `o` (-1 when never). */
  static stamp(o: VObj): number {
    return o.#stamp;
  }

  /** Sets the snapshot encoder's stamp of `o` (a number from {@link VObj.nextStamp} on). */
  static setStamp(o: VObj, stamp: number): void {
    o.#stamp = stamp;
    if (stamp >= nextStamp) nextStamp = stamp + 1;
  }

  /** A stamp no object has yet; stamps only grow. */
  static nextStamp(): number {
    return nextStamp;
  }
}

/** Kept beside the field it numbers, so every encoder in the process shares it. */
let nextStamp = 0;
Object.setPrototypeOf(VObj.prototype, null);
delete (VObj.prototype as { constructor?: unknown }).constructor;

/**
 * A block or function scope: the parent scope and the variable slots, resolved to
 * (depth, slot) at compile time.
 * @example
 * ```ts
 * const global = new Scope(null, [1, 2]);
 * new Scope(global, [null]).parent === global; // true
 * ```
 */
export class Scope {
  parent: Scope | null;
  vars: unknown[];
  constructor(parent: Scope | null, vars: unknown[]) {
    this.parent = parent;
    this.vars = vars;
  }
}

/**
 * A user function value: the compiled function's index and the scope it closes over.
 * @example
 * ```ts
 * const f = new Closure(1, new Scope(null, []));
 * f.fn; // 1
 * ```
 */
export class Closure {
  fn: number;
  env: Scope;
  constructor(fn: number, env: Scope) {
    this.fn = fn;
    this.env = env;
  }
}

/**
 * A built-in function used as a value (`xs.map(String)`, `const max = Math.max`), or a
 * built-in namespace used as a value (`const m = Math`). `name` is the table key, e.g.
 * `"Math.max"`.
 * @example
 * ```ts
 * new BuiltinRef("String", false).name; // "String"
 * ```
 */
export class BuiltinRef {
  name: string;
  /** True for namespaces (`Math`), which are objects, not functions. */
  namespace: boolean;
  constructor(name: string, namespace: boolean) {
    this.name = name;
    this.namespace = namespace;
  }
}

/** Settlement of a handle: still pending, fulfilled with `value`, or rejected with it. */
export type HandleState = 0 | 1 | 2;
/** The handle is waiting for its result. */
export const PENDING: HandleState = 0;
/** The handle succeeded. */
export const FULFILLED: HandleState = 1;
/** The handle failed. */
export const REJECTED: HandleState = 2;

/** What a handle stands for (LANGUAGE.md §6). */
export type HandleKind =
  | "task"
  | "workflow"
  | "timer"
  | "signal"
  | "all"
  | "allSettled"
  | "any"
  | "race";

/**
 * A durable operation's handle, or a combination of handles (`Promise.all` …).
 * Leaf handles are settled by resolutions from the host; combinations are computed by
 * the VM from their `items`.
 * @example
 * ```ts
 * const h = new Handle("h1", "task");
 * h.state === PENDING; // true
 * ```
 */
export class Handle {
  id: string;
  kind: HandleKind;
  state: HandleState = PENDING;
  /** The result (fulfilled) or the error value (rejected). */
  value: unknown = null;
  /** Order of settlement within the execution: earlier settles have smaller numbers. */
  seq = 0;
  /** Members of a combination, in order (handles or plain values). */
  items: unknown[] | null = null;
  /** Keys for the object form of a combination; `null` for the list form. */
  keys: string[] | null = null;
  /** True once a `cancel` command went out for it. */
  cancelled = false;
  constructor(id: string, kind: HandleKind) {
    this.id = id;
    this.kind = kind;
  }
}

/**
 * How a `finally` block was entered: normally, by a throw, a return, or a jump
 * (`break`/`continue`) that must continue after the block.
 * @example
 * ```ts
 * new Completion(2, 42, 0, 0, 0).value; // 42: a pending `return 42`
 * ```
 */
export class Completion {
  /** 0 normal, 1 throw, 2 return, 3 jump. */
  type: number;
  value: unknown;
  target: number;
  handlerDepth: number;
  scopeDepth: number;
  constructor(
    type: number,
    value: unknown,
    target: number,
    handlerDepth: number,
    scopeDepth: number,
  ) {
    this.type = type;
    this.value = value;
    this.target = target;
    this.handlerDepth = handlerDepth;
    this.scopeDepth = scopeDepth;
  }
}

/**
 * True for `.flow` plain objects.
 * @example
 * ```ts
 * isObject(new VObj()); // true
 * isObject([]); // false
 * ```
 */
export function isObject(v: unknown): v is VObj {
  return v instanceof VObj;
}

/**
 * True for values that can be called: user functions and built-in functions.
 * @example
 * ```ts
 * isCallable(new BuiltinRef("String", false)); // true
 * ```
 */
export function isCallable(v: unknown): v is Closure | BuiltinRef {
  return v instanceof Closure || (v instanceof BuiltinRef && !v.namespace);
}

/**
 * The `typeof` of a `.flow` value.
 * @example
 * ```ts
 * typeOf(null); // "object"
 * ```
 */
export function typeOf(v: unknown): string {
  if (v === null) return "object";
  const t = typeof v;
  if (t !== "object") return t;
  return isCallable(v) ? "function" : "object";
}

/**
 * JavaScript truthiness.
 * @example
 * ```ts
 * truthy(""); // false
 * truthy([]); // true
 * ```
 */
export function truthy(v: unknown): boolean {
  return !!v;
}

/**
 * `String(v)` with JavaScript's rules (arrays join with commas, objects are
 * `[object Object]`).
 * @example
 * ```ts
 * toStr([1, [2, 3]]); // "1,2,3"
 * ```
 */
export function toStr(v: unknown): string {
  if (typeof v === "string") return v;
  if (v === null) return "null";
  if (typeof v !== "object") return String(v);
  if (Array.isArray(v)) return arrayToStr(v, new Set());
  if (v instanceof Closure) return "function () { [code] }";
  if (v instanceof BuiltinRef) {
    return v.namespace ? "[object Object]" : `function ${v.name}() { [native code] }`;
  }
  if (v instanceof Handle) return "[object Promise]";
  return "[object Object]";
}

function arrayToStr(a: unknown[], seen: Set<unknown>): string {
  if (seen.has(a)) return "";
  seen.add(a);
  const parts = a.map((x) => x === null ? "" : Array.isArray(x) ? arrayToStr(x, seen) : toStr(x));
  seen.delete(a);
  return parts.join(",");
}

/**
 * `Number(v)` with JavaScript's rules (`null` → 0, `"12"` → 12, `"x"` → NaN).
 * @example
 * ```ts
 * toNum("12"); // 12
 * ```
 */
export function toNum(v: unknown): number {
  if (typeof v === "number") return v;
  if (v === null) return 0;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "string") return Number(v);
  if (Array.isArray(v)) return Number(toStr(v));
  return NaN;
}

/**
 * A short description of a value for error messages.
 * @example
 * ```ts
 * describe("abc"); // "\"abc\""
 * ```
 */
export function describe(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v);
  if (v === null || typeof v !== "object") return String(v);
  if (Array.isArray(v)) return "an array";
  if (isCallable(v)) return "a function";
  if (v instanceof Handle) return "a handle";
  return "an object";
}
