/**
 * The global functions of a workflow (LANGUAGE.md §6–7) by their `builtins.ts` names
 * (`"Math.max"`, `"parseInt"`, `"Task.run"` …), global values, and method dispatch on
 * strings, arrays and numbers.
 * @module
 */
import { GLOBALS, MATH_CONSTANTS, NUMBER_CONSTANTS } from "./builtins.ts";
import { FlowThrow, makeError, typeError } from "./errors.ts";
import { arrayMethod } from "./stdlib-array.ts";
import { OBJECT_FUNCTIONS } from "./stdlib-object.ts";
import { numberMethod, stringMethod } from "./stdlib-string.ts";
import { BuiltinRef, describe, Handle, toNum, toStr, VObj } from "./values.ts";
import { combine, startTimer, startWork, waitSignal } from "./vm-effects.ts";
import { setNamespaceReader } from "./vm-ops.ts";
import type { VM } from "./vm-state.ts";

/** A built-in function: receives the VM and the arguments actually passed. */
export type BuiltinFn = (vm: VM, args: unknown[]) => unknown;

const num = (args: unknown[], i = 0) => toNum(args[i] ?? NaN);

function errorConstructor(name: string): BuiltinFn {
  return (_vm, args) =>
    makeError(name, args[0] === undefined || args[0] === null ? "" : toStr(args[0]));
}

function log(level: "log" | "warn" | "error"): BuiltinFn {
  return (vm, args) => {
    const message = args.map((a) => typeof a === "string" ? a : JSON.stringify(a, null) ?? toStr(a))
      .join(" ");
    vm.commands.push({ type: "log", level, message });
    return null;
  };
}

function mathFunctions(): Record<string, BuiltinFn> {
  const out: Record<string, BuiltinFn> = {};
  const math = Math as unknown as Record<string, (...a: number[]) => number>;
  for (const [name, spec] of Object.entries(GLOBALS.Math.members)) {
    if (spec.kind !== "method") continue;
    out[`Math.${name}`] = (_vm, args) => math[name](...args.map((a) => toNum(a)));
  }
  return out;
}

const parseIntFn: BuiltinFn = (_vm, args) =>
  parseInt(
    toStr(args[0] ?? null),
    args[1] === undefined || args[1] === null ? undefined : num(args, 1),
  );
const parseFloatFn: BuiltinFn = (_vm, args) => parseFloat(toStr(args[0] ?? null));

/**
 * Every callable built-in by name.
 * @example
 * ```ts
 * BUILTINS["Math.max"](vm, [1, 5]); // 5
 * ```
 */
export const BUILTINS: Record<string, BuiltinFn> = {
  "Task.run": (vm, args) => startWork(vm, "task", args),
  "Workflow.run": (vm, args) => startWork(vm, "workflow", args),
  "Timer.delay": (vm, args) => startTimer(vm, "delay", args),
  "Timer.until": (vm, args) => startTimer(vm, "until", args),
  "Signal.next": (vm, args) => waitSignal(vm, args),
  "Promise.all": (vm, args) => combine(vm, "all", args),
  "Promise.allSettled": (vm, args) => combine(vm, "allSettled", args),
  "Promise.any": (vm, args) => combine(vm, "any", args),
  "Promise.race": (vm, args) => combine(vm, "race", args),
  ...mathFunctions(),
  ...OBJECT_FUNCTIONS,
  "Array.isArray": (_vm, args) => Array.isArray(args[0]),
  Number: (_vm, args) => (args.length ? toNum(args[0]) : 0),
  "Number.isFinite": (_vm, args) => Number.isFinite(args[0]),
  "Number.isInteger": (_vm, args) => Number.isInteger(args[0]),
  "Number.isNaN": (_vm, args) => Number.isNaN(args[0]),
  "Number.isSafeInteger": (_vm, args) => Number.isSafeInteger(args[0]),
  "Number.parseFloat": parseFloatFn,
  "Number.parseInt": parseIntFn,
  String: (_vm, args) => (args.length ? toStr(args[0]) : ""),
  "String.fromCharCode": (_vm, args) => String.fromCharCode(...args.map((a) => toNum(a))),
  "String.fromCodePoint": (_vm, args) => String.fromCodePoint(...args.map((a) => toNum(a))),
  Boolean: (_vm, args) => !!args[0],
  parseInt: parseIntFn,
  parseFloat: parseFloatFn,
  isNaN: (_vm, args) => Number.isNaN(num(args)),
  isFinite: (_vm, args) => Number.isFinite(num(args)),
  "Date.now": (vm) => vm.now,
  "console.log": log("log"),
  "console.info": log("log"),
  "console.warn": log("warn"),
  "console.error": log("error"),
  Error: errorConstructor("Error"),
  TypeError: errorConstructor("TypeError"),
  RangeError: errorConstructor("RangeError"),
  SyntaxError: errorConstructor("SyntaxError"),
};

