/**
 * The slow paths of the VM's operators (LANGUAGE.md §3–4): `+` on non-numbers,
 * comparisons, property reads and writes on every kind of value, iteration. The VM
 * inlines the fast paths (numbers, plain objects, arrays with integer indexes).
 * @module
 */
import { rangeError, typeError } from "./errors.ts";
import { BuiltinRef, describe, toNum, toStr, VObj } from "./values.ts";

/**
 * `a + b` with JavaScript's rules: string concatenation when either side is a string or
 * an object, numeric addition otherwise.
 * @example
 * ```ts
 * add("x", 1); // "x1"
 * add(true, 1); // 2
 * ```
 */
export function add(a: unknown, b: unknown): unknown {
  if (typeof a === "number" && typeof b === "number") return a + b;
  if (typeof a === "string" || typeof b === "string" || isObjectLike(a) || isObjectLike(b)) {
    return toStr(a) + toStr(b);
  }
  return toNum(a) + toNum(b);
}

function isObjectLike(v: unknown): boolean {
  return v !== null && typeof v === "object";
}

/**
 * `a < b` (and friends via the sign): strings compare as strings, everything else as
 * numbers. Returns NaN when incomparable.
 * @example
 * ```ts
 * compare("a", "b") < 0; // true
 * ```
 */
export function compare(a: unknown, b: unknown): number {
  const pa = isObjectLike(a) ? toStr(a) : a;
  const pb = isObjectLike(b) ? toStr(b) : b;
  if (typeof pa === "string" && typeof pb === "string") return pa < pb ? -1 : pa > pb ? 1 : 0;
  return toNum(pa) - toNum(pb);
}

/**
 * Converts a computed key to a property name (`o[1]` → `"1"`).
 * @example
 * ```ts
 * toKey(1); // "1"
 * ```
 */
export function toKey(key: unknown): string {
  return typeof key === "string" ? key : toStr(key);
}

/** A canonical array index from a key, or -1. */
function arrayIndex(key: unknown): number {
  if (typeof key === "number") return Number.isInteger(key) && key >= 0 ? key : -1;
  if (typeof key === "string" && /^(0|[1-9]\d*)$/.test(key)) return Number(key);
  return -1;
}

/**
 * `o.key` / `o[key]` for any value: a missing property is `null` (LANGUAGE.md §3); a
 * property of `null` is a TypeError.
 * @example
 * ```ts
 * getProp([1, 2], "length"); // 2
 * getProp("abc", 1); // "b"
 * ```
 */
export function getProp(o: unknown, key: unknown): unknown {
  if (o instanceof VObj) {
    const v = o[toKey(key)];
    return v === undefined ? null : v;
  }
  if (Array.isArray(o)) {
    if (key === "length") return o.length;
    const i = arrayIndex(key);
    const v = i >= 0 ? o[i] : undefined;
    return v === undefined ? null : v;
  }
  if (typeof o === "string") {
    if (key === "length") return o.length;
    const i = arrayIndex(key);
    return i >= 0 && i < o.length ? o[i] : null;
  }
  if (o === null) {
    return typeError(`cannot read property ${JSON.stringify(toKey(key))} of null`);
  }
  if (o instanceof BuiltinRef && o.namespace) return namespaceMember(o, toKey(key));
  return null;
}

/** Reads `Math.PI` & co. through a namespace value; set by the standard library. */
export let namespaceMember: (ns: BuiltinRef, key: string) => unknown = () => null;

/**
 * Installs the namespace member reader (the standard library owns the tables).
 * @example
 * ```ts
 * setNamespaceReader((ns, key) => null);
 * ```
 */
export function setNamespaceReader(f: (ns: BuiltinRef, key: string) => unknown): void {
  namespaceMember = f;
}

/** Largest gap an index write may open in an array (filled with nulls). */
const MAX_GAP = 1_000_000;

