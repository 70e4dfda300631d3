/**
 * Methods of arrays (LANGUAGE.md §7), exactly the names listed in `builtins.ts`
 * (`ARRAY_METHODS`). Callbacks run inside the VM (`vm.call`): they may start work but
 * not wait for it (LANGUAGE.md §5).
 * @module
 */
import { ARRAY_METHODS } from "./builtins.ts";
import { rangeError, typeError } from "./errors.ts";
import { describe, isCallable, toNum, toStr } from "./values.ts";
import type { Callback, VM } from "./vm-state.ts";

type Method = (vm: VM, a: unknown[], args: unknown[]) => unknown;

function fnArg(args: unknown[], name: string): unknown {
  const f = args[0];
  if (!isCallable(f)) typeError(`${name} needs a function, got ${describe(f)}`);
  return f;
}

function orNull(v: unknown): unknown {
  return v === undefined ? null : v;
}

/**
 * Wraps a `.flow` function as a native (value, index, array) callback. Native `filter`,
 * `find`, `some` … take the truthiness of its result, as `.flow` does.
 */
function callback(vm: VM, args: unknown[], name: string): Callback {
  return vm.callback(fnArg(args, name), 3);
}

/** The default sort order: by string form, as JavaScript does. */
function defaultOrder(x: unknown, y: unknown): number {
  const a = toStr(x), b = toStr(y);
  return a < b ? -1 : a > b ? 1 : 0;
}

function comparator(vm: VM, f: unknown) {
  if (f === undefined || f === null) return defaultOrder;
  if (!isCallable(f)) typeError(`sort needs a comparison function, got ${describe(f)}`);
  const cb = vm.callback(f, 2);
  return (x: unknown, y: unknown) => {
    const v = cb(x, y);
    const r = typeof v === "number" ? v : toNum(v);
    return r === r ? r : 0;
  };
}

function reducer(vm: VM, a: unknown[], args: unknown[], right: boolean): unknown {
  const f = fnArg(args, right ? "reduceRight" : "reduce");
  const cb = vm.callback(f, 4) as (acc: unknown, x: unknown, i: number, a: unknown[]) => unknown;
  if (args.length < 2) {
    if (a.length === 0) typeError("reduce of an empty array with no initial value");
    return right ? a.reduceRight(cb) : a.reduce(cb);
  }
  return right ? a.reduceRight(cb, args[1]) : a.reduce(cb, args[1]);
}

function flatDepth(v: unknown): number {
  const d = v === undefined || v === null ? 1 : toNum(v);
  return Number.isNaN(d) ? 0 : Math.min(d, 1000);
}

function checkLength(n: number): number {
  if (n > 10_000_000) rangeError(`an array of ${n} items is too large`);
  return n;
}

const methods: Record<string, Method> = {
  at: (_vm, a, args) => orNull(a.at(toNum(args[0] ?? 0))),
  concat: (_vm, a, args) => a.concat(...args),
  every: (vm, a, args) => a.every(callback(vm, args, "every")),
  fill: (_vm, a, args) => a.fill(args[0] ?? null, ...(args.slice(1) as number[])),
  filter: (vm, a, args) => a.filter(callback(vm, args, "filter")),
  find: (vm, a, args) => orNull(a.find(callback(vm, args, "find"))),
  findIndex: (vm, a, args) => a.findIndex(callback(vm, args, "findIndex")),
  findLast: (vm, a, args) => orNull(a.findLast(callback(vm, args, "findLast"))),
  findLastIndex: (vm, a, args) => a.findLastIndex(callback(vm, args, "findLastIndex")),
  flat: (_vm, a, args) => a.flat(flatDepth(args[0])),
  flatMap: (vm, a, args) => a.flatMap(callback(vm, args, "flatMap")),
  forEach: (vm, a, args) => (a.forEach(callback(vm, args, "forEach")), null),
  includes: (_vm, a, args) => a.includes(args[0] ?? null, args[1] as number),
  indexOf: (_vm, a, args) => a.indexOf(args[0] ?? null, args[1] as number),
  join: (_vm, a, args) => {
    const sep = args[0] === undefined || args[0] === null ? "," : toStr(args[0]);
    return a.map((x) => (x === null ? "" : toStr(x))).join(sep);
  },
  lastIndexOf: (_vm, a, args) =>
    args.length > 1 ? a.lastIndexOf(args[0], args[1] as number) : a.lastIndexOf(args[0] ?? null),
  map: (vm, a, args) => a.map(callback(vm, args, "map")),
  pop: (_vm, a) => orNull(a.pop()),
  push: (_vm, a, args) => {
    checkLength(a.length + args.length);
    for (const x of args) a.push(x);
    return a.length;
  },
  reduce: (vm, a, args) => reducer(vm, a, args, false),
  reduceRight: (vm, a, args) => reducer(vm, a, args, true),
  reverse: (_vm, a) => a.reverse(),
  shift: (_vm, a) => orNull(a.shift()),
  slice: (_vm, a, args) => a.slice(...(args.map((x) => x ?? undefined) as number[])),
  some: (vm, a, args) => a.some(callback(vm, args, "some")),
  sort: (vm, a, args) => a.sort(comparator(vm, args[0])),
  splice: (_vm, a, args) =>
    args.length === 0
      ? []
      : a.splice(toNum(args[0]), args.length > 1 ? toNum(args[1]) : a.length, ...args.slice(2)),
  toReversed: (_vm, a) => a.slice().reverse(),
  toSorted: (vm, a, args) => a.slice().sort(comparator(vm, args[0])),
  toSpliced: (vm, a, args) => {
    const copy = a.slice();
    methods.splice(vm, copy, args);
    return copy;
  },
  unshift: (_vm, a, args) => {
    checkLength(a.length + args.length);
    return a.unshift(...args);
  },
  with: (_vm, a, args) => {
    const i = toNum(args[0]);
    const at = i < 0 ? a.length + i : i;
    if (!Number.isInteger(at) || at < 0 || at >= a.length) rangeError(`invalid index ${i}`);
    const copy = a.slice();
    copy[at] = args[1] ?? null;
    return copy;
  },
};

for (const name of ARRAY_METHODS) {
  if (!methods[name]) throw new Error(`array method ${name} is not implemented`);
}

/**
 * Calls the array method `name` on `a`.
 * @example
 * ```ts
 * arrayMethod(vm, [3, 1, 2], "toSorted", []); // [1, 2, 3]
 * ```
 */
export function arrayMethod(vm: VM, a: unknown[], name: string, args: unknown[]): unknown {
  const m = Object.hasOwn(methods, name) ? methods[name] : undefined;
  if (!m) return typeError(`arrays have no method "${name}"`);
  return m(vm, a, args);
}