const BUILTIN_MAP = new Map<string, BuiltinFn>(Object.entries(BUILTINS));
const refs = new Map<string, BuiltinRef>();

/**
 * The one {@link BuiltinRef} for a built-in name (so `Math.max === Math.max`).
 * @example
 * ```ts
 * builtinRef("Math", true) === builtinRef("Math", true); // true
 * ```
 */
export function builtinRef(name: string, namespace: boolean): BuiltinRef {
  let r = refs.get(name);
  if (!r) refs.set(name, r = new BuiltinRef(name, namespace));
  return r;
}

function constant(name: string): number | undefined {
  const [ns, member] = name.split(".");
  if (ns === "Math" && MATH_CONSTANTS.includes(member)) {
    return (Math as unknown as Record<string, number>)[member];
  }
  if (ns === "Number" && NUMBER_CONSTANTS.includes(member)) {
    return (Number as unknown as Record<string, number>)[member];
  }
  return undefined;
}

/**
 * The value of a global name (`Inputs`, `NaN`, `Math.PI`, `String` as a function …).
 * @example
 * ```ts
 * globalValue(vm, "Math.PI"); // 3.141592653589793
 * ```
 */
export function globalValue(vm: VM, name: string): unknown {
  if (name === "Inputs") return vm.inputs;
  if (name === "Context") return vm.context;
  if (name === "NaN") return NaN;
  if (name === "Infinity") return Infinity;
  const c = constant(name);
  if (c !== undefined) return c;
  if (Object.hasOwn(BUILTINS, name)) return builtinRef(name, false);
  if (Object.hasOwn(GLOBALS, name)) return builtinRef(name, GLOBALS[name].kind === "namespace");
  throw new FlowThrow(makeError("ReferenceError", `${name} is not defined`));
}

setNamespaceReader((ns, key) => {
  const name = `${ns.name}.${key}`;
  const c = constant(name);
  if (c !== undefined) return c;
  return Object.hasOwn(BUILTINS, name) ? builtinRef(name, false) : null;
});

/**
 * Calls a built-in function value.
 * @example
 * ```ts
 * callBuiltin(vm, "String", [1]); // "1"
 * ```
 */
export function callBuiltin(vm: VM, name: string, args: unknown[]): unknown {
  const f = BUILTIN_MAP.get(name);
  if (!f) return typeError(`${name} is not a function`);
  return f(vm, args);
}

/**
 * `value.name(...args)` for non-object values: strings, arrays, numbers, and built-in
 * namespaces used as values.
 * @example
 * ```ts
 * callMethod(vm, "a-b", "split", ["-"]); // ["a", "b"]
 * ```
 */
export function callMethod(vm: VM, self: unknown, name: string, args: unknown[]): unknown {
  if (typeof self === "string") return stringMethod(vm, self, name, args);
  if (Array.isArray(self)) return arrayMethod(vm, self, name, args);
  if (typeof self === "number") return numberMethod(self, name, args);
  if (self instanceof BuiltinRef) return callBuiltin(vm, `${self.name}.${name}`, args);
  if (self === null) return typeError(`cannot read property "${name}" of null`);
  if (self instanceof Handle) {
    return typeError(`a handle has no method "${name}": use await to get its result`);
  }
  if (self instanceof VObj) return typeError(`${name} is not a function`);
  return typeError(`${describe(self)} has no method "${name}"`);
}