/**
 * `o.key = value` / `o[key] = value`. Arrays accept indexes and `length`; writing past
 * the end fills the gap with `null` (there are no holes).
 * @example
 * ```ts
 * const a = [1]; setProp(a, 2, 3); // a is [1, null, 3]
 * ```
 */
export function setProp(o: unknown, key: unknown, value: unknown): void {
  if (o instanceof VObj) {
    o[toKey(key)] = value;
    return;
  }
  if (Array.isArray(o)) return setArray(o, key, value);
  if (o === null) {
    typeError(`cannot set property ${JSON.stringify(toKey(key))} of null`);
  }
  typeError(`cannot set property ${JSON.stringify(toKey(key))} of ${describe(o)}`);
}

function setArray(a: unknown[], key: unknown, value: unknown): void {
  if (key === "length") {
    const n = value;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 0) {
      rangeError(`invalid array length ${describe(n)}`);
    }
    if (n < a.length) a.length = n;
    else growTo(a, n);
    return;
  }
  const i = arrayIndex(key);
  if (i < 0) typeError(`cannot set property ${JSON.stringify(toKey(key))} of an array`);
  if (i > a.length) growTo(a, i);
  a[i] = value;
}

function growTo(a: unknown[], n: number): void {
  if (n - a.length > MAX_GAP) rangeError(`array index ${n} is too far past the end`);
  while (a.length < n) a.push(null);
}

/**
 * The items `for…of` and spread iterate: arrays as they are, strings by code point.
 * @example
 * ```ts
 * iterable("a😀"); // ["a", "😀"]
 * ```
 */
export function iterable(v: unknown, what: string): unknown[] {
  if (Array.isArray(v)) return v;
  if (typeof v === "string") return Array.from(v);
  if (v === null) return typeError(`cannot ${what} null`);
  if (v instanceof VObj) {
    return typeError(
      `cannot ${what} an object: use Object.keys(o), Object.values(o) or Object.entries(o)`,
    );
  }
  return typeError(`cannot ${what} ${describe(v)}`);
}

/**
 * The keys `for…in` visits: own keys in insertion order; indexes as strings.
 * @example
 * ```ts
 * forInKeys(["x", "y"]); // ["0", "1"]
 * ```
 */
export function forInKeys(v: unknown): string[] {
  if (v instanceof VObj) return Object.keys(v);
  if (Array.isArray(v) || typeof v === "string") {
    return Array.from({ length: v.length }, (_, i) => String(i));
  }
  return [];
}

/**
 * Copies the own entries of `src` into `target` (object spread).
 * @example
 * ```ts
 * // { ...a, b: 1 }
 * ```
 */
export function spreadInto(target: VObj, src: unknown): void {
  if (src instanceof VObj) {
    for (const k of Object.keys(src)) target[k] = src[k];
  } else if (Array.isArray(src) || typeof src === "string") {
    for (let i = 0; i < src.length; i++) target[String(i)] = src[i];
  }
}

/**
 * A copy of `o` without `keys` (object rest in destructuring).
 * @example
 * ```ts
 * // const { a, ...rest } = o  →  objectRest(o, ["a"])
 * ```
 */
export function objectRest(o: unknown, keys: readonly string[]): VObj {
  const out = new VObj();
  if (o instanceof VObj) {
    for (const k of Object.keys(o)) if (!keys.includes(k)) out[k] = o[k];
  } else if (Array.isArray(o) || typeof o === "string") {
    for (let i = 0; i < o.length; i++) if (!keys.includes(String(i))) out[String(i)] = o[i];
  }
  return out;
}

/**
 * Exponentiation and remainder with JavaScript's coercions.
 * @example
 * ```ts
 * arith(45, "7", 3); // 3 (7 % 3 → the MOD opcode)
 * ```
 */
export function arith(op: number, a: unknown, b: unknown): number {
  const x = toNum(a), y = toNum(b);
  switch (op) {
    case 45:
      return x - y;
    case 46:
      return x * y;
    case 47:
      return x / y;
    case 48:
      return x % y;
    default:
      return x ** y;
  }
}
